import { wasmCore } from '../backends/index.js';
import { explanationFactor, resolveLimits } from '../engine/budget.js';
import type { Limits } from '../engine/budget.js';
import type { RunPlan } from '../engine/run-plan.js';
import { LrpError } from '../errors.js';
import type { BackendInfo, Explainer, ExplainOptions, ExplainerOptions, Explanation } from '../explainer.js';
import type { FoldedBatchNorm } from '../model/canonize.js';
import type { Model } from '../model/layers.js';
import { resolveRules } from '../rules/plan.js';
import type { Tensor } from '../tensor.js';
import { type SampleRange, chunkRanges } from './chunking.js';
import { WorkerPool } from './pool.js';
import type { PortableExplainOptions } from './protocol.js';
import { type WorkerSpawner, availableCores, runtimeSpawner } from './spawn-worker.js';
import { stitchExplanations } from './stitch.js';

/**
 * Batches under this many samples are explained in-thread by a pooled explainer (default of
 * {@link PoolOptions.minPoolBatch}): below it, posting chunks to workers costs more than it saves
 * (measured with bench/workers.mjs on LeNet-5, the MLP and the ResNet-style model, README "Speed").
 */
export const DEFAULT_MIN_POOL_BATCH = 32;

/** Options of a pooled explainer (`createExplainer(model, { workers })`). */
export interface PoolOptions {
  /**
   * Worker threads: a count, `'auto'` for the cores available, `0` to explain in-thread with the
   * same (asynchronous) API. Where the runtime has no Worker (edge functions) the explainer runs
   * in-thread and says so once in {@link PooledExplainer.warnings}.
   */
  readonly workers: number | 'auto';
  /** Batches under this many samples run in-thread (default {@link DEFAULT_MIN_POOL_BATCH}). */
  readonly minPoolBatch?: number;
}

/** Options of {@link PooledExplainer.explain}: those of an in-thread explanation, and how to run it. */
export interface PooledExplainOptions extends ExplainOptions {
  /** Cancels the batch: the promise rejects with `E_ABORTED`, queued chunks are dropped. */
  readonly signal?: AbortSignal;
  /** Samples per worker task (default: about four chunks per worker, at most 512 and at most what fits `maxMemory`). */
  readonly chunkSize?: number;
  /** Told the samples done so far and the total after every finished chunk. */
  readonly onProgress?: (done: number, total: number) => void;
}

function slice(t: Tensor, r: SampleRange): Tensor {
  const per = t.data.length / t.shape[0]!;
  return { data: t.data.slice(r.from * per, r.to * per), shape: [r.to - r.from, ...t.shape.slice(1)] };
}

/**
 * An explainer whose batches are split by samples across worker threads, each holding the model
 * once (the compiled wasm core posted, not recompiled), and stitched in order. Results are bit for
 * bit those of the in-thread {@link Explainer} (every kernel is per-sample deterministic). Create
 * with `createExplainer(model, { workers })`; call {@link dispose} to end the workers.
 */
export class PooledExplainer {
  /** @internal */
  constructor(
    private readonly local: Explainer,
    private readonly pool: WorkerPool | null,
    private readonly minPoolBatch: number,
    private readonly limits: Required<Limits>,
    /** Notes on how the explainer runs, each said once (e.g. the in-thread fallback where no Worker exists). */
    readonly warnings: readonly string[],
  ) {}

  /** The model as explained (see {@link Explainer.model}). */
  get model(): Model {
    return this.local.model;
  }

  /** The BatchNorms folded by canonization. */
  get folded(): readonly FoldedBatchNorm[] {
    return this.local.folded;
  }

  /** The backend's name (`wasm`, `js`). */
  get backend(): string {
    return this.local.backend;
  }

  /** Which backend runs and why (see {@link Explainer.backendInfo}); the workers run the same one. */
  get backendInfo(): BackendInfo {
    return this.local.backendInfo;
  }

  /** Worker threads in use (0: in-thread). */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  /** Workers replaced after dying. */
  get restarts(): number {
    return this.pool?.restarts ?? 0;
  }

  /** The plan of a request (see {@link Explainer.plan}). */
  plan(input: Tensor, limits: Limits = {}): RunPlan {
    return this.local.plan(input, limits);
  }

