import { firstFloat32Overflow } from '../engine/numeric-check.js';
import { LrpError } from '../errors.js';
import type { OutputDType } from '../io/tensor-files.js';
import type { Tensor } from '../tensor.js';

/**
 * Refuses to write `t` to `path` as float32 when a value is finite but beyond the float32 range
 * (it would become ±Infinity in the file): `E_NUMERIC` naming the file and suggesting `--dtype f64`.
 * `.txt` files are written in full precision and need no check.
 */
export function checkOutputPrecision(t: Tensor, path: string, dtype: OutputDType): void {
  if (dtype !== 'f32' || path.toLowerCase().endsWith('.txt') || t.data instanceof Float32Array) return;
  const i = firstFloat32Overflow(t.data);
  if (i < 0) return;
  throw new LrpError('E_NUMERIC', `element ${i} is ${t.data[i]}, beyond the float32 range: write it with --dtype f64`, path);
}
