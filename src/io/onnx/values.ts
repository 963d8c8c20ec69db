import { LrpError } from '../../errors.js';
import { showShape, sizeOf } from '../../tensor.js';
import type { GraphBuilder } from '../tfjs-graph-builder.js';
import type { ConstTensor } from './tensor-data.js';

/**
 * A value of the ONNX graph that depends on the input: the lrpjs node computing it (`-1`: the
 * model input), its ONNX per-sample shape (batch dropped: `[C, H, W]` for images), the per-sample
 * shape of that node's output (`[H, W, C]` for images: nodes run channels-last), and `order`, how
 * the node's values map onto ONNX's: internal flat element k is ONNX flat element `order[k]`
 * (`null`: the same order).
 */
export interface Activation {
  readonly kind: 'activation';
  readonly node: number;
  readonly shape: readonly number[];
  readonly internal: readonly number[];
  readonly order: ValueOrder;
}

/**
 * How a node holds an ONNX value's elements: `null` in ONNX's order; `{channels, plane}` channels-last
 * (internal `p·C + c` is ONNX `c·P + p`, P = H·W: an image, or an image flattened), kept as two
 * numbers so that no image costs an index array; an `Int32Array` for other permutations (vectors
 * concatenated from differently ordered parts): internal k is ONNX `order[k]`.
 */
export type ValueOrder = null | { readonly channels: number; readonly plane: number } | Int32Array;

/** A value known at load time. */
export interface Constant extends ConstTensor {
  readonly kind: 'constant';
}

/** A value of the ONNX graph. */
export type Value = Activation | Constant;

/** An ONNX shape with its batch axis: `[N, 3, 32, 32]`. */
export function batchShape(shape: readonly number[]): string {
  return `[N${shape.map((d) => `, ${d}`).join('')}]`;
}

/** Stands for the (dynamic) batch size in folded shape constants (`Shape` of an activation). */
export const BATCH_DIM = -(2 ** 50);

/**
 * The order of the channels-last copy of an ONNX `[C, H, W]` image: internal `(h·W + w)·C + c` is
 * ONNX `c·H·W + h·W + w`. `null` where both orders agree (C = 1 or H·W = 1).
 */
export function chwOrder(shape: readonly number[]): ValueOrder {
  const [C, H, W] = shape as [number, number, number];
  return C === 1 || H * W === 1 ? null : { channels: C, plane: H * W };
}

/** `order` as an index array of `n` elements (internal k → ONNX index), `null` for ONNX's own order. */
export function orderArray(order: ValueOrder, n: number): Int32Array | null {
  if (order === null || order instanceof Int32Array) return order;
  const { channels: C, plane: P } = order;
  const a = new Int32Array(n);
  for (let p = 0, k = 0; p < P; p++) for (let c = 0; c < C; c++) a[k++] = c * P + p;
  return a;
}

/** True when two orders of `n` elements are the same permutation. */
export function sameOrder(a: ValueOrder, b: ValueOrder, n: number): boolean {
  if (a === b) return true;
  if (a !== null && b !== null && !(a instanceof Int32Array) && !(b instanceof Int32Array)) return a.channels === b.channels && a.plane === b.plane;
  if ((a === null && b !== null && !(b instanceof Int32Array)) || (b === null && a !== null && !(a instanceof Int32Array))) return false;
  const x = orderArray(a, n);
  const y = orderArray(b, n);
  if (x === null || y === null) {
    const o = (x ?? y)!;
    return o.every((v, k) => v === k);
  }
  return x.length === y.length && x.every((v, k) => v === y[k]);
}

