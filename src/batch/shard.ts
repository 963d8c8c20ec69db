/**
 * `--shard I/N`: a deterministic 1/N of a file list, so N machines or serverless invocations split
 * a dataset with no coordination. An entry's shard depends only on its path (a hash), not on its
 * line or the list's order, so the same file always lands in the same shard.
 */
import { LrpError } from '../errors.js';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Largest N of `--shard I/N`. */
export const MAX_SHARDS = 1_000_000;

/** Parses `I/N` (1 ≤ I ≤ N ≤ {@link MAX_SHARDS}); anything else is `E_USAGE` naming `--shard`. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
    throw new LrpError('E_USAGE', `needs I/N with 1 <= I <= N <= ${MAX_SHARDS} (e.g. 2/3), got '${text}'`, '--shard');
  }
  return { index, count };
}

/** FNV-1a (32-bit) of the UTF-8 bytes of `text`. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard (1-based) of `count` that the entry for `file` belongs to. */
export function shardOf(file: string, count: number): number {
  return (fnv1a(file) % count) + 1;
}

/** The items of `items` in `shard`, in their order. */
export function takeShard<T extends { readonly file: string }>(items: readonly T[], shard: Shard): T[] {
  return items.filter((e) => shardOf(e.file, shard.count) === shard.index);
}
