import { LrpError } from '../errors.js';
import { type Tensor, showShape, sizeOf } from '../tensor.js';

/** Training data: inputs `x[N, ...]` and labels `y` as class indices `[N]` (or `[N, 1]`) or target rows `[N, C]` (one-hot). */
export interface LabelledData {
  readonly x: Tensor;
  readonly y: Tensor;
}

/**
 * Target distributions `[N, C]` from labels: class indices `[N]` / `[N, 1]` become one-hot rows,
 * `[N, C]` rows are taken as they are (one-hot or soft targets). Bad labels are `E_INPUT`,
 * mismatched sizes `E_SHAPE`; `what` names the data in messages.
 */
export function toTargets(data: LabelledData, classes: number, what: string): Float64Array {
  const { x, y } = data;
  const n = x.shape[0] ?? 0;
  if (x.shape.length < 2 || n < 1) throw new LrpError('E_SHAPE', `${what} inputs must be [N, ...] with N >= 1, got ${showShape(x.shape)}`);
  if (y.shape[0] !== n) throw new LrpError('E_SHAPE', `${what} has ${n} inputs but labels of shape ${showShape(y.shape)}`);
  const per = sizeOf(y.shape) / n;
  const out = new Float64Array(n * classes);
  if (per === 1 && classes !== 1) {
    for (let i = 0; i < n; i++) {
      const v = y.data[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new LrpError('E_INPUT', `${what} label ${i} is ${v}, not a class index in [0, ${classes})`);
      }
      out[i * classes + v] = 1;
    }
    return out;
  }
  if (per !== classes) throw new LrpError('E_SHAPE', `${what} labels ${showShape(y.shape)} do not fit a model with ${classes} outputs`);
  for (let i = 0; i < out.length; i++) {
    const v = y.data[i]!;
    if (!Number.isFinite(v) || v < 0) throw new LrpError('E_INPUT', `${what} target element ${i} is ${v} (targets are >= 0)`);
    out[i] = v;
  }
  return out;
}

/** Copies samples `idx` of `x` (`[N, ...]`) into a new float64 batch `[idx.length, ...]`. */
export function gatherRows(x: Tensor, idx: ArrayLike<number>): Float64Array {
  const per = sizeOf(x.shape) / x.shape[0]!;
  const out = new Float64Array(idx.length * per);
  for (let r = 0; r < idx.length; r++) {
    const s = idx[r]! * per;
    for (let k = 0; k < per; k++) out[r * per + k] = x.data[s + k]!;
  }
  return out;
}

/** Rows [from, to) of a flat `[N, per]` array as a view. */
export function rowSlice<A extends Float32Array | Float64Array>(a: A, per: number, from: number, to: number): A {
  return a.subarray(from * per, to * per) as A;
}
