import type { Rule } from '../rules/rule.js';
import type { MaxTies } from './ops.js';
import type { Group } from './ratio-group.js';
import { zennitGroups } from './zennit-terms.js';

export type { Group, InputMode, Term } from './ratio-group.js';

/**
 * Expresses a rule on a weighted or sum-pooling layer as ratio groups. `pool` selects the toolbox's
 * SumPool stabiliser for LRP-0 (1e-12 instead of 1e-16). A rule under Zennit's definition gets
 * {@link zennitGroups}.
 */
export function ruleGroups(rule: Rule, pool: boolean): Group[] {
  if (rule.definition === 'zennit') return zennitGroups(rule);
  const plain = (eps: number): Group[] => [{ coef: 1, terms: [{ x: 'id', w: 'id', sign: 1 }], bias: 'id', eps }];
  const alphaBeta = (alpha: number, beta: number): Group[] => {
    const groups: Group[] = [];
    // Stryker disable next-line ConditionalExpression: equivalent, a group of coefficient 0 adds 0
    if (alpha !== 0) {
      groups.push({ coef: alpha, terms: [{ x: 'pos', w: 'pos', sign: 1 }, { x: 'neg', w: 'neg', sign: 1 }], bias: 'pos', eps: 1e-16 });
    }
    // Stryker disable next-line ConditionalExpression: equivalent, a group of coefficient 0 adds 0
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

/**
 * How a rule routes relevance through max pooling (winner-take-all): tied maxima share it
 * (lrpjs's definition) or the first in window order takes it all (Zennit's: PyTorch's gradient).
 */
export function maxPoolTies(rule: Rule | null): MaxTies {
  return rule?.definition === 'zennit' ? 'first' : 'split';
}
