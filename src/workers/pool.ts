import { type Remote, releaseProxy, wrap } from 'comlink';
import { LrpError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { SampleRange } from './chunking.js';
import type { ChunkExplanation, PortableExplainOptions, WorkerApi, WorkerFailure, WorkerSetup } from './protocol.js';
import type { WorkerHandle, WorkerSpawner } from './spawn-worker.js';

/** How often one chunk is tried on a fresh worker after its worker died, before the batch fails. */
export const CHUNK_RETRIES = 2;

/** One chunk of a job: its samples and its options. */
interface Task {
  readonly job: Job;
  readonly index: number;
  readonly range: SampleRange;
  readonly options: PortableExplainOptions;
  attempts: number;
}

/** One batch: its tasks, their results and how it ends. */
interface Job {
  readonly input: Tensor;
  readonly results: (ChunkExplanation | undefined)[];
  remaining: number;
  settled: boolean;
  readonly resolve: (results: ChunkExplanation[]) => void;
  readonly reject: (e: LrpError) => void;
  readonly onChunk?: (range: SampleRange) => void;
}

/** A worker of the pool (or the place of one being started). */
interface Slot {
  readonly id: number;
  handle: WorkerHandle | null;
  remote: Remote<WorkerApi> | null;
  busy: boolean;
}

/** A failure reported by a worker, as an `LrpError` naming the chunk and the worker. */
function chunkError(f: WorkerFailure, range: SampleRange, worker: number): LrpError {
  const message = f.where && f.message.startsWith(`${f.where}: `) ? f.message.slice(f.where.length + 2) : f.message;
  return new LrpError(f.code ?? 'E_WORKER', `${message} (in the chunk of samples ${range.from}..${range.to - 1}, worker ${worker})`, f.where);
}

/** Copies samples `[from, to)` into a tensor of their own, whose buffer can be transferred. */
function chunkOf(t: Tensor, r: SampleRange): Tensor {
  const per = t.data.length / t.shape[0]!;
  return { data: t.data.slice(r.from * per, r.to * per), shape: [r.to - r.from, ...t.shape.slice(1)] };
}

/**
 * A fixed number of workers, each holding the model once, and a FIFO queue of chunks. A chunk
 * whose worker dies is tried again on its replacement (at most {@link CHUNK_RETRIES} times), so
 * no sample is lost or counted twice; a failure inside a worker rejects its batch with the cause
 * and the chunk. Idle workers do not keep a Node process alive.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private disposed = false;
  private restarted = 0;
  private nextId = 0;

  private constructor(
    private readonly setup: WorkerSetup,
    private readonly spawn: WorkerSpawner,
  ) {}

  /** Starts `size` workers and loads the model into each; `E_WORKER` (or the worker's own error) if one cannot start. */
  static async start(size: number, setup: WorkerSetup, spawn: WorkerSpawner): Promise<WorkerPool> {
    const pool = new WorkerPool(setup, spawn);
    for (let i = 0; i < size; i++) pool.slots.push({ id: pool.nextId++, handle: null, remote: null, busy: false });
    try {
      await Promise.all(pool.slots.map((s) => pool.startWorker(s)));
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Workers replaced after dying since the pool started. */
  get restarts(): number {
    return this.restarted;
  }

  /** Starts (or restarts) the worker of `slot` and loads the model; rejects with `E_WORKER` or the load error. */
  private async startWorker(slot: Slot): Promise<void> {
    let handle: WorkerHandle;
    try {
      handle = await this.spawn();
    } catch (e) {
      throw new LrpError('E_WORKER', `cannot start a worker: ${e instanceof Error ? e.message : String(e)}`, `worker ${slot.id}`);
    }
    const remote = wrap<WorkerApi>(handle.endpoint);
    handle.hold(true);
    const loaded = await Promise.race([remote.load(this.setup), handle.died.then((why) => ({ died: why }))]);
    handle.hold(false);
    if ('died' in loaded) throw new LrpError('E_WORKER', `the worker ${loaded.died} while loading the model`, `worker ${slot.id}`);
    if ('failed' in loaded) {
      handle.terminate();
      throw new LrpError(loaded.failed.code ?? 'E_WORKER', `${loaded.failed.message} (loading the model in worker ${slot.id})`);
    }
    if (this.disposed) {
      handle.terminate();
      return;
    }
    slot.handle = handle;
    slot.remote = remote;
    void handle.died.then(() => this.lost(slot, handle));
  }

  /** A worker died: forget it and start a replacement (an idle worker's death is noticed here too). */
  private lost(slot: Slot, handle: WorkerHandle): void {
    if (slot.handle !== handle || this.disposed) return;
    slot.remote?.[releaseProxy]();
    slot.handle = null;
    slot.remote = null;
    this.restarted++;
    this.startWorker(slot).then(
      () => this.pump(),
      (e: unknown) => {
        // no replacement: fail everything waiting if no worker is left
        if (this.slots.every((s) => s.handle === null)) this.failAll(e instanceof LrpError ? e : new LrpError('E_WORKER', String(e)));
      },
    );
  }

  /**
   * Explains `ranges` of `input` on the workers (`options(range)` gives each chunk's options) and
   * resolves with the chunk explanations in order. `signal` cancels the batch (`E_ABORTED`);
   * `onChunk` is told of each finished chunk.
   */
  run(input: Tensor, ranges: readonly SampleRange[], options: (r: SampleRange) => PortableExplainOptions, signal?: AbortSignal, onChunk?: (r: SampleRange) => void): Promise<ChunkExplanation[]> {
    if (this.disposed) return Promise.reject(new LrpError('E_USAGE', 'this explainer was disposed'));
    return new Promise<ChunkExplanation[]>((resolve, reject) => {
      const abort = (): void => this.fail(job, new LrpError('E_ABORTED', 'the batch was cancelled (AbortSignal)', 'signal'));
      const job: Job = {
        input,
        results: ranges.map(() => undefined),
        remaining: ranges.length,
        settled: false,
        resolve: (r) => {
          signal?.removeEventListener('abort', abort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', abort);
          reject(e);
        },
        onChunk,
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      ranges.forEach((range, index) => this.queue.push({ job, index, range, options: options(range), attempts: 0 }));
      this.pump();
    });
  }

  /** Hands queued chunks to idle workers. */
  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || !slot.remote || !slot.handle) continue;
      let task = this.queue.shift();
      while (task?.job.settled) task = this.queue.shift();
      if (!task) return;
      void this.runTask(slot, slot.handle, slot.remote, task);
    }
  }

  private async runTask(slot: Slot, handle: WorkerHandle, remote: Remote<WorkerApi>, task: Task): Promise<void> {
    slot.busy = true;
    handle.hold(true);
    const chunk = chunkOf(task.job.input, task.range);
    const outcome = await Promise.race([
      remote.explain({ input: chunk, options: task.options }).then(
        (reply) => ({ reply }),
        (e: unknown) => ({ died: `could not take the chunk (${e instanceof Error ? e.message : String(e)})` }),
      ),
      handle.died.then((why) => ({ died: why })),
    ]);
    slot.busy = false;
    handle.hold(false);
    const { job } = task;
    if ('died' in outcome) {
      handle.terminate();
      this.lost(slot, handle);
      if (!job.settled) {
        task.attempts++;
        if (task.attempts > CHUNK_RETRIES) {
          this.fail(job, new LrpError('E_WORKER', `a worker ${outcome.died} on this chunk ${task.attempts} times; giving up`, `samples ${task.range.from}..${task.range.to - 1}`));
        } else {
          this.queue.unshift(task);
        }
      }
    } else if (!job.settled) {
      const { reply } = outcome;
      if ('failed' in reply) {
        this.fail(job, chunkError(reply.failed, task.range, slot.id));
      } else {
        job.results[task.index] = reply.ok;
        job.remaining--;
        job.onChunk?.(task.range);
        if (job.remaining === 0) {
          job.settled = true;
          job.resolve(job.results as ChunkExplanation[]);
        }
      }
    }
    this.pump();
  }

  private fail(job: Job, e: LrpError): void {
    if (job.settled) return;
    job.settled = true;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.job === job) this.queue.splice(i, 1);
    job.reject(e);
  }

  private failAll(e: LrpError): void {
    for (const task of [...this.queue]) this.fail(task.job, e);
  }

  /**
   * Ends worker `index` abruptly, as a crash would (for fault-injection tests): its chunk goes to
   * the replacement.
   * @internal
   */
  terminateWorker(index: number): void {
    this.slots[index]?.handle?.terminate();
  }

  /** Ends every worker; batches still waiting fail with `E_USAGE`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new LrpError('E_USAGE', 'the explainer was disposed before the batch finished'));
    for (const slot of this.slots) {
      slot.remote?.[releaseProxy]();
      slot.handle?.terminate();
      slot.handle = null;
      slot.remote = null;
    }
  }
}
