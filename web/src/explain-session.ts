/**
 * How the page explains on the chosen backend: one input by several methods (open a session on it:
 * the model's output first, for the prediction, then one relevance per method, then close it), or
 * a batch by one method. In the page a session is a kept forward pass, explained as often as
 * needed; with the worker pool, batches are split across the workers.
 */
import type { Explainer, Explanation, ExplainOptions } from '../../src/explainer.js';
import type { Tensor } from '../../src/tensor.js';
import type { PooledExplainer } from '../../src/workers/pooled-explainer.js';

/** A relevance and the time its explanation took. */
export interface TimedRelevance {
  readonly relevance: Tensor;
  readonly ms: number;
}

/** A clock in milliseconds. */
export type Clock = () => number;

const pageClock: Clock = () => performance.now();

/** `f`'s result and the milliseconds it took by `now`. */
async function timed(f: () => Tensor | Promise<Tensor>, now: Clock): Promise<TimedRelevance> {
  const t0 = now();
  const relevance = await f();
  return { relevance, ms: now() - t0 };
}

/** One input being explained. */
export interface ExplainSession {
  /** The model's output for the input. */
  readonly output: Tensor;
  /** The relevance of the input under `options`, and the milliseconds its explanation took. */
  explain(options: ExplainOptions): Promise<TimedRelevance>;
  /** Releases what the session holds. */
  close(): void;
}

/** An explainer as the page uses it. */
export interface ExplainEngine {
  /** A session on `input` (one sample); `first` is the first method it will be asked for. */
  open(input: Tensor, first: ExplainOptions): Promise<ExplainSession>;
  /** Explains a batch of samples by one method. */
  explainBatch(input: Tensor, options: ExplainOptions): Promise<Explanation>;
  dispose(): void;
}

/** Explains in the page's thread: one forward pass per input, every method explains it (timed by `now`). */
export function inThreadEngine(explainer: Explainer, now: Clock = pageClock): ExplainEngine {
  return {
    async open(input) {
      const pass = explainer.forward(input);
      return { output: pass.output, explain: (options) => timed(() => pass.explain(options).relevance, now), close: () => pass.dispose() };
    },
    explainBatch: async (input, options) => explainer.explain(input, options),
    dispose: () => explainer.dispose(),
  };
}

/**
 * Explains through a worker pool: batches are split across the workers; a single sample is
 * explained in the page's thread by the pool itself (lrpjs sends only batches of two or more to
 * workers), the first method's explanation giving the output (and its time, by `now`).
 */
export function pooledEngine(pooled: PooledExplainer, now: Clock = pageClock): ExplainEngine {
  return {
    async open(input, first) {
      const t0 = now();
      const head = await pooled.explain(input, first);
      const headMs = now() - t0;
      return {
        output: head.output,
        explain: (options) =>
          options === first ? Promise.resolve({ relevance: head.relevance, ms: headMs }) : timed(async () => (await pooled.explain(input, options)).relevance, now),
        close: () => {},
      };
    },
    explainBatch: (input, options) => pooled.explain(input, options),
    dispose: () => void pooled.dispose(),
  };
}
