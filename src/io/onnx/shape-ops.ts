import { LrpError } from '../../errors.js';
import type { NodeBody } from '../tfjs-graph-builder.js';
import type { NodeContext } from './node-context.js';
import { intList, normalizeAxis, reshapeTarget, squeezeAxes, squeezedDims, unsqueezedDims } from './const-fold.js';
import { affineNode } from './layer-ops.js';
import { type Activation, BATCH_DIM, type Constant, type Value, activation, batchShape, imageNode, orderArray, perChannel, reshapeActivation, sameOrder } from './values.js';

/** An elementwise node of `kind` on activation input 0, same shape and order. */
function elementwise(ctx: NodeContext, body: NodeBody): Value[] {
  const x = ctx.activation(0, 'X');
  const node = ctx.graph.add({ ...body, name: ctx.name }, [x.node], x.internal, ctx.where);
  return [{ ...x, node }];
}

/** Relu, Sigmoid, Tanh, LeakyRelu (alpha, default 0.01). */
export function activationNode(ctx: NodeContext): Value[] {
  switch (ctx.opType) {
    case 'Relu': return elementwise(ctx, { kind: 'relu' });
    case 'Sigmoid': return elementwise(ctx, { kind: 'sigmoid' });
    case 'Tanh': return elementwise(ctx, { kind: 'tanh' });
    default: return elementwise(ctx, { kind: 'leakyrelu', alpha: ctx.float('alpha', 0.01) });
  }
}

/** Clip: bounds as attributes (opset < 11) or constant inputs; `[0, 6]` is ReLU6, `[0, ∞)` ReLU. */
export function clipNode(ctx: NodeContext): Value[] {
  const bound = (k: number, attr: string, fallback: number): number => {
    if (ctx.opset < 11) return ctx.float(attr, fallback);
    const c = ctx.optionalConstant(k, attr);
    if (!c) return fallback;
    if (c.data.length !== 1) throw new LrpError('E_FORMAT', `${attr} must be a scalar`, ctx.where);
    return c.data[0]!;
  };
  const min = bound(1, 'min', -Infinity);
  const max = bound(2, 'max', Infinity);
  if (!(min <= max)) throw new LrpError('E_FORMAT', `min ${min} is above max ${max}`, ctx.where);
  if (min === 0 && max === 6) return elementwise(ctx, { kind: 'relu6' });
  if (min === 0 && max === Infinity) return elementwise(ctx, { kind: 'relu' });
  return elementwise(ctx, { kind: 'clip', min, max });
}

/** Softmax over the features of a vector `[N, F]` (checked to be the model's last node by the importer). */
export function softmaxNode(ctx: NodeContext): Value[] {
  const x = ctx.activation(0, 'input');
  if (x.shape.length !== 1) throw ctx.unsupported(`Softmax over ${batchShape(x.shape)} (only over the features of [N, F])`);
  const axis = normalizeAxis(ctx.int('axis', ctx.opset < 13 ? 1 : -1), 2, ctx);
  if (axis !== 1) throw ctx.unsupported('Softmax over the batch axis');
  return elementwise(ctx, { kind: 'softmax' });
}

/** The batch entry of a Reshape target: it must keep the batch (BATCH_DIM, 0, -1, or the declared batch). */
function perSampleTarget(x: Activation, target: number[], allowZero: boolean, ctx: NodeContext): number[] {
  const size = x.shape.reduce((p, d) => p * d, 1);
  const head = target[0];
  const rest = target.slice(1);
  if (head === undefined) throw new LrpError('E_FORMAT', 'reshapes to a scalar', ctx.where);
  const fromRest = reshapeTarget([1, ...x.shape], [1, ...rest.map((d, k) => (d === 0 && !allowZero ? x.shape[k] ?? 0 : d))], true, ctx).slice(1);
  const keepsBatch = head === BATCH_DIM || (head === 0 && !allowZero) || fromRest.reduce((p, d) => p * d, 1) === size;
  if (!keepsBatch || (head === -1 && rest.includes(-1))) {
    throw new LrpError('E_FORMAT', `reshape to [${target.map((d) => (d === BATCH_DIM ? 'N' : d)).join(', ')}] mixes the batch with the other axes`, ctx.where);
  }
  if (head !== -1 && head !== 0 && head !== BATCH_DIM && head < 1) throw new LrpError('E_FORMAT', `batch extent ${head} is invalid`, ctx.where);
  return fromRest;
}

/** Flatten (axis 1), Reshape (batch kept), Squeeze, Unsqueeze (not on the batch axis) of the data. */
export function reshapeNode(ctx: NodeContext): Value[] {
  const x = ctx.activation(0, 'data');
  const full = [1, ...x.shape];
  let target: number[];
  switch (ctx.opType) {
    case 'Flatten': {
      const axis = ctx.int('axis', 1);
      if ((axis < 0 ? axis + full.length : axis) !== 1) throw ctx.unsupported(`Flatten with axis ${axis} (it mixes the batch; only axis 1)`);
      target = [x.shape.reduce((p, d) => p * d, 1)];
      break;
    }
    case 'Reshape': {
      const shape = intList(ctx.constant(1, 'shape'), 'shape', ctx);
      target = perSampleTarget(x, shape, ctx.int('allowzero', 0) === 1, ctx);
      break;
    }
    case 'Squeeze': {
      const axes = squeezeAxes(ctx) ?? full.flatMap((d, k) => (k > 0 && d === 1 ? [k] : []));
      if (axes.some((a) => normalizeAxis(a, full.length, ctx) === 0)) throw ctx.unsupported('squeezing the batch axis');
      target = squeezedDims(full, axes, ctx).slice(1);
      break;
    }
    default: {
      const axes = squeezeAxes(ctx);
      const out = unsqueezedDims(full, axes, ctx);
      if (axes?.some((a) => normalizeAxis(a, out.length, ctx) === 0)) throw ctx.unsupported('inserting an axis before the batch');
      target = out.slice(1);
    }
  }
  return [reshapeActivation(ctx.graph, x, target, ctx)];
}

