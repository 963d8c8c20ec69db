import { firstFloat32Overflow } from '../engine/numeric-check.js';
import { LrpError } from '../errors.js';
import { type OutputDType, writeTensor } from '../io/tensor-files.js';
import type { Tensor } from '../tensor.js';
import { type OptionSpec, type ParsedArgs, option, parseDType } from './args.js';

/** `--dtype`, shared by the commands that write a tensor with `--out` (explain, forward). */
export const dtypeOptionSpec: OptionSpec = { name: 'dtype', value: true, arg: 'f32|f64', help: 'the precision of a .npy/.mat --out (default f32)' };

/** The `--dtype` of a tensor `--out` (default f32); `E_USAGE` where it is given without `--out`. */
export function outputDTypeFrom(args: ParsedArgs, out: string | undefined): OutputDType {
  if (out === undefined && args.options.has('dtype')) throw new LrpError('E_USAGE', 'only applies with --out', '--dtype');
  return parseDType(option(args, 'dtype'));
}

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

/** Writes a command's tensor `--out` (atomically, by extension) after {@link checkOutputPrecision}. */
export async function writeTensorOutput(path: string, t: Tensor, dtype: OutputDType): Promise<void> {
  checkOutputPrecision(t, path, dtype);
  await writeTensor(path, t, dtype);
}
