import { LrpError } from '../../errors.js';
import { showShape } from '../../tensor.js';
import type { NodeContext } from './node-context.js';
import { elementCount } from './tensor-data.js';
import { BATCH_DIM, type Constant, type Value } from './values.js';

function constant(dims: readonly number[], data: Float64Array, integer: boolean): Constant {
  return { kind: 'constant', dims, data, integer };
}

/** Axis `a` of a rank-`rank` tensor, negative counted from the end; out of range is `E_FORMAT`. */
export function normalizeAxis(a: number, rank: number, ctx: NodeContext): number {
  const axis = a < 0 ? a + rank : a;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new LrpError('E_FORMAT', `axis ${a} is out of range for rank ${rank}`, ctx.where);
  return axis;
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}

/** Numpy broadcasting of `a` and `b` through `f`; `E_FORMAT` for shapes that do not broadcast. */
function broadcast(a: Constant, b: Constant, f: (x: number, y: number) => number, ctx: NodeContext): Constant {
  const rank = Math.max(a.dims.length, b.dims.length);
  const pa = [...new Array<number>(rank - a.dims.length).fill(1), ...a.dims];
  const pb = [...new Array<number>(rank - b.dims.length).fill(1), ...b.dims];
  const dims = pa.map((d, k) => {
    const e = pb[k]!;
    if (d !== e && d !== 1 && e !== 1) throw new LrpError('E_FORMAT', `shapes ${showShape(a.dims)} and ${showShape(b.dims)} do not broadcast`, ctx.where);
    return d === 1 ? e : d;
  });
  const n = elementCount(dims, 'the result', ctx.where);
  const sa = strides(pa).map((s, k) => (pa[k] === 1 ? 0 : s));
  const sb = strides(pb).map((s, k) => (pb[k] === 1 ? 0 : s));
  const so = strides(dims);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    let r = i;
    for (let k = 0; k < rank; k++) {
      const q = Math.floor(r / so[k]!);
      r -= q * so[k]!;
      ia += q * sa[k]!;
      ib += q * sb[k]!;
    }
    const x = a.data[ia]!;
    const y = b.data[ib]!;
    if (x === BATCH_DIM || y === BATCH_DIM) throw ctx.unsupported('arithmetic on the batch size');
    out[i] = f(x, y);
  }
  return constant(dims, out, a.integer && b.integer);
}

function gather(data: Constant, indices: Constant, axisAttr: number, ctx: NodeContext): Constant {
  const axis = normalizeAxis(axisAttr, data.dims.length, ctx);
  const outer = data.dims.slice(0, axis).reduce((p, d) => p * d, 1);
  const extent = data.dims[axis]!;
  const inner = data.dims.slice(axis + 1).reduce((p, d) => p * d, 1);
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  const out = new Float64Array(elementCount(dims, 'the result', ctx.where));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const raw of indices.data) {
      const j = raw < 0 ? raw + extent : raw;
      if (!Number.isInteger(j) || j < 0 || j >= extent) throw new LrpError('E_FORMAT', `index ${raw} is out of range for an axis of ${extent}`, ctx.where);
      out.set(data.data.subarray((i * extent + j) * inner, (i * extent + j + 1) * inner), o);
      o += inner;
    }
  }
  return constant(dims, out, data.integer);
}

function transpose(t: Constant, permAttr: number[] | undefined, ctx: NodeContext): Constant {
  const rank = t.dims.length;
  const perm = permAttr ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
  if (perm.length !== rank || [...perm].sort((x, y) => x - y).some((p, k) => p !== k)) throw new LrpError('E_FORMAT', `perm [${perm.join(', ')}] is not a permutation of ${rank} axes`, ctx.where);
  const dims = perm.map((p) => t.dims[p]!);
  const si = strides(t.dims);
  const so = strides(dims);
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) {
    let r = i;
    let src = 0;
    for (let k = 0; k < rank; k++) {
      const q = Math.floor(r / so[k]!);
      r -= q * so[k]!;
      src += q * si[perm[k]!]!;
    }
    out[i] = t.data[src]!;
  }
  return constant(dims, out, t.integer);
}

/** The dims of a 1-D integer constant (`axes`, `shape`, `pads` inputs). */
export function intList(c: Constant, what: string, ctx: NodeContext): number[] {
  if (c.dims.length > 1) throw new LrpError('E_FORMAT', `${what} must be a list, got shape ${showShape(c.dims)}`, ctx.where);
  return Array.from(c.data);
}

