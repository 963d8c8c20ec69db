import type { Rule } from '../rules/rule.js';
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
}

/**
 * Expresses a rule on a weighted or sum-pooling layer as ratio groups. `pool` selects the toolbox's
 * SumPool stabiliser for LRP-0 (1e-12 instead of 1e-16).
 */
export function ruleGroups(rule: Rule, pool: boolean): Group[] {
  const plain = (eps: number): Group[] => [{ coef: 1, terms: [{ x: 'id', w: 'id', sign: 1 }], bias: 'id', eps }];
  const alphaBeta = (alpha: number, beta: number): Group[] => {
    const groups: Group[] = [];
    if (alpha !== 0) {
      groups.push({ coef: alpha, terms: [{ x: 'pos', w: 'pos', sign: 1 }, { x: 'neg', w: 'neg', sign: 1 }], bias: 'pos', eps: 1e-16 });
    }
    if (beta !== 0) {
      groups.push({ coef: -beta, terms: [{ x: 'pos', w: 'neg', sign: 1 }, { x: 'neg', w: 'pos', sign: 1 }], bias: 'neg', eps: 1e-16 });
    }
    return groups;
  };
  switch (rule.name) {
    case 'simple': return plain(pool ? 1e-12 : 1e-16);
    case 'epsilon': return plain(rule.epsilon);
    case 'alphabeta': return alphaBeta(rule.alpha, rule.beta);
    case 'zplus': return alphaBeta(1, 0);
    case 'flat': return [{ coef: 1, terms: [{ x: 'ones', w: 'ones', sign: 1 }], bias: 'zero', eps: 0 }];
    case 'ww': return [{ coef: 1, terms: [{ x: 'ones', w: 'square', sign: 1 }], bias: 'zero', eps: 0 }];
    case 'gamma':
      return [{ coef: 1, terms: [{ x: 'id', w: { gamma: rule.gamma }, sign: 1 }], bias: { gamma: rule.gamma }, eps: 1e-9 }];
    case 'zbox':
      return [{
        coef: 1,
        terms: [{ x: 'id', w: 'id', sign: 1 }, { x: 'low', w: 'pos', sign: -1 }, { x: 'high', w: 'neg', sign: -1 }],
        bias: 'zero',
        eps: 1e-16,
      }];
    case 'pass':
      return [];
  }
}
