/**
 * The oracle's forward pass: one sample at a time, float64, per-neuron loops over the explicit
 * {@link Wiring} of each layer. Independent of the engine and the backends.
 */
import type { Layer, Model } from '../../src/model/layers.js';
import { type Wiring, outShapeOf, wiringOf } from './wiring.js';

/** What one sample's forward pass keeps: `acts[i]` enters layer i (`acts[L]` the output), plus each layer's graph. */
export interface OracleTrace {
  readonly acts: Float64Array[];
  readonly wirings: (Wiring | null)[];
  readonly shapes: number[][];
}

/** Softmax of a vector, written with the maximum subtracted (exp(x − max) / Σ exp(x − max)). */
export function softmaxOf(x: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  const e = x.map((v) => Math.exp(v - max));
  let s = 0;
  for (const v of e) s += v;
  return e.map((v) => v / s);
}

/** Applies one layer to one sample. */
export function forwardLayer(layer: Layer, w: Wiring | null, x: Float64Array): Float64Array {
  if (w) {
    const y = new Float64Array(w.outSize);
    for (let j = 0; j < w.outSize; j++) {
      const edges = w.edges[j];
      if (layer.kind === 'maxpool') {
        // Padding never wins: only in-bound inputs have edges.
        let m = -Infinity;
        for (const e of edges) m = Math.max(m, x[e.from]);
        y[j] = m;
        continue;
      }
      let z = w.bias ? w.bias[j] : 0;
      for (const e of edges) z += x[e.from] * e.weight;
      // SumPool (toolbox) is the window sum divided by sqrt(hp·wp), not the mean.
      y[j] = layer.kind === 'sumpool' ? z / Math.sqrt(layer.pool[0] * layer.pool[1]) : z;
    }
    return y;
  }
  switch (layer.kind) {
    case 'relu': return x.map((v) => (v > 0 ? v : 0));
    case 'tanh': return x.map(Math.tanh);
    case 'sigmoid': return x.map((v) => 1 / (1 + Math.exp(-v)));
    case 'softmax': return softmaxOf(x);
    default: return Float64Array.from(x); // flatten: NHWC data is already flat
  }
}

/** Runs the model on one sample of per-sample shape `inShape`, keeping every activation. */
export function oracleForward(model: Model, sample: Float64Array, inShape: readonly number[]): OracleTrace {
  const acts: Float64Array[] = [Float64Array.from(sample)];
  const shapes = [[...inShape]];
  const wirings: (Wiring | null)[] = [];
  model.layers.forEach((layer, i) => {
    const w = wiringOf(layer, shapes[i]);
    wirings.push(w);
    shapes.push(outShapeOf(layer, shapes[i]));
    acts.push(forwardLayer(layer, w, acts[i]));
  });
  return { acts, wirings, shapes };
}
