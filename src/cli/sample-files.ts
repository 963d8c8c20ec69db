import { LrpError } from '../errors.js';
import { readBatch, readTensor } from '../io/tensor-files.js';
import { type Tensor, showShape } from '../tensor.js';

/**
 * Refuses a batch without samples, or whose samples hold no values (`E_SHAPE` naming the file and
 * the option): every command treats an empty `.npy`, `.mat` or `.txt` file the same way.
 */
export function requireSamples<T extends Tensor>(t: T, path: string, flag: string): T {
  if (t.shape.length === 0 || t.shape[0] === 0) {
    throw new LrpError('E_SHAPE', `${flag} has no samples (shape ${showShape(t.shape)}); give at least one`, path);
  }
  if (t.data.length === 0) throw new LrpError('E_SHAPE', `${flag} samples hold no values (shape ${showShape(t.shape)})`, path);
  return t;
}

/** Reads a batch (`[N, ...]`, see `readBatch`) for `flag` and refuses an empty one. */
export async function readSamples(path: string, flag: string): Promise<Tensor & { data: Float64Array }> {
  return requireSamples(await readBatch(path), path, flag);
}

/** Reads a tensor of any rank whose first axis is the samples (labels `[N]`, say) and refuses an empty one. */
export async function readSampleTensor(path: string, flag: string): Promise<Tensor & { data: Float64Array }> {
  return requireSamples(await readTensor(path), path, flag);
}
