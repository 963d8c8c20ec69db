import { LrpError } from '../errors.js';
import { type DType, type Tensor, toFloat64 } from '../tensor.js';
import { ByteReader, DTYPE_BYTES, encodeElements } from './byte-reader.js';
import { DEFAULT_MAX_NPY_HEADER_BYTES, type NpyHeader, npyHeaderBytes, parseNpyHeader } from './npy.js';
import { writeFileAtomic } from './atomic-write.js';

/** Samples of a `.npy` file read on demand: a chunk at a time, never the whole file. */
export interface NpySampleReader {
  /** The array's shape, samples first. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Samples `[from, to)` as a float64 tensor `[to − from, ...]`. */
  read(from: number, to: number): Promise<Tensor & { data: Float64Array }>;
  close(): Promise<void>;
}

/** The part of a Node file handle this module uses. */
interface Handle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

async function readAt(handle: Handle, length: number, position: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? bytes : bytes.subarray(0, done);
}

/**
 * Opens a `.npy` file of samples (`[N, ...]`, C order) for reading a chunk at a time: the header is
 * parsed (and checked against the file's size) once, each {@link NpySampleReader.read} reads only
 * its samples' bytes. Returns `null` for the arrays it cannot cut by rows (Fortran order, fewer
 * than 2 dimensions): read those whole. Errors are those of `readNpy`: `E_FORMAT` naming the file
 * and byte offset, `E_IO` when the file system refuses.
 */
export async function openNpySamples(path: string): Promise<NpySampleReader | null> {
  const fs = await import('node:fs/promises');
  let handle: Awaited<ReturnType<typeof fs.open>>;
  let size: number;
  try {
    handle = await fs.open(path, 'r');
    size = (await handle.stat()).size;
  } catch (e) {
    throw new LrpError('E_IO', `cannot read: ${(e as NodeJS.ErrnoException)?.code ?? String(e)}`, path);
  }
  try {
    const head = await readAt(handle, Math.min(size, 12 + DEFAULT_MAX_NPY_HEADER_BYTES), 0);
    const { header, dataStart } = parseNpyHeader(head, path, size);
    if (header.fortran || header.shape.length < 2) {
      await handle.close();
      return null;
    }
    return samplesOf(handle, header, dataStart, path);
  } catch (e) {
    await handle.close();
    throw e;
  }
}

function samplesOf(handle: Handle, header: NpyHeader, dataStart: number, path: string): NpySampleReader {
  const per = header.shape.slice(1).reduce((a: number, b: number) => a * b, 1);
  const item = DTYPE_BYTES[header.dtype];
  const n = header.shape[0]!;
  return {
    shape: header.shape,
    dtype: header.dtype,
    async read(from, to) {
      if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && 0 <= from && from <= to && to <= n)) {
        throw new LrpError('E_RANGE', `samples ${from}..${to} are outside 0..${n}`, path);
      }
      const offset = dataStart + from * per * item;
      const bytes = await readAt(handle, (to - from) * per * item, offset);
      // offsets in messages count from the start of the file
      const r = new ByteReader(bytes, `${path} (at byte ${offset})`, header.littleEndian);
      const data = r.elements(0, header.dtype, (to - from) * per, 'array data');
      if (header.bool) for (let i = 0; i < data.length; i++) if (data[i] !== 0) (data as Uint8Array)[i] = 1;
      return toFloat64({ dtype: header.dtype, data, shape: [to - from, ...header.shape.slice(1)] }, path);
    },
    close: () => handle.close(),
  };
}

/**
 * Writes a `.npy` file of `shape` (samples first) from chunks of samples produced one after the
 * other, atomically: the header (with the known sample count) first, then each chunk's bytes as it
 * arrives, so memory holds one chunk. Throws `E_SHAPE` if the chunks do not add up to the shape.
 */
export async function writeNpyChunks(path: string, dtype: 'float32' | 'float64', shape: readonly number[], chunks: AsyncIterable<Tensor>): Promise<void> {
  const expected = shape.reduce((a, b) => a * b, 1);
  async function* bytes(): AsyncGenerator<Uint8Array> {
    yield npyHeaderBytes(dtype, shape);
    let written = 0;
    for await (const t of chunks) {
      const data = dtype === 'float32' ? Float32Array.from(t.data) : Float64Array.from(t.data);
      written += data.length;
      if (written > expected) throw new LrpError('E_SHAPE', `more values than the shape (${shape.join(', ')}) holds`, path);
      yield encodeElements(data, true);
    }
    if (written !== expected) throw new LrpError('E_SHAPE', `${written} values written, the shape (${shape.join(', ')}) needs ${expected}`, path);
  }
  await writeFileAtomic(path, bytes());
}
