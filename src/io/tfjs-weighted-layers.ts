import { LrpError } from '../errors.js';
import type { Padding } from '../model/layers.js';
import { showShape } from '../tensor.js';
import { appendActivation } from './tfjs-activation.js';
import { type LayerContext, singleInput } from './tfjs-graph-builder.js';
import { type JsonObject, describe, expectInt, expectNumber, expectPair, field } from './tfjs-json.js';

/** `'valid'` or `'same'` from a config's `padding`, else `E_FORMAT` (`causal`, explicit lists). */
export function paddingOf(config: JsonObject, where: string): 'valid' | 'same' {
  const p = field(config, 'padding') ?? 'valid';
  if (p !== 'valid' && p !== 'same') throw new LrpError('E_FORMAT', `padding ${describe(p)} is not supported (valid, same)`, where);
  return p;
}

/** Refuses `data_format: 'channels_first'` (lrpjs runs tfjs's own NHWC layout). */
export function checkChannelsLast(config: JsonObject, where: string): void {
  const f = field(config, 'data_format');
  if (f !== undefined && f !== null && f !== 'channels_last') throw new LrpError('E_FORMAT', `data_format ${describe(f)} is not supported (channels_last)`, where);
}

/** Output extent of a window `k` (dilation `d`, stride `s`) over `size` with tfjs padding; below 1 is `E_FORMAT`. */
export function windowOut(size: number, k: number, s: number, d: number, padding: 'valid' | 'same', where: string): number {
  const span = (k - 1) * d + 1;
  const out = padding === 'same' ? Math.ceil(size / s) : Math.floor((size - span) / s) + 1;
  if (out < 1) throw new LrpError('E_FORMAT', `window ${k} (dilated to ${span}) is larger than the input extent ${size}`, where);
  return out;
}

/** The `[H, W, C]` input of a 2-D layer, else `E_FORMAT`. */
export function imageInput(ctx: LayerContext): [number, number, number] {
  const shape = ctx.graph.shapeOf(singleInput(ctx));
  if (shape.length !== 3) throw new LrpError('E_FORMAT', `expects an [H, W, C] input per sample, got ${showShape(shape)}`, ctx.spec.where);
  return shape as [number, number, number];
}

function useBias(config: JsonObject): boolean {
  return field(config, 'use_bias') !== false;
}

/** Dense → `linear` (+ activation). The input must be a vector (`[m]`, m = kernel rows). */
export function convertDense(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  const input = singleInput(ctx);
  const shape = ctx.graph.shapeOf(input);
  if (shape.length !== 1) throw new LrpError('E_FORMAT', `Dense on a ${showShape(shape)} input per sample is not supported (add a Flatten layer before it)`, where);
  const m = shape[0]!;
  const n = expectInt(field(config, 'units'), 'units', where);
  const weights = ctx.weight('kernel', [m, n]);
  const bias = useBias(config) ? ctx.weight('bias', [n]) : new Float64Array(n);
  const node = ctx.graph.add({ kind: 'linear', inputs: m, outputs: n, weights, bias }, [input], [n], where);
  return appendActivation(ctx.graph, node, field(config, 'activation'), where);
}

interface Window2d {
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
  readonly padding: 'valid' | 'same';
  readonly outH: number;
  readonly outW: number;
}

function window2d(ctx: LayerContext, h: number, w: number, ignoreDilation = false): Window2d {
  const { config, where } = ctx.spec;
  checkChannelsLast(config, where);
  const kernel = expectPair(field(config, 'kernel_size'), 'kernel_size', where);
  const stride = expectPair(field(config, 'strides') ?? 1, 'strides', where);
  const given = expectPair(field(config, 'dilation_rate') ?? 1, 'dilation_rate', where);
  const dilation: [number, number] = ignoreDilation ? [1, 1] : given;
  const padding = paddingOf(config, where);
  const outH = windowOut(h, kernel[0], stride[0], dilation[0], padding, where);
  const outW = windowOut(w, kernel[1], stride[1], dilation[1], padding, where);
  return { kernel, stride, dilation, padding, outH, outW };
}

function dilationField(d: [number, number]): { dilation?: readonly [number, number] } {
  return d[0] === 1 && d[1] === 1 ? {} : { dilation: d };
}

/** Conv2D → `conv2d` (+ activation); HWIO kernel as tfjs stores it. */
export function convertConv2d(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  const [h, w, c] = imageInput(ctx);
  const groups = field(config, 'groups');
  if (groups !== undefined && groups !== 1) throw new LrpError('E_FORMAT', `groups ${describe(groups)} is not supported (1)`, where);
  const win = window2d(ctx, h, w);
  const f = expectInt(field(config, 'filters'), 'filters', where);
  const filter: [number, number, number, number] = [win.kernel[0], win.kernel[1], c, f];
  const weights = ctx.weight('kernel', filter);
  const bias = useBias(config) ? ctx.weight('bias', [f]) : new Float64Array(f);
  const padding: Padding = win.padding;
  const body = { kind: 'conv2d' as const, filter, stride: win.stride, padding, ...dilationField(win.dilation), weights, bias };
  const node = ctx.graph.add(body, ctx.inputs, [win.outH, win.outW, f], where);
  return appendActivation(ctx.graph, node, field(config, 'activation'), where);
}

