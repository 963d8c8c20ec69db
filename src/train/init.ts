import { LrpError } from '../errors.js';
import { conv2dLayer, linearLayer } from '../model/build.js';
import type { Conv2dLayer, Layer, LinearLayer, Model, Padding } from '../model/layers.js';
import { Rng } from '../rng.js';

/**
 * Weight initialisation of fresh layers: `he` draws N(0, 2 / fan_in) (He et al. 2015, for ReLU
 * networks), `glorot` draws U(±√(6 / (fan_in + fan_out))) (Glorot & Bengio 2010, for tanh and
 * sigmoid). Biases start at 0. fan_in is m for a dense layer and kh·kw·C for a convolution;
 * fan_out is n and kh·kw·F.
 */
export type InitScheme = 'he' | 'glorot';

/** Fills `n` weights for the given fans. */
export function initWeights(n: number, fanIn: number, fanOut: number, scheme: InitScheme, rng: Rng): Float64Array {
  const w = new Float64Array(n);
  if (scheme === 'he') {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < n; i++) w[i] = rng.normal() * std;
  } else if (scheme === 'glorot') {
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < n; i++) w[i] = (rng.next() * 2 - 1) * lim;
  } else {
    throw new LrpError('E_USAGE', `unknown init scheme '${String(scheme)}' (he or glorot)`);
  }
  return w;
}

/** A fresh dense layer `[m, n]` with initialised weights and zero bias. */
export function initLinear(m: number, n: number, scheme: InitScheme, rng: Rng): LinearLayer {
  return linearLayer(m, n, initWeights(m * n, m, n, scheme, rng), new Float64Array(n));
}

/** A fresh convolution with filter `[kh, kw, C, F]`, initialised weights and zero bias. */
export function initConv2d(
  filter: readonly [number, number, number, number],
  stride: readonly [number, number],
  padding: Padding,
  scheme: InitScheme,
  rng: Rng,
): Conv2dLayer {
  const [kh, kw, c, f] = filter;
  return conv2dLayer(filter, stride, initWeights(kh * kw * c * f, kh * kw * c, kh * kw * f, scheme, rng), new Float64Array(f), padding);
}

/**
 * Re-initialises every weight layer of `model` (same architecture, fresh numbers) from `seed`,
 * layer by layer in order, so a seed always gives the same model.
 */
export function reinitModel(model: Model, seed: number, scheme: InitScheme = 'he'): Model {
  const rng = new Rng(seed);
  const layers: Layer[] = model.layers.map((l) => {
    if (l.kind === 'linear') return initLinear(l.inputs, l.outputs, scheme, rng);
    if (l.kind === 'conv2d') return initConv2d(l.filter, l.stride, l.padding, scheme, rng);
    return l;
  });
  return { layers };
}