/** An activation of ONNX per-sample `shape` computed by node `node` in the layout lrpjs uses for that rank. */
export function activation(node: number, shape: readonly number[]): Activation {
  if (shape.length === 3) return { kind: 'activation', node, shape, internal: [shape[1]!, shape[2]!, shape[0]!], order: chwOrder(shape) };
  return { kind: 'activation', node, shape, internal: shape, order: null };
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

/** The node name and message location of what the importer is converting. */
export interface Site {
  readonly name: string;
  readonly where: string;
}

/**
 * `v` as an image node: its ONNX shape `[C, H, W]`, the node's output `[H, W, C]` (a reshape node is
 * added where the node holds the same values in another shape, e.g. `[C]` after a global pool).
 * Other ranks, or values held in another order, are `E_FORMAT` naming `site`.
 */
export function imageNode(b: GraphBuilder, v: Activation, site: Site, what = 'an image [N, C, H, W]'): number {
  if (v.shape.length !== 3) throw new LrpError('E_FORMAT', `expects ${what}, got an input of shape ${batchShape(v.shape)}`, site.where);
  const hwc = [v.shape[1]!, v.shape[2]!, v.shape[0]!];
  if (!sameOrder(v.order, chwOrder(v.shape), sizeOf(v.shape))) {
    throw new LrpError('E_FORMAT', `reads an image that an earlier Reshape made from values in another order (lrpjs keeps images channels-last); this reshape is not supported`, site.where);
  }
  if (sameDims(v.internal, hwc)) return v.node;
  return b.add({ kind: 'reshape', shape: hwc, name: `${site.name} (reshape)` }, [v.node], hwc, site.where);
}

/**
 * Reshapes activation `v` to the ONNX per-sample `shape` (same size): a vector keeps the values in
 * their order (`order` records it, so a following Gemm can permute its weight rows), an image must
 * come out channels-last, which holds when the values are already in that order (e.g. `[C]` →
 * `[C, 1, 1]`), else `E_FORMAT`; other ranks are held flat like vectors (the ops that read them check
 * the rank they need). Adds a node only where the node's shape changes.
 */
export function reshapeActivation(b: GraphBuilder, v: Activation, shape: readonly number[], site: Site): Activation {
  if (sizeOf(shape) !== sizeOf(v.shape)) {
    throw new LrpError('E_FORMAT', `cannot reshape ${batchShape(v.shape)} to ${batchShape(shape)}`, site.where);
  }
  if (shape.length !== 3) {
    // Vectors, and values of other ranks on their way between reshapes: a flat node, its order kept.
    const flat = [sizeOf(shape)];
    const node = v.internal.length === 1 ? v.node : b.add({ kind: 'flatten', name: site.name }, [v.node], flat, site.where);
    return { kind: 'activation', node, shape, internal: flat, order: v.order };
  }
  {
    const want = chwOrder(shape);
    if (!sameOrder(v.order, want, sizeOf(shape))) {
      throw new LrpError(
        'E_FORMAT',
        `reshapes ${batchShape(v.shape)} to the image ${batchShape(shape)} in an order lrpjs's channels-last images cannot hold (only reshapes that keep each value's channel and position are supported)`,
        site.where,
      );
    }
    const hwc = [shape[1]!, shape[2]!, shape[0]!];
    const node = sameDims(v.internal, hwc) ? v.node : b.add({ kind: 'reshape', shape: hwc, name: site.name }, [v.node], hwc, site.where);
    return { kind: 'activation', node, shape, internal: hwc, order: want };
  }
}

/**
 * Per-channel values of a constant broadcast against activation `v` (ONNX numpy broadcasting): a
 * scalar, or for an image `[C, 1, 1]` / `[1, C, 1, 1]`, for a vector `[F]` / `[1, F]`. Returned per
 * channel in the node's order (a vector's feature k of the node is ONNX feature `order[k]`).
 * Anything else (a spatial map, a per-sample constant) is `E_FORMAT`.
 */
export function perChannel(c: ConstTensor, v: Activation, site: Site): Float64Array {
  const channels = v.shape.length === 3 ? v.shape[0]! : v.shape.length === 1 ? v.shape[0]! : -1;
  if (channels < 0) throw new LrpError('E_FORMAT', `operates on a value of shape ${batchShape(v.shape)}`, site.where);
  const n = c.data.length;
  if (n === 1) return new Float64Array(channels).fill(c.data[0]!);
  const dims = [...c.dims];
  while (dims.length > 0 && dims[0] === 1) dims.shift();
  const fits = v.shape.length === 3 ? sameDims(dims, [channels, 1, 1]) : sameDims(dims, [channels]);
  if (!fits) {
    throw new LrpError('E_FORMAT', `combines ${batchShape(v.shape)} with a constant of shape ${showShape(c.dims)}: only scalars and one value per channel are supported`, site.where);
  }
  const order = v.shape.length === 1 ? orderArray(v.order, channels) : null;
  if (order) return Float64Array.from(order, (k) => c.data[k]!);
  return Float64Array.from(c.data);
}
