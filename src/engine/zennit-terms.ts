import type { Rule } from '../rules/rule.js';
import type { Group, Term } from './ratio-group.js';

/** Zennit's stabiliser: `z + 1e-6·sgn0(z)` in every rule but ε-LRP (Zennit 1.0, `core.Stabilizer`). */
export const ZENNIT_STABILIZER = 1e-6;

const plainTerm: Term = { x: 'id', w: 'id', sign: 1 };

/**
 * A rule under Zennit 1.0's definition as ratio groups (one per ratio of its `BasicHook`), every one
 * with Zennit's stabiliser and, on a SumPool, the module's own weight `1/√k`:
 * - `simple` is Zennit's Norm (`z = W·x + b`), `epsilon` its Epsilon;
 * - `zplus`/`alphabeta`: `z⁺ = x⁺W⁺ + x⁻W⁻ + b⁺`, `z⁻ = x⁺W⁻ + x⁻W⁺ + b⁻`, as the toolbox's;
 * - `gamma` (Andéol et al. 2021): where `z = Wx + b > 0`, `x⁺(W + γW⁺) + x⁻(W + γW⁻) + b + γb⁺`;
 *   where `z < 0`, `x⁺(W + γW⁻) + x⁻(W + γW⁺) + b + γb⁻`; `z = 0` gets no relevance;
 * - `zbox`: `z = Wx − W⁺L − W⁻H` (Zennit's biases `b − b⁺ − b⁻` cancel);
 * - `flat`: ones for x and W, no bias (the count of non-padding inputs of each window);
 * - `ww`: ones for x, `W²` and the squared bias `b²` (Zennit's WSquare, which does not conserve).
 */
export function zennitGroups(rule: Rule): Group[] {
  const eps = ZENNIT_STABILIZER;
  const group = (terms: readonly Term[], bias: Group['bias'], extra: Partial<Group> = {}): Group => ({ coef: 1, terms, bias, eps, sumPool: 'module', ...extra });
  const alphaBeta = (alpha: number, beta: number): Group[] => [
    ...(alpha !== 0 ? [group([{ x: 'pos', w: 'pos', sign: 1 }, { x: 'neg', w: 'neg', sign: 1 }], 'pos', { coef: alpha })] : []),
    ...(beta !== 0 ? [group([{ x: 'pos', w: 'neg', sign: 1 }, { x: 'neg', w: 'pos', sign: 1 }], 'neg', { coef: -beta })] : []),
  ];
  switch (rule.name) {
    case 'simple': return [group([plainTerm], 'id')];
    case 'epsilon': return [group([plainTerm], 'id', { eps: rule.epsilon })];
    case 'alphabeta': return alphaBeta(rule.alpha, rule.beta);
    case 'zplus': return alphaBeta(1, 0);
    case 'flat': return [group([{ x: 'ones', w: 'ones', sign: 1 }], 'zero')];
    case 'ww': return [group([{ x: 'ones', w: 'square', sign: 1 }], 'square')];
    case 'gamma': {
      const up = { gamma: rule.gamma, part: 'pos' } as const;
      const down = { gamma: rule.gamma, part: 'neg' } as const;
      return [
        group([{ x: 'pos', w: up, sign: 1 }, { x: 'neg', w: down, sign: 1 }], up, { mask: 'pos' }),
        group([{ x: 'pos', w: down, sign: 1 }, { x: 'neg', w: up, sign: 1 }], down, { mask: 'neg' }),
      ];
    }
    case 'zbox':
      return [group([plainTerm, { x: 'low', w: 'pos', sign: -1 }, { x: 'high', w: 'neg', sign: -1 }], 'zero')];
    case 'pass':
      return [];
  }
}
