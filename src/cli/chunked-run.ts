import type { SampleRange } from '../workers/chunking.js';

/** A run over `n` samples in chunks: how to compute one chunk, and how many at a time. */
export interface ChunkedRun<T> {
  readonly n: number;
  /** Samples per chunk. */
  readonly chunk: number;
  /** Chunks computed at the same time (1: one after the other; a worker pool wants about 2 per worker). */
  readonly inflight: number;
  /** Computes one chunk (reads its samples, explains them). */
  produce(range: SampleRange): Promise<T>;
}

/**
 * Computes the chunks `[0, chunk)`, `[chunk, 2·chunk)`, … with at most `inflight` under way at a
 * time and yields their results in sample order, each as soon as it and those before it are done;
 * the next chunk starts when one is taken, so memory holds about `inflight` chunks whatever `n` is.
 * A chunk's failure is thrown where its result would be yielded; chunks already started then
 * finish and are dropped.
 */
export async function* chunksInOrder<T>(run: ChunkedRun<T>): AsyncGenerator<[SampleRange, T]> {
  const ranges: SampleRange[] = [];
  for (let from = 0; from < run.n; from += run.chunk) ranges.push({ from, to: Math.min(run.n, from + run.chunk) });
  const pending: Promise<T>[] = [];
  let next = 0;
  const start = (): void => {
    if (next >= ranges.length) return;
    const p = run.produce(ranges[next++]!);
    p.catch(() => undefined); // awaited in order below
    pending.push(p);
  };
  for (let i = 0; i < Math.max(1, run.inflight); i++) start();
  for (const range of ranges) {
    const result = await pending.shift()!;
    start();
    yield [range, result];
  }
}
