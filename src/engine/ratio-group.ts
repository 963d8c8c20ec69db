import type { ParamMode } from './prepared.js';

/** How a rule modifies the layer input: identity, its parts, ones, or the z^B bounds. */
export type InputMode = 'id' | 'pos' | 'neg' | 'ones' | 'low' | 'high';

/** One product `sign · ρ_x(x) · ρ_w(W)` contributing to a group's `z`. */
export interface Term {
  readonly x: InputMode;
  readonly w: ParamMode;
  readonly sign: 1 | -1;
}

/**
 * One ratio of a rule: `coef · Σ_terms sign·ρ_x(x) ⊙ ρ_wᵀ(R / stab(z))` with
 * `z = Σ_terms sign·ρ_w(ρ_x(x)) + ρ_b(b)` (Montavon et al. 2019, the generic four-step LRP).
 */
export interface Group {
  readonly coef: number;
  readonly terms: readonly Term[];
  readonly bias: ParamMode;
  /** Stabiliser: `z + eps·sgn0(z)`. */
  readonly eps: number;
  /**
   * Only where the plain `z = W·x + b` (the node's output) is positive (`'pos'`) or negative
   * (`'neg'`): the relevance elsewhere is left to other groups (Zennit's generalised γ; z = 0 gets none).
   */
  readonly mask?: 'pos' | 'neg';
  /**
   * The implicit weight of a SumPool's window elements: 1 (`'unit'`, the toolbox's, default) or the
   * module's own `1/√k` (`'module'`: the gradient of `Σx/√k`, as Zennit differentiates it).
   */
  readonly sumPool?: 'unit' | 'module';
}
