/** The explanation methods the demo compares, each a plain {@link ExplainOptions} value. */
import type { ExplainOptions } from '../explainer.js';

/** One way of explaining, with a file-name-safe name and a title for the report. */
export interface DemoMethod {
  /** Short name, used in file names (`cnn-epsilon.png`). */
  readonly name: string;
  /** What it is, for the printed report. */
  readonly title: string;
  /** The options passed to `ForwardPass.explain`. */
  readonly options: ExplainOptions;
}

/**
 * LRP-ε, LRP-αβ (α = 2, β = 1), the EpsilonPlusFlat composite, and the plain gradient (scaled by
 * the explained logit) for comparison.
 */
export const demoMethods: readonly DemoMethod[] = Object.freeze([
  { name: 'epsilon', title: 'LRP-epsilon (epsilon = 0.01) on every layer', options: { rule: 'epsilon=0.01' } },
  { name: 'alphabeta', title: 'LRP-alpha-beta (alpha = 2, beta = 1) on every layer', options: { rule: 'alphabeta=2' } },
  { name: 'epsilon-plus-flat', title: 'composite EpsilonPlusFlat (flat first weighted layer, z+ on convolutions, epsilon on dense layers)', options: { composite: 'EpsilonPlusFlat' } },
  { name: 'gradient', title: 'gradient (for comparison; not LRP)', options: { method: 'gradient' } },
]);
