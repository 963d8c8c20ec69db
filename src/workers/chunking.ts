/** Samples `[from, to)` of a batch. */
export interface SampleRange {
  readonly from: number;
  readonly to: number;
}

/** Largest chunk the pool makes by itself, in samples (bounds a worker's memory per task). */
export const MAX_AUTO_CHUNK = 512;

/**
 * Splits `n` samples into consecutive ranges for `workers` threads: `size` samples each when given,
 * else about four chunks per worker (so a slow or replaced worker delays little), at most
 * {@link MAX_AUTO_CHUNK} and at most `cap` (what fits a worker's memory budget). The ranges cover
 * `[0, n)` in order, each sample once.
 */
export function chunkRanges(n: number, workers: number, size?: number, cap = MAX_AUTO_CHUNK): SampleRange[] {
  const per = size ?? Math.max(1, Math.min(MAX_AUTO_CHUNK, cap, Math.ceil(n / (Math.max(1, workers) * 4))));
  const ranges: SampleRange[] = [];
  for (let from = 0; from < n; from += per) ranges.push({ from, to: Math.min(n, from + per) });
  return ranges;
}
