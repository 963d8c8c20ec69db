import { LrpError } from '../errors.js';
import { readBatch, readTensor } from '../io/tensor-files.js';
import { type Tensor, showShape } from '../tensor.js';

/**
 * Refuses a batch without samples, or whose samples hold no values (`E_SHAPE` naming the file and
 * the option): every command treats an empty `.npy`, `.mat` or `.txt` file the same way.
 */
export function requireSamples<T extends Tensor>(t: T, path: string, flag: string): T {
  requireSampleShape(t.shape, t.data.length, path, flag);
  return t;
}

/** {@link requireSamples} on a shape and its number of values (a file read a chunk at a time). */
export function requireSampleShape(shape: readonly number[], values: number, path: string, flag: string): void {
  if (shape.length === 0 || shape[0] === 0) {
    throw new LrpError('E_SHAPE', `${flag} has no samples (shape ${showShape(shape)}); give at least one`, path);
  }
  if (values === 0) throw new LrpError('E_SHAPE', `${flag} samples hold no values (shape ${showShape(shape)})`, path);
}

/** Reads a batch (`[N, ...]`, see `readBatch`) for `flag` and refuses an empty one. */
export async function readSamples(path: string, flag: string): Promise<Tensor & { data: Float64Array }> {
  return requireSamples(await readBatch(path), path, flag);
}

/** Reads a tensor of any rank whose first axis is the samples (labels `[N]`, say) and refuses an empty one. */
export async function readSampleTensor(path: string, flag: string): Promise<Tensor & { data: Float64Array }> {
  return requireSamples(await readTensor(path), path, flag);
}
