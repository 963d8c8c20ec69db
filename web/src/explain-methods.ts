/**
 * The explanations the page offers: each an id (form value), a label and the library's
 * {@link ExplainOptions}. Pure data.
 */
import type { ExplainOptions } from '../../src/explainer.js';

/** One explanation the user can pick. */
export interface ExplainChoice {
  /** Stable id: the checkbox value and the heatmap's `data-method`. */
  readonly id: string;
  /** What the page shows. */
  readonly label: string;
  /** What the library is asked. */
  readonly options: ExplainOptions;
}

/** Every explanation offered, in display order: LRP rules, composites, then gradient-based methods. */
export const EXPLAIN_CHOICES: readonly ExplainChoice[] = [
  { id: 'epsilon', label: 'LRP-ε (ε = 0.01)', options: { rule: 'epsilon=0.01' } },
  { id: 'alphabeta', label: 'LRP-α2β1', options: { rule: 'alphabeta=2,1' } },
  { id: 'zplus', label: 'LRP-z⁺', options: { rule: 'zplus' } },
  { id: 'epsilon-plus-flat', label: 'Composite ε+♭ (EpsilonPlusFlat)', options: { composite: 'EpsilonPlusFlat' } },
  { id: 'epsilon-alpha2-beta1', label: 'Composite ε α2β1 (EpsilonAlpha2Beta1)', options: { composite: 'EpsilonAlpha2Beta1' } },
  { id: 'epsilon-gamma-box', label: 'Composite ε γ z^B (EpsilonGammaBox)', options: { composite: 'EpsilonGammaBox', compositeOptions: { low: 0, high: 1 } } },
  { id: 'gradient', label: 'Gradient', options: { method: 'gradient' } },
  { id: 'gradient-x-input', label: 'Gradient × input', options: { method: 'gradient-x-input' } },
  { id: 'guided-backprop', label: 'Guided backprop', options: { method: 'guided-backprop' } },
  { id: 'integrated-gradients', label: 'Integrated gradients (32 steps)', options: { method: 'integrated-gradients', steps: 32 } },
  { id: 'smoothgrad', label: 'SmoothGrad (16 samples)', options: { method: 'smoothgrad', samples: 16, seed: 1 } },
];

/** The explanations checked when the page opens. */
export const DEFAULT_CHOICES: readonly string[] = ['epsilon', 'epsilon-plus-flat', 'guided-backprop', 'integrated-gradients'];

/** The choices with the given ids, in display order; unknown ids are ignored. */
export function choicesById(ids: Iterable<string>): ExplainChoice[] {
  const wanted = new Set(ids);
  return EXPLAIN_CHOICES.filter((c) => wanted.has(c.id));
}
