/**
 * `lrp batch --queue`: the file list in chunks as BullMQ jobs, waiting for them, and the queue's
 * status. BullMQ (and the ioredis client it brings) is imported only here and in the worker, when a
 * command asks for a queue.
 */
import type { ConnectionOptions, Queue } from 'bullmq';
import type { BatchEntry } from '../file-list.js';
import { pingRedis } from './redis-ping.js';
import type { QueueAddress } from './queue-url.js';

/** What a job carries: the work options as words (paths absolute) and its entries. */
export interface BatchJobData {
  readonly work: readonly string[];
  readonly entries: readonly BatchEntry[];
}

/** The job name of batch chunks. */
export const JOB_NAME = 'lrp-batch-chunk';

/** Attempts of a job whose processing throws (a worker that dies is retried separately, by the stalled-job check). */
export const JOB_ATTEMPTS = 3;

/** BullMQ's connection options for an address. */
export function connectionOf(a: QueueAddress): ConnectionOptions {
  return { host: a.host, port: a.port, username: a.username, password: a.password, maxRetriesPerRequest: null };
}

/** Loads BullMQ (a dynamic import, so other commands never load it). */
export async function loadBullmq(): Promise<typeof import('bullmq')> {
  return import('bullmq');
}

/** Opens the queue at `a` after checking that Redis answers. */
export async function openQueue(a: QueueAddress): Promise<Queue<BatchJobData>> {
  await pingRedis(a);
  const { Queue } = await loadBullmq();
  return new Queue<BatchJobData>(a.name, { connection: connectionOf(a) });
}

/** Adds the entries as jobs of `chunk` entries each; returns their ids in order. */
export async function enqueueChunks(queue: Queue<BatchJobData>, work: readonly string[], entries: readonly BatchEntry[], chunk: number): Promise<string[]> {
  const jobs = [];
  for (let from = 0; from < entries.length; from += chunk) {
    jobs.push({
      name: JOB_NAME,
      data: { work, entries: entries.slice(from, from + chunk) },
      opts: { attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
    });
  }
  const added = await queue.addBulk(jobs);
  return added.map((j) => j.id!);
}

/** How the jobs of one run ended. */
export interface RunOutcome {
  readonly completed: number;
  /** Failed jobs (after their attempts) with BullMQ's reason. */
  readonly failed: readonly { readonly id: string; readonly reason: string }[];
}

/** Waits until every job in `ids` has completed or failed, polling every `pollMs`; `report` is told how many ended. */
export async function waitForJobs(queue: Queue<BatchJobData>, ids: readonly string[], pollMs: number, report: (ended: number) => void): Promise<RunOutcome> {
  const open = new Set(ids);
  const failed: { id: string; reason: string }[] = [];
  let completed = 0;
  while (open.size > 0) {
    for (const id of [...open]) {
      const state = await queue.getJobState(id);
      if (state === 'completed') completed++;
      else if (state === 'failed') {
        const job = await queue.getJob(id);
        failed.push({ id, reason: job?.failedReason ?? 'unknown' });
      } else continue;
      open.delete(id);
    }
    report(ids.length - open.size);
    if (open.size > 0) await new Promise((r) => setTimeout(r, pollMs));
  }
  return { completed, failed };
}

/** `lrp batch --status`: the job counts of a queue, the progress of running jobs and the last failures. */
export async function queueStatus(queue: Queue<BatchJobData>): Promise<string> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
  const lines = [`queue ${queue.name}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`];
  for (const job of await queue.getActive(0, 19)) lines.push(`active job ${job.id}: ${job.data.entries.length} inputs, progress ${JSON.stringify(job.progress)}`);
  for (const job of await queue.getFailed(0, 9)) lines.push(`failed job ${job.id} (${job.attemptsMade} attempts): ${job.failedReason}`);
  return `${lines.join('\n')}\n`;
}
