import { LrpError } from '../errors.js';
import type { Model } from '../model/layers.js';
import { showShape, sizeOf } from '../tensor.js';
import { appendActivation } from './tfjs-activation.js';
import { GraphBuilder, type LayerContext, layerContext, singleInput } from './tfjs-graph-builder.js';
import { describe, expectArray, expectInt, expectPair, field } from './tfjs-json.js';
import type { TfjsTopology } from './tfjs-topology.js';
import {
  checkChannelsLast,
  convertBatchNorm,
  convertConv2d,
  convertDense,
  convertDepthwiseConv2d,
  convertSeparableConv2d,
  imageInput,
  paddingOf,
  windowOut,
} from './tfjs-weighted-layers.js';
import type { TfjsWeight } from './tfjs-weights.js';

/** Largest zero padding per side ZeroPadding2D may ask for. */
const MAX_PAD = 2 ** 16;

function convertPool(ctx: LayerContext, kind: 'maxpool' | 'avgpool'): number {
  const { config, where } = ctx.spec;
  checkChannelsLast(config, where);
  const [h, w, c] = imageInput(ctx);
  const pool = expectPair(field(config, 'pool_size') ?? 2, 'pool_size', where);
  const strides = field(config, 'strides');
  const stride = strides === undefined || strides === null ? pool : expectPair(strides, 'strides', where);
  const padding = paddingOf(config, where);
  const outH = windowOut(h, pool[0], stride[0], 1, padding, where);
  const outW = windowOut(w, pool[1], stride[1], 1, padding, where);
  if (kind === 'avgpool' && padding === 'same' && ((outH - 1) * stride[0] + pool[0] > h || (outW - 1) * stride[1] + pool[1] > w)) {
    throw new LrpError(
      'E_FORMAT',
      `AveragePooling2D with 'same' padding that pads this ${showShape([h, w, c])} input is not supported: tfjs leaves the padding out of the average, lrpjs's avgpool divides by the whole window (use 'valid', or an input size divisible by the stride with pool = stride)`,
      where,
    );
  }
  return ctx.graph.add({ kind, pool, stride, padding }, ctx.inputs, [outH, outW, c], where);
}

function convertGlobalPool(ctx: LayerContext, kind: 'globalavgpool' | 'globalmaxpool'): number {
  const { config, where } = ctx.spec;
  checkChannelsLast(config, where);
  const [, , c] = imageInput(ctx);
  const node = ctx.graph.add({ kind }, ctx.inputs, [c], where);
  return field(config, 'keepdims') === true ? ctx.graph.add({ kind: 'reshape', shape: [1, 1, c] }, [node], [1, 1, c], where) : node;
}

function padSides(v: unknown, where: string): [number, number, number, number] {
  const side = (x: unknown, what: string): number => expectInt(x, what, where, 0, MAX_PAD);
  if (typeof v === 'number') return [side(v, 'padding'), v, v, v];
  const a = expectArray(v ?? 1, 'padding', where);
  if (a.length !== 2) throw new LrpError('E_FORMAT', `padding must have 2 entries, got ${describe(v)}`, where);
  if (typeof a[0] === 'number' && typeof a[1] === 'number') {
    const [ph, pw] = [side(a[0], 'padding[0]'), side(a[1], 'padding[1]')];
    return [ph, ph, pw, pw];
  }
  const [hp, wp] = [expectArray(a[0], 'padding[0]', where), expectArray(a[1], 'padding[1]', where)];
  if (hp.length !== 2 || wp.length !== 2) throw new LrpError('E_FORMAT', `padding must be [[top, bottom], [left, right]], got ${describe(v)}`, where);
  return [side(hp[0], 'top padding'), side(hp[1], 'bottom padding'), side(wp[0], 'left padding'), side(wp[1], 'right padding')];
}

function convertZeroPadding(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  checkChannelsLast(config, where);
  const [h, w, c] = imageInput(ctx);
  const padding = padSides(field(config, 'padding'), where);
  return ctx.graph.add({ kind: 'pad', padding }, ctx.inputs, [h + padding[0] + padding[1], w + padding[2] + padding[3], c], where);
}

