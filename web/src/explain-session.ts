/**
 * How the page explains on the chosen backend: one input by several methods (open a session on it:
 * the model's output first, for the prediction, then one relevance per method, then close it), or
 * a batch by one method. In the page a session is a kept forward pass, explained as often as
 * needed; with the worker pool, batches are split across the workers.
 */
import type { Explainer, Explanation, ExplainOptions } from '../../src/explainer.js';
import type { Tensor } from '../../src/tensor.js';
import type { PooledExplainer } from '../../src/workers/pooled-explainer.js';

/** One input being explained. */
export interface ExplainSession {
  /** The model's output for the input. */
  readonly output: Tensor;
  /** The relevance of the input under `options`. */
  explain(options: ExplainOptions): Promise<Tensor>;
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

/** Explains in the page's thread: one forward pass per input, every method explains it. */
export function inThreadEngine(explainer: Explainer): ExplainEngine {
  return {
    async open(input) {
      const pass = explainer.forward(input);
      return { output: pass.output, explain: async (options) => pass.explain(options).relevance, close: () => pass.dispose() };
    },
    explainBatch: async (input, options) => explainer.explain(input, options),
    dispose: () => explainer.dispose(),
  };
}

/**
 * Explains through a worker pool: batches are split across the workers; a single sample is
 * explained in the page's thread by the pool itself (lrpjs sends only batches of two or more to
 * workers), the first method's explanation giving the output.
 */
export function pooledEngine(pooled: PooledExplainer): ExplainEngine {
  return {
    async open(input, first) {
      const head = await pooled.explain(input, first);
      return {
        output: head.output,
        explain: async (options) => (options === first ? head.relevance : (await pooled.explain(input, options)).relevance),
        close: () => {},
      };
    },
    explainBatch: (input, options) => pooled.explain(input, options),
    dispose: () => void pooled.dispose(),
  };
}
