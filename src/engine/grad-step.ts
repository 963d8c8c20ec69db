import { type Trace, inputIndex } from './forward.js';
import type { MaxTies } from './ops.js';
import type { PreparedModel } from './prepared.js';
import { averageInsideT } from './window-counts.js';

/** Backward maps of the gradient family: how ReLU treats the incoming signal. */
export type GradientMode = 'gradient' | 'deconvnet' | 'guided-backprop';

/**
 * Sends the signal `G` back through single-input node `i`: the transpose of the node's Jacobian
 * (vector-Jacobian product), except at ReLU (and ReLU6) where deconvnet passes `max(G, 0)` (Zeiler
 * & Fergus 2014) and guided backprop `max(G, 0) ⊙ [x > 0]` (Springenberg et al. 2015); ReLU6 and
 * clip mask the signal where their input is outside `(min, max)`. Max pools route tied maxima by
 * `ties` (`Ops.maxRoute`).
 */
export function gradStep<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, G: T, mode: GradientMode, ties: MaxTies = 'split'): T {
  const { ops } = pm;
  const layer = pm.model.layers[i]!;
  const src = inputIndex(trace, i);
  const x = trace.acts[src]!;
  const y = trace.acts[i + 1]!;
  const g = trace.geometry[i]!;
  const inShape = [trace.batch, ...trace.shapes[src]!];
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
  // Global pools: the windowed map on a [N, 1, 1, C] view.
  const pooled = (t: T): T => ops.reshape(t, [trace.batch, 1, 1, trace.shapes[i + 1]![0]!]);
  // `f(a)`, freeing the temporary `a` (every handle is freed by a backend such as tfjs).
  const consume = (a: T, f: (a: T) => T): T => {
    const r = f(a);
    ops.dispose(a);
    return r;
  };
  switch (layer.kind) {
    case 'linear': return ops.denseT(G, pm.weight(i, 'id'));
    case 'conv2d': return ops.convT(G, pm.weight(i, 'id'), g);
    case 'depthwiseconv2d': return ops.depthwiseConvT(G, pm.weight(i, 'id'), g);
    case 'batchnorm': return ops.affine(G, pm.weight(i, 'id'), null);
    case 'sumpool': return scaled(ops.windowSumT(G, g), 1 / Math.sqrt(g.kH * g.kW));
    case 'avgpool':
      return layer.excludePadding ? averageInsideT(ops, G, g) : scaled(ops.windowSumT(G, g), 1 / (g.kH * g.kW));
    case 'globalavgpool': return scaled(consume(pooled(G), (v) => ops.windowSumT(v, g)), 1 / (g.kH * g.kW));
    case 'maxpool': return ops.maxRoute(x, y, G, g, ties);
    case 'globalmaxpool': return consume(pooled(y), (yv) => consume(pooled(G), (gv) => ops.maxRoute(x, yv, gv, g, ties)));
    case 'flatten':
    case 'reshape':
    case 'identity':
      return ops.reshape(G, inShape);
    case 'pad': return ops.crop(G, layer.padding);
    case 'relu':
      if (mode === 'gradient') return times(G, ops.unary('step', x));
      if (mode === 'deconvnet') return ops.unary('relu', G);
      return consume(ops.unary('relu', G), (pos) => times(pos, ops.unary('step', x)));
    case 'relu6':
      if (mode === 'gradient') return times(G, ops.inside(x, 0, 6));
      if (mode === 'deconvnet') return ops.unary('relu', G);
      return consume(ops.unary('relu', G), (pos) => times(pos, ops.inside(x, 0, 6)));
    case 'clip': return times(G, ops.inside(x, layer.min, layer.max));
    case 'leakyrelu': {
      // G·(step(x)·(1 − alpha) + alpha)
      const masked = scaled(times(G, ops.unary('step', x)), 1 - layer.alpha);
      const rest = ops.scale(G, layer.alpha);
      const r = ops.binary('add', masked, rest);
      ops.dispose(masked);
      ops.dispose(rest);
      return r;
    }
    case 'tanh': return times(G, ops.unary('tanhGrad', y));
    case 'sigmoid': return times(G, ops.unary('sigmoidGrad', y));
    case 'softmax': return ops.softmaxT(y, G);
    case 'add':
    case 'concat':
      return G;
  }
}
