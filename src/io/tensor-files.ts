import { LrpError } from '../errors.js';
import { dataFormatOf } from './data-format.js';
import { writeFileAtomic } from './atomic-write.js';
import { type ReadInputOptions, readFileBytes, writeFileBytes } from './file-system.js';
import { matrixTextChunks, readMatrixText } from './matrix-text.js';
import { readNpy, writeNpy } from './npy.js';
import { type NdArray, type Tensor, showShape, toFloat64 } from '../tensor.js';

/**
 * The MAT reader and writer, loaded only for `.mat` files: they bring the zlib codec (fflate), which
 * `.npy` and `.txt` work never needs — the CLI starts without parsing it. Same readers as
 * `readDataFile` / `writeDataFile`, which load it eagerly for their synchronous API.
 */
function loadMat(): Promise<typeof import('./mat.js')> {
  return import('./mat.js');
}

/**
 * Reads a `.npy`, `.mat` (variable `data`) or `.txt` file as a float64 tensor (float64 data as
 * read, without another copy). The file may hold at most `options.maxBytes` (see `readFileBytes`).
 */
export async function readTensor(path: string, options: ReadInputOptions = {}): Promise<Tensor & { data: Float64Array }> {
  const bytes = await readFileBytes(path, options); // a missing file is E_IO before its name is judged
  const format = dataFormatOf(path);
  const a = format === 'npy' ? readNpy(bytes, path) : format === 'txt' ? readMatrixText(bytes, path) : (await loadMat()).readMatData(bytes, path);
  return a.data instanceof Float64Array ? { data: a.data, shape: [...a.shape] } : toFloat64(a, path);
}

/** Reads a batch of samples: a tensor whose first dimension is the batch (`[N, ...]`, rank ≥ 2). */
export async function readBatch(path: string, options: ReadInputOptions = {}): Promise<Tensor & { data: Float64Array }> {
  const t = await readTensor(path, options);
  if (t.shape.length < 2) {
    throw new LrpError('E_SHAPE', `shape ${showShape(t.shape)} has no batch dimension: samples go first, [N, ...] (e.g. [1, ${t.shape.join(', ')}] for one sample)`, path);
  }
  return t;
}

/** Output element type of written tensors. */
export type OutputDType = 'f32' | 'f64';

/**
 * Writes a tensor by extension: `.npy` (float32 unless `f64`), `.mat` (variable `data`, single or
 * double), `.txt` (one sample per row, full precision, streamed in chunks). Every format is written
 * atomically (see {@link writeFileAtomic}).
 */
export async function writeTensor(path: string, t: Tensor, dtype: OutputDType = 'f32'): Promise<void> {
  if (path.toLowerCase().endsWith('.txt')) {
    const n = t.shape[0] ?? 1;
    const data = t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
    await writeFileAtomic(path, matrixTextChunks({ dtype: 'float64', data, shape: [n, n === 0 ? 0 : t.data.length / n] }));
    return;
  }
  const a: NdArray = dtype === 'f64'
    ? { dtype: 'float64', data: Float64Array.from(t.data), shape: [...t.shape] }
    : { dtype: 'float32', data: Float32Array.from(t.data), shape: [...t.shape] };
  const format = dataFormatOf(path);
  await writeFileBytes(path, format === 'npy' ? writeNpy(a) : (await loadMat()).writeMat({ data: a }, { compress: true }));
}
