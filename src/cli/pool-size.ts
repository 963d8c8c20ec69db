import { DEFAULT_MIN_POOL_BATCH } from '../workers/pooled-explainer.js';
import { availableCores } from '../workers/spawn-worker.js';

/**
 * Worker threads for a run of `n` samples in chunks of `chunk`: none (in-thread) for a single
 * chunk or fewer than {@link DEFAULT_MIN_POOL_BATCH} samples, where starting workers costs more
 * than it saves; else `workers` (`auto`: the cores available), at most one per chunk.
 */
export async function poolSizeFor(workers: number | 'auto', n: number, chunk: number): Promise<number> {
  const chunks = Math.ceil(n / chunk);
  if (chunks < 2 || n < DEFAULT_MIN_POOL_BATCH) return 0;
  const wanted = workers === 'auto' ? await availableCores() : workers;
  return Math.min(wanted, chunks);
}
