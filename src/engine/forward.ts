import { type Layer, layerWhere } from '../model/layers.js';
import { type WindowGeometry, layerOutputShape, windowGeometry } from '../model/shapes.js';
import { sizeOf } from '../tensor.js';
import { checkForwardFinite } from './numeric-check.js';
import type { Ops } from './ops.js';
import type { PreparedModel } from './prepared.js';

/**
 * What a forward pass keeps for the backward passes (the toolbox's `lrp_aware`): the activation
 * entering every layer (`acts[i]`, and `acts[L]` the output) and each window layer's geometry.
 */
export interface Trace<T> {
  readonly acts: T[];
  readonly geometry: (WindowGeometry | null)[];
  /** Per-sample shapes: `shapes[i]` of `acts[i]`. */
  readonly shapes: number[][];
  readonly batch: number;
}

/** Window geometry of a conv/pool layer on a per-sample input shape, `null` for other layers. */
export function geometryOf(layer: Layer, inShape: readonly number[], where: string): WindowGeometry | null {
  if (layer.kind === 'conv2d') return windowGeometry(inShape, [layer.filter[0], layer.filter[1]], layer.stride, layer.padding, where);
  if (layer.kind === 'sumpool' || layer.kind === 'avgpool' || layer.kind === 'maxpool') {
    return windowGeometry(inShape, layer.pool, layer.stride, layer.padding, where);
  }
  return null;
}

/** Applies layer `i` to `x` (batch first). */
export function applyLayer<T>(pm: PreparedModel<T>, i: number, x: T, g: WindowGeometry | null, outShape: readonly number[]): T {
  const { ops } = pm;
  const layer = pm.model.layers[i];
  switch (layer.kind) {
    case 'linear': return ops.dense(x, pm.weight(i, 'id'), pm.bias(i, 'id'));
    case 'conv2d': return ops.conv(x, pm.weight(i, 'id'), pm.bias(i, 'id'), g!);
    case 'sumpool': return scaled(ops, ops.windowSum(x, g!), 1 / Math.sqrt(g!.kH * g!.kW));
    case 'avgpool': return scaled(ops, ops.windowSum(x, g!), 1 / (g!.kH * g!.kW));
    case 'maxpool': return ops.maxPool(x, g!);
    case 'relu': return ops.unary('relu', x);
    case 'tanh': return ops.unary('tanh', x);
    case 'sigmoid': return ops.unary('sigmoid', x);
    case 'softmax': return ops.softmax(x);
    case 'flatten': return ops.reshape(x, outShape);
    default: throw new Error(`graph node ${layer.kind}: engine not yet merged`);
  }
}

function scaled<T>(ops: Ops<T>, x: T, c: number): T {
  const y = ops.scale(x, c);
  ops.dispose(x);
  return y;
}

/**
 * Runs the model on `x` (`[N, ...inShape]`), keeping every activation. Where the prepared model
 * checks values ({@link PreparedModel.checkFinite}), a NaN or ±Infinity is `E_NUMERIC` naming the
 * first layer that produced one.
 */
export function forwardTrace<T>(pm: PreparedModel<T>, x: T): Trace<T> {
  const { ops, model } = pm;
  const full = ops.shape(x);
  const batch = full[0];
  const shapes: number[][] = [full.slice(1)];
  const acts: T[] = [x];
  const geometry: (WindowGeometry | null)[] = [];
  model.layers.forEach((layer, i) => {
    const where = layerWhere(model.layers, i);
    const g = geometryOf(layer, shapes[i], where);
    const out = layerOutputShape(layer, shapes[i], where);
    geometry.push(g);
    shapes.push(out);
    const y = applyLayer(pm, i, acts[i], g, [batch, ...out]);
    if (pm.checkFinite) checkForwardFinite(ops, y, where, sizeOf(out));
    acts.push(y);
  });
  return { acts, geometry, shapes, batch };
}
