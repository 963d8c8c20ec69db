import { Unzlib } from 'fflate';
import { LrpError } from '../errors.js';
import type { ByteReader } from './byte-reader.js';

/** DEFLATE cannot expand data by more than about 1032:1; anything claiming more is corrupt. */
const MAX_DEFLATE_RATIO = 1032;
const CHUNK = 1 << 16;

/** Default ceiling on the bytes inflated by one read of a MAT file (1 GiB). */
export const DEFAULT_MAX_INFLATED_BYTES = 1 << 30;

/** Most bytes inflated to read a compressed variable's header (tag, flags, 64 dimensions, a long name). */
export const HEADER_PEEK_BYTES = 4096;

/** Compressed bytes fed per step when peeking: DEFLATE turns them into at most ~1032 times as many. */
const PEEK_CHUNK = 64;

/**
 * The first bytes (at most `maxBytes`) that the zlib stream of a MAT `miCOMPRESSED` element
 * (`length` bytes at `offset` of `r`) inflates to: enough to read a variable's header without
 * decompressing its data. Input is fed in small steps and stops once `maxBytes` are out, so the
 * work and memory are bounded by `maxBytes` + 1032 × 64 bytes whatever the element declares.
 * Corrupt zlib data is an `E_FORMAT` error naming the element's byte offset.
 */
export function inflatePrefix(r: ByteReader, offset: number, length: number, maxBytes: number): Uint8Array {
  r.need(offset, length, 'compressed element');
  if (length === 0) r.fail('compressed element is empty', offset);
  const out = new Uint8Array(maxBytes);
  let filled = 0;
  const stream = new Unzlib((chunk) => {
    const take = Math.min(chunk.length, maxBytes - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
  });
  try {
    for (let i = 0; i < length && filled < maxBytes; i += PEEK_CHUNK) {
      const end = Math.min(length, i + PEEK_CHUNK);
      stream.push(r.bytes.subarray(offset + i, offset + end), end >= length);
    }
  } catch (e) {
    r.fail(`compressed element: zlib data is corrupt (${e instanceof Error ? e.message : String(e)})`, offset);
  }
  return out.subarray(0, filled);
}

/**
 * Inflates the zlib stream of a MAT `miCOMPRESSED` element (`length` bytes at `offset` of `r`).
 * The stream must hold one data element; its tag is read from the first 8 inflated bytes and the
 * output buffer is sized from it, after checking the declared size against what the compressed
 * bytes could possibly expand to and against `maxBytes`. Output beyond the declared size, a
 * short stream and zlib errors are all `E_FORMAT` errors naming the element's byte offset.
 * Memory is therefore bounded by min(declared size, 1032 × compressed size, `maxBytes`), where
 * `maxBytes` is what is left of a read's inflate budget of `budgetBytes` (default `maxBytes`).
 */
export function inflateElement(r: ByteReader, offset: number, length: number, maxBytes: number, budgetBytes = maxBytes): Uint8Array {
  r.need(offset, length, 'compressed element');
  if (length === 0) r.fail('compressed element is empty', offset);
  const input = r.bytes.subarray(offset, offset + length);
  const head = new Uint8Array(8);
  let headFill = 0;
  let out: Uint8Array | undefined;
  let filled = 0;
  const fail = (message: string): never => r.fail(`compressed element: ${message}`, offset);

  const accept = (chunk: Uint8Array): void => {
    let k = 0;
    if (!out) {
      const take = Math.min(8 - headFill, chunk.length);
      head.set(chunk.subarray(0, take), headFill);
      headFill += take;
      k = take;
      if (headFill < 8) return;
      const view = new DataView(head.buffer);
      const first = view.getUint32(0, r.littleEndian);
      const declared = first >>> 16 !== 0 ? 0 : view.getUint32(4, r.littleEndian);
      const total = 8 + declared;
      if (total > length * MAX_DEFLATE_RATIO + 1024) {
        fail(`declares ${declared} inflated bytes, more than ${length} compressed bytes can hold`);
      }
      if (total > maxBytes) {
        fail(`declares ${declared} inflated bytes, over the limit of ${maxBytes}${budgetBytes !== maxBytes ? ` left of the read's inflate budget of ${budgetBytes} bytes` : ''} (maxInflatedBytes)`);
      }
      out = new Uint8Array(total);
      out.set(head);
      filled = 8;
    }
    const rest = chunk.length - k;
    if (rest === 0) return;
    if (filled + rest > out.length) fail(`inflates to more than the ${out.length - 8} bytes its element declares`);
    out.set(k === 0 ? chunk : chunk.subarray(k), filled);
    filled += rest;
  };

  const stream = new Unzlib((chunk) => accept(chunk));
  try {
    for (let i = 0; i < input.length; i += CHUNK) stream.push(input.subarray(i, i + CHUNK), i + CHUNK >= input.length);
  } catch (e) {
    if (e instanceof LrpError) throw e;
    fail(`zlib data is corrupt (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!out) return fail(`inflates to only ${headFill} bytes, less than one element tag`);
  if (filled < out.length) fail(`inflates to ${filled - 8} bytes but its element declares ${out.length - 8}`);
  return out;
}