function convertReshape(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  const input = singleInput(ctx);
  const size = sizeOf(ctx.graph.shapeOf(input));
  const target = expectArray(field(config, 'target_shape'), 'target_shape', where).map((d, k) => (d === null ? -1 : expectInt(d, `target_shape[${k}]`, where, -1))); // tfjs writes -1 as null
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1 || target.includes(0)) throw new LrpError('E_FORMAT', `target_shape ${showShape(target)} is not a shape (positive sizes, at most one -1)`, where);
  const known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const shape = target.map((d) => (d === -1 ? size / known : d));
  if (sizeOf(shape) !== size || !shape.every(Number.isInteger)) {
    throw new LrpError('E_FORMAT', `cannot reshape ${size} values to target_shape ${showShape(target)}`, where);
  }
  return ctx.graph.add({ kind: 'reshape', shape }, [input], shape, where);
}

function convertAdd(ctx: LayerContext): number {
  const { where } = ctx.spec;
  if (ctx.inputs.length < 2) throw new LrpError('E_FORMAT', `Add takes 2 or more inputs, got ${ctx.inputs.length}`, where);
  const shape = ctx.graph.shapeOf(ctx.inputs[0]!);
  for (const i of ctx.inputs) {
    const s = ctx.graph.shapeOf(i);
    if (showShape(s) !== showShape(shape)) throw new LrpError('E_FORMAT', `Add inputs differ in shape: ${showShape(shape)} and ${showShape(s)}`, where);
  }
  return ctx.graph.add({ kind: 'add' }, ctx.inputs, shape, where);
}

function convertConcat(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  if (ctx.inputs.length < 2) throw new LrpError('E_FORMAT', `Concatenate takes 2 or more inputs, got ${ctx.inputs.length}`, where);
  const shapes = ctx.inputs.map((i) => ctx.graph.shapeOf(i));
  const rank = shapes[0]!.length;
  const raw = expectInt(field(config, 'axis') ?? -1, 'axis', where, -rank - 1, rank);
  const full = raw < 0 ? raw + rank + 1 : raw; // tfjs counts the batch axis
  if (full === 0) throw new LrpError('E_FORMAT', `Concatenate along the batch axis (${raw}) is not supported`, where);
  const at = full - 1; // the axis of the per-sample shape
  const axis = at - rank; // lrpjs's concat axis, counted from the end (-1 = channels)
  const out = [...shapes[0]!];
  out[at] = 0;
  for (const s of shapes) {
    if (s.length !== rank || s.some((d, k) => k !== at && d !== shapes[0]![k])) {
      throw new LrpError('E_FORMAT', `Concatenate inputs ${shapes.map(showShape).join(', ')} do not agree off axis ${raw}`, where);
    }
    out[at]! += s[at]!;
  }
  return ctx.graph.add({ kind: 'concat', axis }, ctx.inputs, out, where);
}

function convertRelu(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  const input = singleInput(ctx);
  const shape = ctx.graph.shapeOf(input);
  for (const key of ['negative_slope', 'threshold']) {
    const v = field(config, key);
    if (v !== undefined && v !== null && v !== 0) throw new LrpError('E_FORMAT', `ReLU with ${key} ${describe(v)} is not supported (0)`, where);
  }
  const max = field(config, 'max_value');
  if (max === undefined || max === null) return ctx.graph.add({ kind: 'relu' }, [input], shape, where);
  if (max === 6) return ctx.graph.add({ kind: 'relu6' }, [input], shape, where);
  if (typeof max !== 'number' || !(max > 0) || !Number.isFinite(max)) throw new LrpError('E_FORMAT', `ReLU max_value must be a positive number, got ${describe(max)}`, where);
  return ctx.graph.add({ kind: 'clip', min: 0, max }, [input], shape, where);
}

