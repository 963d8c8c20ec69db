import { LrpError } from '../../errors.js';
import type { Layer, Padding } from '../../model/layers.js';
import { layerOutputShape } from '../../model/shapes.js';
import { showShape } from '../../tensor.js';
import type { NodeBody } from '../tfjs-graph-builder.js';
import type { NodeContext } from './node-context.js';
import { windowAttributes } from './window-attributes.js';
import { type Activation, type Constant, type Value, activation, batchShape, imageNode, orderArray, perChannel } from './values.js';

/** Adds `body` on image node `from` (internal `[H, W, C]`) and returns its output as an ONNX image value. */
function addImage(ctx: NodeContext, body: NodeBody, from: number, inShape: readonly number[]): Activation {
  const out = layerOutputShape({ ...body, from: [from] } as Layer, inShape, ctx.where);
  const node = ctx.graph.add(body, [from], out, ctx.where);
  return out.length === 3 ? activation(node, [out[2]!, out[0]!, out[1]!]) : { kind: 'activation', node, shape: [out[0]!, 1, 1], internal: out, order: null };
}

/** The image input of a window node: node index, internal `[H, W, C]` and ONNX `[C, H, W]`. */
function imageInput(ctx: NodeContext): { node: number; internal: [number, number, number]; shape: readonly number[] } {
  const x = ctx.activation(0, 'X');
  const node = imageNode(ctx.graph, x, ctx);
  return { node, internal: [x.shape[1]!, x.shape[2]!, x.shape[0]!], shape: x.shape };
}

/** Optional bias input `k` of `n` values (absent: zeros). */
function biasOf(ctx: NodeContext, k: number, n: number): Float64Array {
  const b = ctx.optionalConstant(k, 'B');
  if (!b) return new Float64Array(n);
  if (b.data.length !== n) throw new LrpError('E_FORMAT', `bias of shape ${showShape(b.dims)} does not fit ${n} output channels`, ctx.where);
  return Float64Array.from(b.data);
}

/**
 * Conv (2-D): `group = 1` becomes a conv2d node (weights OIHW → HWIO), `group = C` a depthwise node
 * (`[C·M, 1, kh, kw]` → `[kh, kw, C, M]`), other groups a conv2d node with block-diagonal weights.
 */
export function convNode(ctx: NodeContext): Value[] {
  const x = imageInput(ctx);
  const w = ctx.constant(1, 'W');
  if (w.dims.length !== 4) throw ctx.unsupported(`a convolution with weights of shape ${showShape(w.dims)} (only 2-D, [M, C/group, kh, kw])`);
  const [M, Cg, kh, kw] = w.dims as [number, number, number, number];
  const C = x.internal[2];
  const group = ctx.int('group', 1);
  if (!Number.isSafeInteger(group) || group < 1 || C % group !== 0 || M % group !== 0 || Cg !== C / group) {
    throw new LrpError('E_FORMAT', `group ${group} with weights ${showShape(w.dims)} does not fit an input of ${C} channels`, ctx.where);
  }
  const a = windowAttributes(ctx, [x.internal[0], x.internal[1]], [kh, kw]);
  const bias = biasOf(ctx, 2, M);
  const common = { stride: a.stride, padding: a.padding, ...(a.dilation[0] !== 1 || a.dilation[1] !== 1 ? { dilation: a.dilation } : {}), bias, name: ctx.name };
  if (group === C && group > 1) {
    const mult = M / C;
    const weights = new Float64Array(kh * kw * C * mult);
    for (let c = 0; c < C; c++) for (let m = 0; m < mult; m++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) {
      weights[((y * kw + z) * C + c) * mult + m] = w.data[((c * mult + m) * kh + y) * kw + z]!;
    }
    return [addImage(ctx, { kind: 'depthwiseconv2d', filter: [kh, kw, C, mult], weights, ...common }, x.node, x.internal)];
  }
  const Mg = M / group;
  const weights = new Float64Array(kh * kw * C * M);
  for (let m = 0; m < M; m++) {
    const g = Math.floor(m / Mg);
    for (let cg = 0; cg < Cg; cg++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) {
      weights[((y * kw + z) * C + g * Cg + cg) * M + m] = w.data[((m * Cg + cg) * kh + y) * kw + z]!;
    }
  }
  return [addImage(ctx, { kind: 'conv2d', filter: [kh, kw, C, M], weights, ...common }, x.node, x.internal)];
}

