import { LrpError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** Default cap on the bytes one input may hold: 2 GiB. */
export const DEFAULT_MAX_INPUT_BYTES = 2 ** 31;

/** Environment variable that overrides {@link DEFAULT_MAX_INPUT_BYTES} (a positive integer of bytes). */
export const MAX_INPUT_BYTES_ENV = 'LRPJS_MAX_INPUT_BYTES';

/** Options of the input readers ({@link readFileBytes}, `readTensor`, `loadModel`). */
export interface ReadInputOptions {
  /**
   * Most bytes one input may hold (default `LRPJS_MAX_INPUT_BYTES` from the environment, else
   * 2 GiB). A larger input is refused with `E_RANGE` before it is read whole.
   */
  readonly maxBytes?: number;
}

/** Bytes read per step from pipes, devices and files of unknown size. */
const CHUNK = 1 << 16;

/** The input size cap: `options.maxBytes`, else `LRPJS_MAX_INPUT_BYTES`, else 2 GiB; bad values are `E_USAGE`. */
export function inputSizeCap(options: ReadInputOptions = {}): number {
  let cap: number | undefined = options.maxBytes;
  let where = 'maxBytes';
  if (cap === undefined) {
    let env: string | undefined;
    try {
      env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[MAX_INPUT_BYTES_ENV];
    } catch {
      env = undefined; // Deno without --allow-env: the default applies
    }
    if (env === undefined || env === '') return DEFAULT_MAX_INPUT_BYTES;
    where = MAX_INPUT_BYTES_ENV;
    cap = /^\d+$/.test(env.trim()) ? Number(env.trim()) : NaN;
  }
  if (!Number.isSafeInteger(cap) || cap < 1) throw new LrpError('E_USAGE', `the input size cap must be a positive integer of bytes, got ${String(cap)}`, where);
  return cap;
}

function ioError(e: unknown, path: string): LrpError {
  return new LrpError('E_IO', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path);
}

function overCap(path: string, cap: number, size?: number): LrpError {
  const what = size === undefined ? `more than ${cap} bytes arrived` : `the file holds ${size} bytes`;
  return new LrpError('E_RANGE', `${what}, over the input size cap of ${cap} bytes (raise it with ${MAX_INPUT_BYTES_ENV} or maxBytes)`, path);
}

/**
 * Reads a whole input in Node or Deno (through `node:fs`, loaded lazily so browser bundles never
 * pull it in), never more than the size cap ({@link inputSizeCap}, default 2 GiB): a regular file
 * is measured first and refused by its size; pipes, FIFOs, devices and `/dev/stdin` (and files
 * that report no size) are read in 64 KiB steps and refused as soon as they pass the cap. The
 * result is one buffer, no copies. Missing or unreadable files are `E_IO`, inputs over the cap
 * `E_RANGE`, each naming the path.
 */
export async function readFileBytes(path: string, options: ReadInputOptions = {}): Promise<Uint8Array> {
  const cap = inputSizeCap(options);
  const fs = await import('node:fs/promises');
  let handle: Awaited<ReturnType<typeof fs.open>>;
  try {
    handle = await fs.open(path, 'r');
  } catch (e) {
    throw ioError(e, path);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new LrpError('E_IO', 'cannot read: EISDIR (a directory)', path);
    if (stat.isFile() && stat.size > 0) {
      if (stat.size > cap) throw overCap(path, cap, stat.size);
      const out = new Uint8Array(stat.size);
      let filled = 0;
      while (filled < out.length) {
        const { bytesRead } = await handle.read(out, filled, out.length - filled, null);
        if (bytesRead === 0) break; // the file shrank while being read
        filled += bytesRead;
      }
      return filled === out.length ? out : out.subarray(0, filled);
    }
    return await readStream(handle, path, cap);
  } catch (e) {
    throw e instanceof LrpError ? e : ioError(e, path);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Reads a handle of unknown size to its end in chunks, refusing it once it passes `cap`. */
async function readStream(handle: { read(buffer: Uint8Array, offset: number, length: number, position: null): Promise<{ bytesRead: number }> }, path: string, cap: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(Math.min(CHUNK, cap - total + 1));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > cap) throw overCap(path, cap);
    chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Writes a whole file (creating parent folders) through {@link writeFileAtomic}: a temporary file
 * beside the target renamed into place, so a failed write never leaves a partial file and never
 * destroys the previous one. Failures throw `E_IO` naming the path.
 */
export async function writeFileBytes(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFileAtomic(path, bytes);
}
