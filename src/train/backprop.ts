import { forwardTrace } from '../engine/forward.js';
import { gradStep } from '../engine/grad-step.js';
import type { Ops } from '../engine/ops.js';
import type { PreparedModel } from '../engine/prepared.js';
import { LrpError } from '../errors.js';
import { isChain } from '../model/graph.js';
import { isParamLayer, layerWhere } from '../model/layers.js';
import type { WindowGeometry } from '../model/shapes.js';
import { sizeOf } from '../tensor.js';
import { type LossResult, softmaxCrossEntropy } from './loss.js';
import type { LayerGradient } from './params.js';

/** Loss, logits and per-layer parameter gradients of one batch. */
export interface BatchGradients extends LossResult {
  /** Gradient per layer (`null` for layers without parameters). */
  readonly layers: (LayerGradient | null)[];
}

const onesCache = new Map<number, Float64Array>();
function ones(n: number): Float64Array {
  let a = onesCache.get(n);
  if (!a) {
    a = new Float64Array(n).fill(1);
    if (onesCache.size > 16) onesCache.clear();
    onesCache.set(n, a);
  }
  return a;
}

function toF64(a: Float32Array | Float64Array): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/**
 * Forward pass of the logits model `pm` on the batch `x` (`[N, ...]`, uploaded by the caller),
 * softmax cross-entropy against `targets[N, C]`, and backpropagation through every layer with the
 * backend's kernels: weight gradients by {@link Ops.denseGradW} / {@link Ops.convGradW}, bias
 * gradients as column sums (denseGradW with a ones column), the signal sent down by the same
 * vector-Jacobian products the gradient explainer uses. Runs inside the caller's run scope.
 */
export function batchGradients<T>(pm: PreparedModel<T>, x: T, targets: Float64Array): BatchGradients {
  const { ops, model } = pm;
  const trace = forwardTrace(pm, x);
  const L = model.layers.length;
  const n = trace.batch;
  const classes = sizeOf(trace.shapes[L]!);
  const result = softmaxCrossEntropy(ops.read(trace.acts[L]!), targets, n, classes);
  const layers: (LayerGradient | null)[] = model.layers.map(() => null);
  let G = ops.tensor(result.grad, [n, ...trace.shapes[L]!]);
  // the signal need not travel below the first weight layer
  if (!isChain(model)) throw new LrpError('E_USAGE', 'training runs on chains of layers (this model is a graph)');
  const first = model.layers.findIndex(isParamLayer);
  for (let i = L - 1; i >= first && first >= 0; i--) {
    const layer = model.layers[i]!;
    if (layer.kind === 'depthwiseconv2d') throw new LrpError('E_USAGE', 'training does not support depthwise convolutions', layerWhere(model.layers, i));
    if (isParamLayer(layer)) layers[i] = paramGradient(ops, layer.kind, trace.acts[i]!, G, trace.geometry[i]);
    if (i > first) G = gradStep(pm, trace, i, G, 'gradient');
  }
  return { ...result, layers };
}

function paramGradient<T>(ops: Ops<T>, kind: 'linear' | 'conv2d', x: T, G: T, g: WindowGeometry | null): LayerGradient {
  const gs = ops.shape(G);
  const nf = gs[gs.length - 1]!;
  const rows = sizeOf(gs) / nf;
  const w = kind === 'linear' ? ops.denseGradW(x, G) : ops.convGradW(x, G, g!);
  const b = ops.denseGradW(ops.tensor(ones(rows), [rows, 1]), ops.reshape(G, [rows, nf]));
  return { weights: toF64(ops.read(w)), bias: toF64(ops.read(b)) };
}
