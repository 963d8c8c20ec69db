/**
 * How the page explains one input by several methods on the chosen backend: open a session on the
 * input (the model's output comes first, for the prediction), then one relevance per method, then
 * close it. In the page a session is a kept forward pass, explained as often as needed.
 */
import type { Explainer, ExplainOptions } from '../../src/explainer.js';
import type { Tensor } from '../../src/tensor.js';

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
  open(input: Tensor): Promise<ExplainSession>;
  dispose(): void;
}

/** Explains in the page's thread: one forward pass per input, every method explains it. */
export function inThreadEngine(explainer: Explainer): ExplainEngine {
  return {
    async open(input) {
      const pass = explainer.forward(input);
      return { output: pass.output, explain: async (options) => pass.explain(options).relevance, close: () => pass.dispose() };
    },
    dispose: () => explainer.dispose(),
  };
}