  /**
   * Explains a batch: in-thread under `minPoolBatch` samples or without workers, else split by
   * samples across the workers. Same options and result as {@link Explainer.explain}, plus
   * `signal`, `chunkSize` and `onProgress`. A failure in a worker rejects with its `LrpError`
   * naming the chunk; a worker that dies has its chunk retried on a replacement.
   */
  async explain(input: Tensor, options: PooledExplainOptions = {}): Promise<Explanation> {
    const { signal, chunkSize, onProgress, ...rest } = options;
    if (signal?.aborted) throw new LrpError('E_ABORTED', 'the batch was cancelled (AbortSignal)', 'signal');
    const n = Array.isArray(input?.shape) ? (input.shape[0] ?? 0) : 0;
    if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize >= 1)) {
      throw new LrpError('E_USAGE', `chunkSize must be a whole number of samples >= 1, got ${String(chunkSize)}`, 'chunkSize');
    }
    if (!this.pool || n < this.minPoolBatch || n < 2) {
      const e = this.local.explain(input, rest);
      onProgress?.(n, n);
      return e;
    }
    const method = resolveRules(this.local.model, rest).method;
    const ranges = chunkRanges(n, this.pool.size, chunkSize, chunkSize === undefined ? this.samplesWithin(input, rest) : undefined);
    // the first chunk planned here: shapes, values and budgets fail fast, before any worker runs
    this.local.plan(slice(input, ranges[0]!), rest, 1 + explanationFactor(method, rest), `an explanation by ${method} with its forward pass`);
    const base = this.portable(rest);
    const { target, initial } = rest;
    const first = rest.firstSample ?? 0;
    const perChunk = (r: SampleRange): PortableExplainOptions => ({
      ...base,
      target: typeof target === 'object' && target !== null ? Array.from(target).slice(r.from, r.to) : target,
      initial: initial ? slice(initial, r) : undefined,
      firstSample: first + r.from,
    });
    let done = 0;
    const parts = await this.pool.run(input, ranges, perChunk, signal, (r) => {
      done += r.to - r.from;
      onProgress?.(done, n);
    });
    return stitchExplanations(parts);
  }

  /**
   * How many samples one chunk may hold within `maxMemory`: run storage is a fixed part (kernel
   * scratch) plus a part per sample, both read off the plans of 1 and of 64 samples (shapes only).
   */
  private samplesWithin(input: Tensor, limits: Limits): number {
    const { maxMemory } = resolveLimits(this.limits, limits);
    const n = Math.min(64, input.shape[0]!);
    const unlimited = { maxMemory: Number.MAX_VALUE, maxCost: Number.MAX_VALUE };
    const one = this.local.plan(slice(input, { from: 0, to: 1 }), unlimited);
    if (n < 2) return 1;
    const many = this.local.plan(slice(input, { from: 0, to: n }), unlimited);
    const perSample = Math.max(1, (many.runBytes - one.runBytes) / (n - 1));
    const fixed = Math.max(0, one.runBytes - perSample);
    // a fifth kept free for what the plan does not count (the wasm heap base, page rounding)
    return Math.max(1, Math.floor((0.8 * (maxMemory - one.paramBytes - fixed)) / perSample));
  }

  /** Options without what cannot cross to a worker: a composite object becomes its rules. */
  private portable(options: ExplainOptions): PortableExplainOptions {
    const { composite, initial: _initial, target: _target, ...rest } = options;
    if (typeof composite !== 'object' || composite === null) return { ...rest, composite };
    return { ...rest, compositeRules: composite.rulesFor(this.local.model), compositeName: composite.name };
  }

  /**
   * Ends worker `index` abruptly, as a crash would (fault-injection tests).
   * @internal
   */
  terminateWorker(index: number): void {
    this.pool?.terminateWorker(index);
  }

  /** Ends the workers (the process may then exit) and releases the in-thread model. */
  async dispose(): Promise<void> {
    await this.pool?.dispose();
    this.local.dispose();
  }
}

/**
 * Starts the workers of a pooled explainer around the in-thread explainer `local` (built from
 * `model` with `options`) with `spawn` (default: this runtime's; `null`: none, in-thread with a
 * warning): `E_USAGE` for a bad `workers` count, `E_WORKER` if a worker cannot start.
 * @internal
 */
export async function startPool(local: Explainer, model: Model, options: ExplainerOptions & PoolOptions, spawn: WorkerSpawner | null = runtimeSpawner()): Promise<PooledExplainer> {
  const { workers, minPoolBatch = DEFAULT_MIN_POOL_BATCH, backend, tf: _tf, ...rest } = options;
  if (workers !== 'auto' && !(Number.isSafeInteger(workers) && workers >= 0)) {
    throw new LrpError('E_USAGE', `workers must be 'auto' or a whole number >= 0, got ${String(workers)}`, 'workers');
  }
  if (!(Number.isSafeInteger(minPoolBatch) && minPoolBatch >= 0)) {
    throw new LrpError('E_USAGE', `minPoolBatch must be a whole number >= 0, got ${String(minPoolBatch)}`, 'minPoolBatch');
  }
  const count = workers === 'auto' ? await availableCores() : workers;
  const warnings: string[] = [];
  if (count > 0 && spawn === null) warnings.push('workers: this runtime has no Worker (an edge function?); explaining in-thread');
  const portable = local.backend === 'wasm' || local.backend === 'js';
  if (count > 0 && spawn !== null && typeof backend === 'object') warnings.push('workers: a backend instance cannot be shared with workers; explaining in-thread');
  else if (count > 0 && spawn !== null && !portable) warnings.push(`workers: the ${local.backend} backend runs in the main thread (workers run wasm or js); explaining in-thread`);
  const limits = resolveLimits(options);
  if (count === 0 || spawn === null || typeof backend === 'object' || !portable) return new PooledExplainer(local, null, minPoolBatch, limits, warnings);
  const onWasm = local.backend === 'wasm';
  const setup = { model, options: { ...rest, backend: onWasm ? ('wasm' as const) : ('js' as const) }, module: onWasm ? await wasmCore() : null };
  return new PooledExplainer(local, await WorkerPool.start(count, setup, spawn), minPoolBatch, limits, warnings);
}
