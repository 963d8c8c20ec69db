/**
 * `lrp worker --queue URL`: processes batch chunks from a BullMQ queue until stopped (SIGTERM or
 * SIGINT close it after the job in hand). A job is idempotent: inputs whose outputs exist are
 * skipped and every file is written atomically, so a job retried after its worker died (its lock
 * expires after `lockMs`, and another worker's stalled-job check puts it back) completes each
 * output exactly once.
 */
import type { Job } from 'bullmq';
import { type BatchRunner, createBatchRunner } from '../batch-runner.js';
import type { BatchSettings } from '../settings.js';
import { type BatchJobData, connectionOf, loadBullmq } from './bullmq-jobs.js';
import { type QueueAddress, showQueue } from './queue-url.js';
import { pingRedis } from './redis-ping.js';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** How long a job's lock lasts without renewal (ms): a dead worker's job is retried this long after. */
  readonly lockMs: number;
  /** Jobs processed at once. */
  readonly concurrency: number;
  /** Parses a job's work words (the CLI's parser). */
  readonly settingsOf: (words: readonly string[]) => BatchSettings;
  /** Told about each job handled. */
  readonly log: (line: string) => void;
  /** Resolves when the worker should stop. */
  readonly stop: Promise<void>;
}

/** Times the stalled-job check may put a job back before it fails (a job that kills its workers). */
export const MAX_STALLED = 5;

/** Runs a worker until `options.stop` resolves; returns the number of jobs it completed. */
export async function runWorker(a: QueueAddress, options: WorkerOptions): Promise<number> {
  await pingRedis(a);
  options.log(`worker on ${showQueue(a)}\n`);
  const { Worker } = await loadBullmq();
  const runners = new Map<string, Promise<BatchRunner>>();
  let done = 0;
  const process = async (job: Job<BatchJobData>) => {
    const key = JSON.stringify(job.data.work);
    let runner = runners.get(key);
    if (runner === undefined) {
      runner = createBatchRunner(options.settingsOf(job.data.work));
      runners.set(key, runner);
      runner.catch(() => runners.delete(key));
    }
    const entries = job.data.entries;
    const counts = await (await runner).run(entries, (handled) => void job.updateProgress(Math.round((100 * handled) / entries.length)).catch(() => undefined));
    done++;
    options.log(`job ${job.id}: ${counts.explained} explained, ${counts.skipped} skipped, ${counts.failed} failed\n`);
    return counts;
  };
  const worker = new Worker<BatchJobData>(a.name, process, {
    connection: connectionOf(a),
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('failed', (job, e) => options.log(`job ${job?.id}: failed: ${e.message}\n`));
  await options.stop;
  await worker.close();
  for (const r of runners.values()) await (await r.catch(() => undefined))?.dispose();
  return done;
}