/** Concat of activations along a non-batch axis: channels (or H, W) of images, features of vectors. */
export function concatNode(ctx: NodeContext): Value[] {
  const parts = ctx.inputs.map((v, k) => {
    if (v?.kind !== 'activation') throw ctx.unsupported(`Concat of the data with a constant (input ${k})`);
    return v;
  });
  const first = parts[0]!;
  const rank = first.shape.length;
  const axis = normalizeAxis(ctx.int('axis', 1), rank + 1, ctx);
  if (axis === 0) throw ctx.unsupported('Concat along the batch axis');
  for (const p of parts) {
    if (p.shape.length !== rank || p.shape.some((d, k) => k !== axis - 1 && d !== first.shape[k])) {
      throw new LrpError('E_FORMAT', `inputs ${batchShape(first.shape)} and ${batchShape(p.shape)} do not fit along axis ${axis}`, ctx.where);
    }
  }
  const shape = first.shape.map((d, k) => (k === axis - 1 ? parts.reduce((s, p) => s + p.shape[k]!, 0) : d));
  if (rank === 3) {
    const nodes = parts.map((p) => imageNode(ctx.graph, p, ctx));
    const internalAxis = axis === 1 ? 2 : axis - 2;
    const node = ctx.graph.add({ kind: 'concat', axis: internalAxis, name: ctx.name }, nodes, [shape[1]!, shape[2]!, shape[0]!], ctx.where);
    return [activation(node, shape)];
  }
  if (rank !== 1) throw ctx.unsupported(`Concat of ${batchShape(first.shape)} values`);
  let order: Int32Array | null = null;
  if (parts.some((p) => p.order !== null)) {
    order = new Int32Array(shape[0]!);
    let at = 0;
    for (const p of parts) {
      const own = orderArray(p.order, p.shape[0]!);
      for (let k = 0; k < p.shape[0]!; k++) order[at + k] = at + (own ? own[k]! : k);
      at += p.shape[0]!;
    }
  }
  const nodes = parts.map((p) => p.node);
  const node = ctx.graph.add({ kind: 'concat', axis: 0, name: ctx.name }, nodes, shape, ctx.where);
  return [{ kind: 'activation', node, shape, internal: shape, order }];
}

/**
 * Add, Sub, Mul, Div with the data: two activations of one shape add into an `add` node (residual
 * connections); an activation and a per-channel constant give a bias folded into the dense/conv
 * node before it (MatMul + Add) or an affine node.
 */
export function arithmeticNode(ctx: NodeContext): Value[] {
  const [a, b] = [ctx.input(0, 'A'), ctx.input(1, 'B')];
  const op = ctx.opType;
  if (a.kind === 'activation' && b.kind === 'activation') {
    if (op !== 'Add') throw ctx.unsupported(`${op} of two values that depend on the model input (only Add)`);
    if (a.shape.length !== b.shape.length || a.shape.some((d, k) => d !== b.shape[k])) {
      throw ctx.unsupported(`Add of ${batchShape(a.shape)} and ${batchShape(b.shape)} (broadcasting between data values)`);
    }
    const image = a.shape.length === 3;
    const nodes = image ? [imageNode(ctx.graph, a, ctx), imageNode(ctx.graph, b, ctx)] : [a.node, b.node];
    if (!image && !sameOrder(a.order, b.order, a.shape[0]!)) throw ctx.unsupported('Add of two vectors flattened in different orders');
    const node = ctx.graph.add({ kind: 'add', name: ctx.name }, nodes, image ? [a.shape[1]!, a.shape[2]!, a.shape[0]!] : a.internal, ctx.where);
    return [image ? activation(node, a.shape) : { ...a, node }];
  }
  const dataFirst = a.kind === 'activation';
  const x = (dataFirst ? a : b) as Activation;
  const c = perChannel((dataFirst ? b : a) as Constant, x, ctx);
  const n = c.length;
  const ones = new Float64Array(n).fill(1);
  const zeros = new Float64Array(n);
  switch (op) {
    case 'Add': {
      const absorbed = absorbBias(ctx, x, dataFirst ? 0 : 1, c);
      return [absorbed ?? affineNode(ctx, x, ones, c)];
    }
    case 'Sub': return [dataFirst ? affineNode(ctx, x, ones, c.map((v) => -v)) : affineNode(ctx, x, ones.map(() => -1), c)];
    case 'Mul': return [affineNode(ctx, x, c, zeros)];
    default:
      if (!dataFirst) throw ctx.unsupported('Div of a constant by the data');
      if (c.some((v) => v === 0)) throw new LrpError('E_FORMAT', 'divides by zero', ctx.where);
      return [affineNode(ctx, x, c.map((v) => 1 / v), zeros)];
  }
}

/** Folds a bias into the dense/conv node computing `x` when that node is this Add's own input. */
function absorbBias(ctx: NodeContext, x: Activation, k: number, bias: Float64Array): Activation | null {
  const layer = x.node >= 0 ? ctx.graph.nodes[x.node] : undefined;
  if (!layer || !ctx.ownsInput(k) || (layer.kind !== 'linear' && layer.kind !== 'conv2d' && layer.kind !== 'depthwiseconv2d')) return null;
  ctx.graph.nodes[x.node] = { ...layer, bias: layer.bias.map((v, j) => v + bias[j]!), name: `${layer.name ?? ''} + ${ctx.name}` };
  return x;
}