/**
 * The depthwise part of DepthwiseConv2D and SeparableConv2D: a `depthwiseconv2d` node. tfjs's own
 * DepthwiseConv2D ignores `dilation_rate` (tfjs-layers 4.x passes no dilation to the op, in the
 * output shape too); Keras applies it. So a DepthwiseConv2D saved by tfjs runs undilated, as tfjs
 * runs it, and one converted from Keras dilated.
 */
function depthwiseNode(ctx: LayerContext, withBias: boolean): number {
  const { config, where } = ctx.spec;
  const [h, w, c] = imageInput(ctx);
  const win = window2d(ctx, h, w, ctx.spec.className === 'DepthwiseConv2D' && ctx.savedByTfjs);
  const mult = expectInt(field(config, 'depth_multiplier') ?? 1, 'depth_multiplier', where);
  const filter: [number, number, number, number] = [win.kernel[0], win.kernel[1], c, mult];
  const weights = ctx.weight('depthwise_kernel', filter);
  const bias = withBias ? ctx.weight('bias', [c * mult]) : new Float64Array(c * mult);
  const body = { kind: 'depthwiseconv2d' as const, filter, stride: win.stride, padding: win.padding as Padding, ...dilationField(win.dilation), weights, bias };
  return ctx.graph.add(body, ctx.inputs, [win.outH, win.outW, c * mult], where);
}

/** DepthwiseConv2D → `depthwiseconv2d` (+ activation). */
export function convertDepthwiseConv2d(ctx: LayerContext): number {
  const node = depthwiseNode(ctx, useBias(ctx.spec.config));
  return appendActivation(ctx.graph, node, field(ctx.spec.config, 'activation'), ctx.spec.where);
}

/** SeparableConv2D → `depthwiseconv2d` (no bias) → 1×1 `conv2d` (pointwise kernel, the bias) (+ activation). */
export function convertSeparableConv2d(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  const dw = depthwiseNode(ctx, false);
  const [oh, ow, cm] = ctx.graph.shapeOf(dw) as [number, number, number];
  const f = expectInt(field(config, 'filters'), 'filters', where);
  const filter: [number, number, number, number] = [1, 1, cm, f];
  const weights = ctx.weight('pointwise_kernel', filter);
  const bias = useBias(config) ? ctx.weight('bias', [f]) : new Float64Array(f);
  const node = ctx.graph.add({ kind: 'conv2d', filter, stride: [1, 1], padding: 'valid', weights, bias }, [dw], [oh, ow, f], where);
  return appendActivation(ctx.graph, node, field(config, 'activation'), where);
}

/** BatchNormalization (inference) → `batchnorm` with `scale = γ/√(var + ε)`, `shift = β − mean·scale` on the last axis. */
export function convertBatchNorm(ctx: LayerContext): number {
  const { config, where } = ctx.spec;
  const input = singleInput(ctx);
  const shape = ctx.graph.shapeOf(input);
  const axis = field(config, 'axis') ?? -1;
  const axisList = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (axisList !== -1 && axisList !== shape.length) {
    throw new LrpError('E_FORMAT', `BatchNormalization over axis ${describe(axis)} is not supported (only the last axis, -1)`, where);
  }
  const c = shape[shape.length - 1]!;
  const eps = expectNumber(field(config, 'epsilon') ?? 1e-3, 'epsilon', where);
  if (eps < 0) throw new LrpError('E_FORMAT', `epsilon must be non-negative, got ${eps}`, where);
  const gamma = field(config, 'scale') === false ? undefined : ctx.weight('gamma', [c]);
  const beta = field(config, 'center') === false ? undefined : ctx.weight('beta', [c]);
  const mean = ctx.weight('moving_mean', [c]);
  const variance = ctx.weight('moving_variance', [c]);
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    if (!(variance[k]! + eps > 0)) throw new LrpError('E_FORMAT', `moving_variance[${k}] + epsilon is ${variance[k]! + eps}, not positive`, where);
    scale[k] = (gamma ? gamma[k]! : 1) / Math.sqrt(variance[k]! + eps);
    shift[k] = (beta ? beta[k]! : 0) - mean[k]! * scale[k]!;
  }
  return ctx.graph.add({ kind: 'batchnorm', scale, shift }, [input], shape, where);
}