/** A dense node `[K] → [N]` from ONNX weights `w(k, n)` on vector activation `a` (rows permuted to the node's order). */
function denseNode(ctx: NodeContext, a: Activation, K: number, N: number, w: (k: number, n: number) => number, bias: Float64Array): Activation {
  if (a.shape.length !== 1) throw new LrpError('E_FORMAT', `expects a vector input [N, ${K}], got ${batchShape(a.shape)} (add a Flatten before it)`, ctx.where);
  if (a.shape[0] !== K) throw new LrpError('E_FORMAT', `expects ${K} input features, got ${batchShape(a.shape)}`, ctx.where);
  const weights = new Float64Array(K * N);
  const order = orderArray(a.order, K);
  for (let k = 0; k < K; k++) {
    const src = order ? order[k]! : k;
    for (let n = 0; n < N; n++) weights[k * N + n] = w(src, n);
  }
  const node = ctx.graph.add({ kind: 'linear', inputs: K, outputs: N, weights, bias, name: ctx.name }, [a.node], [N], ctx.where);
  return { kind: 'activation', node, shape: [N], internal: [N], order: null };
}

/** Gemm `alpha·A·B(ᵀ) + beta·C` with A the data (`transA = 0`) and B, C constants: a dense node. */
export function gemmNode(ctx: NodeContext): Value[] {
  if (ctx.int('transA', 0) !== 0) throw ctx.unsupported('Gemm with transA = 1 on the model data (it would mix the batch)');
  const a = ctx.activation(0, 'A');
  const b = ctx.constant(1, 'B');
  if (b.dims.length !== 2) throw new LrpError('E_FORMAT', `B must be a matrix, got shape ${showShape(b.dims)}`, ctx.where);
  const transB = ctx.int('transB', 0) !== 0;
  const [K, N] = transB ? [b.dims[1]!, b.dims[0]!] : [b.dims[0]!, b.dims[1]!];
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  const c = ctx.optionalConstant(2, 'C');
  let bias = new Float64Array(N);
  if (c) {
    const rows = c.dims.length === 2 ? c.dims[0]! : 1;
    const cols = c.dims.length === 0 ? 1 : c.dims[c.dims.length - 1]!;
    if (c.dims.length > 2 || rows !== 1 || (cols !== 1 && cols !== N)) throw new LrpError('E_FORMAT', `C of shape ${showShape(c.dims)} is not one bias per output (${N})`, ctx.where);
    bias = Float64Array.from({ length: N }, (_, n) => beta * c.data[cols === 1 ? 0 : n]!);
  }
  const w = transB ? (k: number, n: number) => alpha * b.data[n * K + k]! : (k: number, n: number) => alpha * b.data[k * N + n]!;
  return [denseNode(ctx, a, K, N, w, bias)];
}

/** MatMul of the data `[N, K]` with a constant `[K, N']`: a dense node without bias (a following Add of a constant becomes its bias). */
export function matMulNode(ctx: NodeContext): Value[] {
  const a = ctx.activation(0, 'A');
  const b = ctx.constant(1, 'B');
  if (b.dims.length !== 2) throw ctx.unsupported(`MatMul with a constant of shape ${showShape(b.dims)} (only matrices)`);
  const [K, N] = b.dims as [number, number];
  return [denseNode(ctx, a, K, N, (k, n) => b.data[k * N + n]!, new Float64Array(N))];
}

/** Extra bottom/right padding that ceil_mode adds (0 where it changes nothing). */
function ceilExtra(size: number, before: number, after: number, span: number, stride: number): number {
  const floorOut = Math.floor((size + before + after - span) / stride) + 1;
  let ceilOut = Math.ceil((size + before + after - span) / stride) + 1;
  if ((ceilOut - 1) * stride >= size + before) ceilOut--;
  return ceilOut > floorOut ? (ceilOut - 1) * stride + span - (size + before + after) : 0;
}

/** MaxPool / AveragePool (2-D): maxpool or avgpool nodes; `count_include_pad = 0` with padding gives an avgpool that leaves the padding out. */
export function poolNode(ctx: NodeContext): Value[] {
  const x = imageInput(ctx);
  const a = windowAttributes(ctx, [x.internal[0], x.internal[1]]);
  const max = ctx.opType === 'MaxPool';
  if (a.dilation[0] !== 1 || a.dilation[1] !== 1) throw ctx.unsupported(`pooling with dilations [${a.dilation.join(', ')}]`);
  if (max && (ctx.node.output?.[1] ?? '') !== '') throw ctx.unsupported("MaxPool's Indices output");
  let pads = a.padding === 'valid' ? ([0, 0, 0, 0] as const) : a.padding;
  if (typeof pads === 'string') throw ctx.unsupported(`padding '${pads}'`);
  if (ctx.int('ceil_mode', 0) !== 0) {
    const eh = ceilExtra(x.internal[0], pads[0], pads[1], a.kernel[0], a.stride[0]);
    const ew = ceilExtra(x.internal[1], pads[2], pads[3], a.kernel[1], a.stride[1]);
    if ((eh > 0 || ew > 0) && !max) throw ctx.unsupported('AveragePool with ceil_mode = 1 where it adds a partial window');
    pads = [pads[0], pads[1] + eh, pads[2], pads[3] + ew];
  }
  const padding: Padding = pads.every((v) => v === 0) ? 'valid' : [pads[0], pads[1], pads[2], pads[3]];
  const excludePadding = !max && padding !== 'valid' && ctx.int('count_include_pad', 0) === 0;
  return [addImage(ctx, { kind: max ? 'maxpool' : 'avgpool', pool: a.kernel, stride: a.stride, padding, ...(excludePadding ? { excludePadding } : {}), name: ctx.name }, x.node, x.internal)];
}

