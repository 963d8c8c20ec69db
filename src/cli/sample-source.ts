import { openNpySamples } from '../io/npy-stream.js';
import type { Tensor } from '../tensor.js';
import { readSamples, requireSampleShape } from './sample-files.js';

/** The samples of an input file, read a chunk at a time where the format allows. */
export interface SampleSource {
  /** Shape of the whole input, samples first. */
  readonly shape: readonly number[];
  /** Whether chunks are read from the file on demand (`.npy`) rather than from memory. */
  readonly streamed: boolean;
  /** Samples `[from, to)`. */
  read(from: number, to: number): Promise<Tensor & { data: Float64Array }>;
  close(): Promise<void>;
}

/**
 * Opens the samples of `path` for `flag`: a C-order `.npy` file is read a chunk at a time (memory
 * bounded by the chunk, not the file); other files (`.mat`, `.txt`, Fortran-order `.npy`) are read
 * whole and sliced. An empty input is `E_SHAPE` (as `readSamples`).
 */
export async function openSamples(path: string, flag: string): Promise<SampleSource> {
  const stream = /\.npy$/i.test(path) ? await openNpySamples(path) : null;
  if (stream) {
    requireSampleShape(stream.shape, stream.shape.reduce((a, b) => a * b, 1), path, flag);
    return { shape: stream.shape, streamed: true, read: (from, to) => stream.read(from, to), close: () => stream.close() };
  }
  const whole = await readSamples(path, flag);
  const per = whole.data.length / whole.shape[0]!;
  return {
    shape: whole.shape,
    streamed: false,
    read: async (from, to) => ({ data: whole.data.subarray(from * per, to * per), shape: [to - from, ...whole.shape.slice(1)] }),
    close: async () => undefined,
  };
}
