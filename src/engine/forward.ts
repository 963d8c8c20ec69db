import { type Layer, layerWhere } from '../model/layers.js';
import { nodeSources } from '../model/graph.js';
import { type WindowGeometry, concatAxis, nodeOutputShape, windowGeometry } from '../model/shapes.js';
import { sizeOf } from '../tensor.js';
import { checkForwardFinite, deviceCheck } from './numeric-check.js';
import type { Ops } from './ops.js';
import type { PreparedModel } from './prepared.js';
import { averageInside } from './window-counts.js';

/**
 * What a forward pass keeps for the backward passes (the toolbox's `lrp_aware`): every node's
 * output once (`acts[0]` the model input, `acts[i + 1]` the output of node i), each window node's
 * geometry and where each node reads from.
 */
export interface Trace<T> {
  readonly acts: T[];
  readonly geometry: (WindowGeometry | null)[];
  /** Per-sample shapes: `shapes[k]` of `acts[k]`. */
  readonly shapes: number[][];
  readonly batch: number;
  /** `sources[i]`: the `acts` indices node i reads (its `from` + 1); `[i]` in a chain. */
  readonly sources: readonly (readonly number[])[];
}

/** The `acts` index of node i's (first) input: `i` in a chain. */
export function inputIndex<T>(trace: Trace<T>, i: number): number {
  return trace.sources[i]![0]!;
}

/** Window geometry of a conv/pool/global-pool node on a per-sample input shape, `null` for other nodes. */
export function geometryOf(layer: Layer, inShape: readonly number[], where: string): WindowGeometry | null {
  switch (layer.kind) {
    case 'conv2d':
    case 'depthwiseconv2d':
      return windowGeometry(inShape, [layer.filter[0], layer.filter[1]], layer.stride, layer.padding, where, layer.dilation);
    case 'sumpool':
    case 'avgpool':
    case 'maxpool':
      return windowGeometry(inShape, layer.pool, layer.stride, layer.padding, where);
    case 'globalavgpool':
    case 'globalmaxpool':
      return windowGeometry(inShape, [inShape[0] ?? 1, inShape[1] ?? 1], [1, 1], 'valid', where);
    // Stryker disable next-line ConditionalExpression: equivalent, falling off returns undefined, read as no geometry
    default:
      return null;
  }
}

function scaled<T>(ops: Ops<T>, x: T, c: number): T {
  const y = ops.scale(x, c);
  ops.dispose(x);
  return y;
}

/** Applies node `i` to its inputs `xs` (batch first). */
export function applyNode<T>(pm: PreparedModel<T>, i: number, xs: readonly T[], g: WindowGeometry | null, outShape: readonly number[]): T {
  const { ops } = pm;
  const layer = pm.model.layers[i]!;
  const x = xs[0]!;
  switch (layer.kind) {
    case 'linear': return ops.dense(x, pm.weight(i, 'id'), pm.bias(i, 'id'));
    case 'conv2d': return ops.conv(x, pm.weight(i, 'id'), pm.bias(i, 'id'), g!);
    case 'depthwiseconv2d': return ops.depthwiseConv(x, pm.weight(i, 'id'), pm.bias(i, 'id'), g!);
    case 'batchnorm': return ops.affine(x, pm.weight(i, 'id'), pm.bias(i, 'id'));
    case 'sumpool': return scaled(ops, ops.windowSum(x, g!), 1 / Math.sqrt(g!.kH * g!.kW));
    case 'avgpool':
      return layer.excludePadding ? averageInside(ops, x, g!) : scaled(ops, ops.windowSum(x, g!), 1 / (g!.kH * g!.kW));
    case 'maxpool': return ops.maxPool(x, g!);
    case 'globalavgpool': return ops.reshape(scaled(ops, ops.windowSum(x, g!), 1 / (g!.kH * g!.kW)), outShape);
    case 'globalmaxpool': return ops.reshape(ops.maxPool(x, g!), outShape);
    case 'relu': return ops.unary('relu', x);
    case 'tanh': return ops.unary('tanh', x);
    case 'sigmoid': return ops.unary('sigmoid', x);
    case 'relu6': return ops.clip(x, 0, 6);
    case 'clip': return ops.clip(x, layer.min, layer.max);
    case 'leakyrelu': {
      // x⁺ + alpha·x⁻
      const pos = ops.unary('pos', x);
      const neg = scaled(ops, ops.unary('neg', x), layer.alpha);
      const y = ops.binary('add', pos, neg);
      ops.dispose(pos);
      ops.dispose(neg);
      return y;
    }
    case 'softmax': return ops.softmax(x);
    case 'flatten':
    case 'reshape':
    case 'identity':
      return ops.reshape(x, outShape);
    case 'pad': return ops.pad(x, layer.padding);
    case 'add': {
      let sum = ops.binary('add', x, xs[1]!);
      for (let k = 2; k < xs.length; k++) {
        const next = ops.binary('add', sum, xs[k]!);
        ops.dispose(sum);
        sum = next;
      }
      return sum;
    }
    case 'concat': return ops.concat(xs, 1 + concatAxis(layer.axis, outShape.length - 1, layerWhere(pm.model.layers, i)));
  }
}

/**
 * Runs the model on `x` (`[N, ...inShape]`), keeping every node's output once. Where the prepared
 * model checks values ({@link PreparedModel.checkFinite}), a NaN or ±Infinity is `E_NUMERIC` naming
 * the first node that produced one (on a backend that folds checks on the device, one readback for
 * the pass, and the nodes are looked at one by one only where it failed).
 */
export function forwardTrace<T>(pm: PreparedModel<T>, x: T): Trace<T> {
  const { ops, model } = pm;
  const full = ops.shape(x);
  const batch = full[0]!;
  const shapes: number[][] = [full.slice(1)];
  const acts: T[] = [x];
  const geometry: (WindowGeometry | null)[] = [];
  const sources = nodeSources(model).map((from) => from.map((j) => j + 1));
  const onDevice = pm.checkFinite ? deviceCheck(ops) : undefined;
  model.layers.forEach((layer, i) => {
    const where = layerWhere(model.layers, i);
    const src = sources[i]!;
    const g = geometryOf(layer, shapes[src[0]!]!, where);
    const out = nodeOutputShape(layer, src.map((k) => shapes[k]!), where);
    geometry.push(g);
    shapes.push(out);
    const y = applyNode(pm, i, src.map((k) => acts[k]!), g, [batch, ...out]);
    if (onDevice) onDevice.add(y);
    else if (pm.checkFinite) checkForwardFinite(ops, y, where, sizeOf(out));
    acts.push(y);
  });
  if (onDevice && !onDevice.allFinite()) {
    model.layers.forEach((_, i) => checkForwardFinite(ops, acts[i + 1]!, layerWhere(model.layers, i), sizeOf(shapes[i + 1]!)));
  }
  return { acts, geometry, shapes, batch, sources };
}