/** GlobalAveragePool / GlobalMaxPool: `[N, C, H, W]` → `[N, C, 1, 1]` (held as `[C]`). */
export function globalPoolNode(ctx: NodeContext): Value[] {
  const x = imageInput(ctx);
  return [addImage(ctx, { kind: ctx.opType === 'GlobalMaxPool' ? 'globalmaxpool' : 'globalavgpool', name: ctx.name }, x.node, x.internal)];
}

/** BatchNormalization (inference): a per-channel affine node `x·γ/√(var + ε) + β − mean·γ/√(var + ε)`, folded into a Conv/Gemm before it when explaining. */
export function batchNormNode(ctx: NodeContext): Value[] {
  const x = ctx.activation(0, 'X');
  if (ctx.int('training_mode', 0) !== 0) throw ctx.unsupported('BatchNormalization in training mode');
  if ((ctx.node.output ?? []).slice(1).some((o) => o !== '')) throw ctx.unsupported('BatchNormalization with running-statistics outputs');
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k) => ctx.constant(k, ['scale', 'B', 'mean', 'var'][k - 1]!)) as [Constant, Constant, Constant, Constant];
  const eps = ctx.float('epsilon', 1e-5);
  const channels = x.shape.length === 3 || x.shape.length === 1 ? x.shape[0]! : -1;
  for (const [what, t] of [['scale', gamma], ['B', beta], ['mean', mean], ['var', variance]] as const) {
    if (t.data.length !== channels) throw new LrpError('E_FORMAT', `${what} has ${t.data.length} values for ${batchShape(x.shape)} (one per channel)`, ctx.where);
  }
  const scaleOnnx = gamma.data.map((g, c) => g / Math.sqrt(variance.data[c]! + eps));
  const shiftOnnx = beta.data.map((b, c) => b - mean.data[c]! * scaleOnnx[c]!);
  const asConst = (data: Float64Array): Constant => ({ kind: 'constant', dims: [channels], data, integer: false });
  const scale = perChannel(x.shape.length === 3 ? { ...asConst(scaleOnnx), dims: [channels, 1, 1] } : asConst(scaleOnnx), x, ctx);
  const shift = perChannel(x.shape.length === 3 ? { ...asConst(shiftOnnx), dims: [channels, 1, 1] } : asConst(shiftOnnx), x, ctx);
  return [affineNode(ctx, x, scale, shift)];
}

/** A per-channel affine node `x·scale + shift` on activation `x` (image or vector), same shape and order. */
export function affineNode(ctx: NodeContext, x: Activation, scale: Float64Array, shift: Float64Array): Activation {
  const from = x.shape.length === 3 ? imageNode(ctx.graph, x, ctx) : x.node;
  const internal = x.shape.length === 3 ? [x.shape[1]!, x.shape[2]!, x.shape[0]!] : x.internal;
  const node = ctx.graph.add({ kind: 'batchnorm', scale, shift, name: ctx.name }, [from], internal, ctx.where);
  return { ...x, node, internal };
}

/** Pad (constant zero) of H and W of an image. */
export function padNode(ctx: NodeContext): Value[] {
  const x = imageInput(ctx);
  const mode = ctx.string('mode', 'constant');
  if (mode !== 'constant') throw ctx.unsupported(`Pad mode '${mode}' (only constant zero)`);
  if (ctx.inputs[3] !== undefined) throw ctx.unsupported('Pad with an axes input');
  const pads = ctx.opset < 11 ? ctx.ints('pads') : Array.from(ctx.constant(1, 'pads').data);
  const value = ctx.opset < 11 ? ctx.float('value', 0) : (ctx.optionalConstant(2, 'constant_value')?.data[0] ?? 0);
  if (value !== 0) throw ctx.unsupported(`Pad with the value ${value} (only zero)`);
  if (pads?.length !== 8) throw new LrpError('E_FORMAT', `pads must have 8 entries for an image [N, C, H, W], got ${pads?.length ?? 0}`, ctx.where);
  if (pads.some((p) => p < 0)) throw ctx.unsupported(`negative pads [${pads.join(', ')}]`);
  if (pads[0] !== 0 || pads[1] !== 0 || pads[4] !== 0 || pads[5] !== 0) throw ctx.unsupported(`padding the batch or channel axis (pads [${pads.join(', ')}])`);
  return [addImage(ctx, { kind: 'pad', padding: [pads[2]!, pads[6]!, pads[3]!, pads[7]!], name: ctx.name }, x.node, x.internal)];
}