/** The axes of Squeeze/Unsqueeze: attribute before opset 13, input 1 from then on. */
export function squeezeAxes(ctx: NodeContext): number[] | undefined {
  if (ctx.opset < 13 || ctx.has('axes')) return ctx.ints('axes');
  const c = ctx.optionalConstant(1, 'axes');
  return c ? intList(c, 'axes', ctx) : undefined;
}

/** Dims of Squeeze applied to `dims` (no axes: every 1). */
export function squeezedDims(dims: readonly number[], axes: number[] | undefined, ctx: NodeContext): number[] {
  const drop = new Set((axes ?? dims.flatMap((d, k) => (d === 1 ? [k] : []))).map((a) => normalizeAxis(a, dims.length, ctx)));
  for (const a of drop) if (dims[a] !== 1) throw new LrpError('E_FORMAT', `cannot squeeze axis ${a} of extent ${dims[a]}`, ctx.where);
  return dims.filter((_, k) => !drop.has(k));
}

/** Dims of Unsqueeze applied to `dims`. */
export function unsqueezedDims(dims: readonly number[], axes: number[] | undefined, ctx: NodeContext): number[] {
  if (!axes) throw new LrpError('E_FORMAT', 'needs axes', ctx.where);
  const rank = dims.length + axes.length;
  const at = new Set(axes.map((a) => normalizeAxis(a, rank, ctx)));
  if (at.size !== axes.length) throw new LrpError('E_FORMAT', `repeats an axis in [${axes.join(', ')}]`, ctx.where);
  const out: number[] = [];
  let j = 0;
  for (let k = 0; k < rank; k++) out.push(at.has(k) ? 1 : dims[j++]!);
  return out;
}

/**
 * Resolves a Reshape target against input dims `from` (full shape, batch first): 0 copies the input
 * extent there (unless `allowzero`), one -1 is inferred. Sizes that do not match are `E_FORMAT`.
 */
export function reshapeTarget(from: readonly number[], target: readonly number[], allowZero: boolean, ctx: NodeContext): number[] {
  const dims = target.map((d, k) => (d === 0 && !allowZero ? from[k]! : d));
  if (dims.some((d) => d === undefined)) throw new LrpError('E_FORMAT', `shape [${target.join(', ')}] copies an axis the input ${showShape(from)} does not have`, ctx.where);
  const free = dims.filter((d) => d === -1).length;
  if (free > 1) throw new LrpError('E_FORMAT', `shape [${target.join(', ')}] has more than one -1`, ctx.where);
  const size = from.reduce((p, d) => p * d, 1);
  const known = dims.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (dims.some((d) => !Number.isInteger(d) || d < -1)) throw new LrpError('E_FORMAT', `shape [${target.join(', ')}] has an invalid extent`, ctx.where);
  const resolved = dims.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (!Number.isInteger(resolved[dims.indexOf(-1)] ?? 0) || resolved.reduce((p, d) => p * d, 1) !== size) {
    throw new LrpError('E_FORMAT', `cannot reshape ${showShape(from)} to [${target.join(', ')}]`, ctx.where);
  }
  return resolved;
}

function slice1d(t: Constant, ctx: NodeContext): Constant {
  if (t.dims.length !== 1) throw ctx.unsupported(`Slice of a constant of shape ${showShape(t.dims)} (only lists)`);
  const list = (k: number): number[] | undefined => {
    const c = ctx.optionalConstant(k, ['data', 'starts', 'ends', 'axes', 'steps'][k]!);
    return c ? Array.from(c.data) : undefined;
  };
  const starts = ctx.opset < 10 ? ctx.ints('starts') : list(1);
  const ends = ctx.opset < 10 ? ctx.ints('ends') : list(2);
  const axes = ctx.opset < 10 ? ctx.ints('axes') : list(3);
  const steps = ctx.opset < 10 ? undefined : list(4);
  if (!starts || !ends || starts.length !== 1 || ends.length !== 1 || (axes && (axes.length !== 1 || normalizeAxis(axes[0]!, 1, ctx) !== 0))) throw ctx.unsupported('this Slice');
  const n = t.dims[0]!;
  const step = steps?.[0] ?? 1;
  if (step !== 1) throw ctx.unsupported(`Slice with step ${step}`);
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const a = clamp(starts[0]!);
  const e = Math.max(clamp(ends[0]!), a);
  return constant([e - a], t.data.slice(a, e), t.integer);
}

/** Integer element types of Cast's `to`. */
const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

/**
 * Folds node `ctx` at load time where it is a shape or arithmetic op on constants (Constant,
 * Identity, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Reshape, Flatten, Transpose, Slice,
 * Add, Sub, Mul, Div, Neg): the outputs' constants, or `null` where the node computes on the model's
 * data (or is not one of those ops). `Shape` of an activation gives its dims with the batch as
 * {@link BATCH_DIM}.
 */
