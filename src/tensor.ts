import { LrpError } from './errors.js';

/** A dense float tensor in C (row-major) order, the unit of data exchange of lrpjs. */
export interface Tensor {
  readonly data: Float32Array | Float64Array;
  readonly shape: readonly number[];
}

/** Numeric element types lrpjs reads and writes in `.npy`, `.mat` and `.txt` files. */
export type DType = 'float32' | 'float64' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'int64' | 'uint64';

/** Typed array of any {@link DType}; 64-bit integers are held as `BigInt64Array` / `BigUint64Array`. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array;

/** An n-dimensional array as read from a file: element type, C-order data and shape. */
export interface NdArray {
  readonly dtype: DType;
  readonly data: TypedArray;
  readonly shape: readonly number[];
}

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Formats a shape as `[a, b, c]` for messages. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Converts an {@link NdArray} of any numeric dtype to a float64 {@link Tensor} (64-bit integers must be exact in a double). */
export function toFloat64(a: NdArray, where?: string): Tensor & { data: Float64Array } {
  const n = a.data.length;
  const out = new Float64Array(n);
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) {
      const v = a.data[i]!;
      const f = Number(v);
      if (BigInt(f) !== v) throw new LrpError('E_INPUT', `64-bit integer ${v} at element ${i} is not exact as a double`, where);
      out[i] = f;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = a.data[i] as number;
  }
  return { data: out, shape: [...a.shape] };
}

/** Wraps a float tensor as an {@link NdArray} (for writers). */
export function toNdArray(t: Tensor): NdArray {
  return { dtype: t.data instanceof Float32Array ? 'float32' : 'float64', data: t.data, shape: [...t.shape] };
}

/** Index of the largest value of each of the `rows` rows of `data` (the first one on ties). */
export function argmaxRows(data: ArrayLike<number>, rows: number): Int32Array {
  const k = data.length / rows;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (data[r * k + j] > data[r * k + best]) best = j;
    out[r] = best;
  }
  return out;
}

/**
 * A per-sample value repeated over a batch: a scalar fills `batch · perSample` values, an array of
 * `perSample` values is copied into every sample. A wrong length is `E_SHAPE`:
 * `<what> has L values, <sampleName> has perSample`.
 */
export function repeatPerSample(value: number | Float64Array, batch: number, perSample: number, what: string, sampleName: string, where?: string): Float64Array {
  const out = new Float64Array(batch * perSample);
  if (typeof value === 'number') return out.fill(value);
  if (value.length !== perSample) throw new LrpError('E_SHAPE', `${what} has ${value.length} values, ${sampleName} has ${perSample}`, where);
  for (let b = 0; b < batch; b++) out.set(value, b * perSample);
  return out;
}
