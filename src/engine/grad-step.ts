import type { Trace } from './forward.js';
import type { PreparedModel } from './prepared.js';

/** Backward maps of the gradient family: how ReLU treats the incoming signal. */
export type GradientMode = 'gradient' | 'deconvnet' | 'guided-backprop';

/**
 * Sends the signal `G` back through layer `i`: the transpose of the layer's Jacobian (vector-
 * Jacobian product), except at ReLU where deconvnet passes `max(G, 0)` (Zeiler & Fergus 2014) and
 * guided backprop `max(G, 0) ⊙ [x > 0]` (Springenberg et al. 2015).
 */
export function gradStep<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, G: T, mode: GradientMode): T {
  const { ops } = pm;
  const layer = pm.model.layers[i];
  const x = trace.acts[i];
  const y = trace.acts[i + 1];
  const g = trace.geometry[i];
  const times = (a: T, b: T): T => {
    const r = ops.binary('mul', a, b);
    ops.dispose(b);
    return r;
  };
  const scaled = (t: T, c: number): T => {
    const r = ops.scale(t, c);
    ops.dispose(t);
    return r;
  };
  switch (layer.kind) {
    case 'linear': return ops.denseT(G, pm.weight(i, 'id'));
    case 'conv2d': return ops.convT(G, pm.weight(i, 'id'), g!);
    case 'sumpool': return scaled(ops.windowSumT(G, g!), 1 / Math.sqrt(g!.kH * g!.kW));
    case 'avgpool': return scaled(ops.windowSumT(G, g!), 1 / (g!.kH * g!.kW));
    case 'maxpool': return ops.maxRoute(x, y, G, g!);
    case 'flatten': return ops.reshape(G, [trace.batch, ...trace.shapes[i]]);
    case 'relu':
      if (mode === 'gradient') return times(G, ops.unary('step', x));
      if (mode === 'deconvnet') return ops.unary('relu', G);
      return times(ops.unary('relu', G), ops.unary('step', x));
    case 'tanh': return times(G, ops.unary('tanhGrad', y));
    case 'sigmoid': return times(G, ops.unary('sigmoidGrad', y));
    case 'softmax': return ops.softmaxT(y, G);
    default: throw new Error(`graph node ${layer.kind}: engine not yet merged`);
  }
}