function convertSoftmax(ctx: LayerContext): number {
  const axis = field(ctx.spec.config, 'axis') ?? -1;
  if (axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) {
    throw new LrpError('E_FORMAT', `Softmax over axis ${describe(axis)} is not supported (-1)`, ctx.spec.where);
  }
  return appendActivation(ctx.graph, singleInput(ctx), 'softmax', ctx.spec.where);
}

/** Converters by Keras class name; each returns the node that is the layer's output. */
const CONVERTERS: Readonly<Record<string, (ctx: LayerContext) => number>> = {
  Dense: convertDense,
  Conv2D: convertConv2d,
  DepthwiseConv2D: convertDepthwiseConv2d,
  SeparableConv2D: convertSeparableConv2d,
  BatchNormalization: convertBatchNorm,
  MaxPooling2D: (ctx) => convertPool(ctx, 'maxpool'),
  AveragePooling2D: (ctx) => convertPool(ctx, 'avgpool'),
  GlobalAveragePooling2D: (ctx) => convertGlobalPool(ctx, 'globalavgpool'),
  GlobalMaxPooling2D: (ctx) => convertGlobalPool(ctx, 'globalmaxpool'),
  ZeroPadding2D: convertZeroPadding,
  Flatten: (ctx) => ctx.graph.add({ kind: 'flatten' }, [singleInput(ctx)], [sizeOf(ctx.graph.shapeOf(singleInput(ctx)))], ctx.spec.where),
  Reshape: convertReshape,
  Dropout: singleInput,
  SpatialDropout2D: singleInput,
  Activation: (ctx) => appendActivation(ctx.graph, singleInput(ctx), field(ctx.spec.config, 'activation'), ctx.spec.where),
  ReLU: convertRelu,
  Softmax: convertSoftmax,
  Add: convertAdd,
  Concatenate: convertConcat,
};

/** Keras class names lrpjs imports, for messages and docs. */
export const SUPPORTED_TFJS_LAYERS: readonly string[] = ['InputLayer', ...Object.keys(CONVERTERS)];

/**
 * Builds the lrpjs graph of a tfjs topology with its decoded weights: nodes in topological order
 * with explicit edges, fused activations as separate nodes after their layer, Dropout gone,
 * BatchNormalization as `batchnorm`, SeparableConv2D as depthwise + 1×1 convolution. Shapes are
 * followed from the input so every weight is checked against the shape it must have. An unknown
 * layer class, a misshapen weight or a softmax anywhere but last is `E_FORMAT` naming the layer.
 */
export function buildTfjsGraph(topology: TfjsTopology, weights: ReadonlyMap<string, TfjsWeight>, file: string): Model {
  const graph = new GraphBuilder(topology.inputShape);
  const outputOf = new Map<string, number>([[topology.inputName, -1]]);
  let last = -1;
  for (const spec of topology.layers) {
    if (!Object.hasOwn(CONVERTERS, spec.className)) {
      throw new LrpError('E_FORMAT', `layer class '${spec.className}' is not supported (supported: ${SUPPORTED_TFJS_LAYERS.join(', ')})`, spec.where);
    }
    const inputs = spec.inputs.map((name) => {
      const node = outputOf.get(name);
      if (node === undefined) throw new LrpError('E_FORMAT', `takes its input from '${name}', which is not an earlier layer`, spec.where);
      return node;
    });
    last = CONVERTERS[spec.className]!(layerContext(spec, inputs, graph, weights, topology.producer.startsWith('tfjs-layers')));
    outputOf.set(spec.name, last);
  }
  if (graph.nodes.length === 0 || last !== graph.nodes.length - 1) {
    throw new LrpError('E_FORMAT', 'the model output is its input (only Dropout layers): there are no layers to explain', file);
  }
  graph.nodes.forEach((node, i) => {
    if (node.kind === 'softmax' && i !== graph.nodes.length - 1) {
      throw new LrpError('E_FORMAT', 'a softmax before the last layer is not supported (only a final softmax, dropped for explanations)', graph.origins[i]);
    }
  });
  return { layers: graph.nodes, inputShape: [...topology.inputShape] };
}