export function foldConstant(ctx: NodeContext): Constant[] | null {
  const op = ctx.opType;
  if (op === 'Constant') {
    const t = ctx.tensor('value');
    if (t) return [t];
    if (ctx.has('value_float')) return [constant([], Float64Array.of(ctx.float('value_float', 0)), false)];
    if (ctx.has('value_floats')) { const f = ctx.floats('value_floats')!; return [constant([f.length], Float64Array.from(f), false)]; }
    if (ctx.has('value_int')) return [constant([], Float64Array.of(ctx.int('value_int', 0)), true)];
    if (ctx.has('value_ints')) { const v = ctx.ints('value_ints')!; return [constant([v.length], Float64Array.from(v), true)]; }
    throw ctx.unsupported('a Constant without a numeric value (sparse or string)');
  }
  const inputs = ctx.inputs.filter((v): v is Value => v !== undefined);
  if (op === 'Shape') {
    const x = ctx.input(0, 'data');
    const dims = x.kind === 'constant' ? [...x.dims] : [BATCH_DIM, ...x.shape];
    const rank = dims.length;
    const clampAxis = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const sliced = dims.slice(clampAxis(ctx.int('start', 0)), ctx.has('end') ? clampAxis(ctx.int('end', rank)) : rank);
    return [constant([sliced.length], Float64Array.from(sliced), true)];
  }
  if (inputs.length === 0 || inputs.some((v) => v.kind !== 'constant')) return null;
  const c = (k: number): Constant => ctx.constant(k, 'input');
  switch (op) {
    case 'Identity':
    case 'Dropout':
      return [c(0)];
    case 'Cast': {
      const integer = INTEGER_TYPES.has(ctx.int('to', 1));
      const x = c(0);
      return [constant(x.dims, integer ? x.data.map((v) => (v === BATCH_DIM ? v : Math.trunc(v))) : x.data.slice(), integer)];
    }
    case 'Gather': return [gather(c(0), c(1), ctx.int('axis', 0), ctx)];
    case 'Unsqueeze': return [{ ...c(0), dims: unsqueezedDims(c(0).dims, squeezeAxes(ctx), ctx) }];
    case 'Squeeze': return [{ ...c(0), dims: squeezedDims(c(0).dims, squeezeAxes(ctx), ctx) }];
    case 'Concat': {
      const parts = ctx.inputs.filter((v): v is Constant => v !== undefined && v.kind === 'constant');
      const first = parts[0]!;
      const axis = normalizeAxis(ctx.int('axis', 0), first.dims.length, ctx);
      if (first.dims.length !== 1 || axis !== 0) throw ctx.unsupported(`Concat of constants of shape ${showShape(first.dims)} (only lists)`);
      const data = new Float64Array(elementCount([parts.reduce((p, t) => p + t.data.length, 0)], 'the result', ctx.where));
      let at = 0;
      for (const t of parts) {
        if (t.dims.length !== 1) throw ctx.unsupported('Concat of constants of different ranks');
        data.set(t.data, at);
        at += t.data.length;
      }
      return [constant([data.length], data, parts.every((t) => t.integer))];
    }
    case 'Reshape': {
      const x = c(0);
      const dims = reshapeTarget(x.dims, intList(c(1), 'shape', ctx), ctx.int('allowzero', 0) === 1, ctx);
      return [{ ...x, dims }];
    }
    case 'Flatten': {
      const x = c(0);
      const axis = ctx.int('axis', 1);
      const a = axis < 0 ? axis + x.dims.length : axis;
      const outer = x.dims.slice(0, a).reduce((p, d) => p * d, 1);
      return [{ ...x, dims: [outer, x.data.length / Math.max(outer, 1)] }];
    }
    case 'Transpose': return [transpose(c(0), ctx.ints('perm'), ctx)];
    case 'Slice': return [slice1d(c(0), ctx)];
    case 'Neg': return [{ ...c(0), data: c(0).data.map((v) => -v) }];
    case 'Add': return [broadcast(c(0), c(1), (x, y) => x + y, ctx)];
    case 'Sub': return [broadcast(c(0), c(1), (x, y) => x - y, ctx)];
    case 'Mul': return [broadcast(c(0), c(1), (x, y) => x * y, ctx)];
    case 'Div': {
      const integer = c(0).integer && c(1).integer;
      return [broadcast(c(0), c(1), (x, y) => (integer ? Math.trunc(x / y) : x / y), ctx)];
    }
    default:
      return null;
  }
}
