import { LrpError } from '../errors.js';

/**
 * One LRP rule for a layer. Notation (Montavon et al., "Layer-Wise Relevance Propagation: An
 * Overview", 2019): `z_ij = x_i·w_ij`, `z_j = Σ_i z_ij + b_j`, `sgn0(z) = z >= 0 ? 1 : −1`.
 * The bias sits in every denominator that has one and absorbs relevance (toolbox convention).
 */
export type Rule = RuleKind & {
  /**
   * Whose definition of the rule applies: lrpjs's own (the LRP Toolbox's, the default when absent)
   * or Zennit 1.0's (`'zennit'`, see {@link RuleDefinition}). Set by `compat: 'zennit'`.
   */
  readonly definition?: RuleDefinition;
};

/**
 * Whose formulas a rule follows. `'toolbox'`: lrpjs's own (the LRP Toolbox's, documented on each
 * rule). `'zennit'`: Zennit 1.0's — stabiliser `z + 1e-6·sgn0(z)` in every rule (ε for ε-LRP),
 * generalised γ (the sign of `z = Wx + b` picks the branch, z = 0 gets nothing), flat and w² with the
 * stabiliser and w² with the squared bias, pools (SumPool as its real module `Σx/√k`) and additions
 * by Norm (LRP-0 with that stabiliser). See README "lrpjs and Zennit".
 */
export type RuleDefinition = 'toolbox' | 'zennit';

/** The rules themselves, without their {@link RuleDefinition}. */
export type RuleKind =
  /** LRP-0 (Bach et al. 2015): `R_i = Σ_j z_ij / (z_j + 1e-16·sgn0(z_j)) · R_j` (1e-12 on pools, as the toolbox). */
  | { readonly name: 'simple' }
  /** LRP-ε (Bach et al. 2015): `R_i = Σ_j z_ij / (z_j + ε·sgn0(z_j)) · R_j`. */
  | { readonly name: 'epsilon'; readonly epsilon: number }
  /**
   * LRP-αβ (Bach et al. 2015): `R_i = Σ_j (α·z⁺_ij/z⁺_j − β·z⁻_ij/z⁻_j) · R_j`, split by the sign of
   * the product `z_ij`, bias split by its sign; conserving when `α − β = 1`.
   */
  | { readonly name: 'alphabeta'; readonly alpha: number; readonly beta: number }
  /** Flat (Lapuschkin et al. 2019): relevance spread uniformly over the receptive field. */
  | { readonly name: 'flat' }
  /** w² (Montavon et al. 2017, Deep Taylor): `R_i = Σ_j w_ij² / Σ_i' w_i'j² · R_j`. */
  | { readonly name: 'ww' }
  /** z⁺ (Montavon et al. 2017): α = 1, β = 0 (the toolbox's `alphabeta=1`). */
  | { readonly name: 'zplus' }
  /**
   * z^B for bounded inputs `l ≤ x ≤ h` (Montavon et al. 2017):
   * `R_i = Σ_j (x_i w_ij − l_i w⁺_ij − h_i w⁻_ij) / Σ_i' (…) · R_j`, no bias. `low`/`high` are
   * scalars or one value per input element of a sample.
   */
  | { readonly name: 'zbox'; readonly low: number | Float64Array; readonly high: number | Float64Array }
  /** LRP-γ (Montavon et al. 2019, eq. 4.3): weights `w + γ·w⁺`, bias `b + γ·b⁺`, stabiliser 1e-9. */
  | { readonly name: 'gamma'; readonly gamma: number }
  /** Relevance passes unchanged (layers whose input and output shapes agree). */
  | { readonly name: 'pass' };

/** Names of the rules. */
export type RuleName = RuleKind['name'];

/** All rule names, for messages and help. */
export const ruleNames: readonly RuleName[] = ['simple', 'epsilon', 'alphabeta', 'flat', 'ww', 'zplus', 'zbox', 'gamma', 'pass'];

function finite(v: number, what: string, where?: string): number {
  if (!Number.isFinite(v)) throw new LrpError('E_RULE', `${what} must be a finite number, got ${v}`, where);
  return v;
}

/** The rule factories, one per rule (see {@link Rule} for the formulas). */
export const rules = {
  simple: (): Rule => ({ name: 'simple' }),
  epsilon: (epsilon = 1e-2): Rule => {
    if (!(finite(epsilon, 'epsilon') >= 0)) throw new LrpError('E_RULE', `epsilon must be >= 0, got ${epsilon}`);
    return { name: 'epsilon', epsilon };
  },
  /** `alphabeta(α)` is the toolbox form with β = α − 1; `alphabeta(α, β)` sets both. */
  alphabeta: (alpha = 2, beta: number = alpha - 1): Rule => {
    finite(alpha, 'alpha');
    finite(beta, 'beta');
    if (alpha < 0 || beta < 0) throw new LrpError('E_RULE', `alpha and beta must be >= 0, got alpha=${alpha} beta=${beta}`);
    return { name: 'alphabeta', alpha, beta };
  },
  flat: (): Rule => ({ name: 'flat' }),
  ww: (): Rule => ({ name: 'ww' }),
  zplus: (): Rule => ({ name: 'zplus' }),
  zbox: (low: number | Float64Array, high: number | Float64Array): Rule => {
    const lo = typeof low === 'number' ? [low] : low;
    const hi = typeof high === 'number' ? [high] : high;
    lo.forEach((v) => finite(v, 'zbox low'));
    hi.forEach((v) => finite(v, 'zbox high'));
    return { name: 'zbox', low, high };
  },
  gamma: (gamma = 0.25): Rule => {
    if (!(finite(gamma, 'gamma') >= 0)) throw new LrpError('E_RULE', `gamma must be >= 0, got ${gamma}`);
    return { name: 'gamma', gamma };
  },
  pass: (): Rule => ({ name: 'pass' }),
} as const;

function numbers(text: string, spec: string, where?: string): number[] {
  return text.split(',').map((s) => {
    const v = s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(v)) throw new LrpError('E_RULE', `bad number '${s}' in rule '${spec}'`, where);
    return v;
  });
}

/** Every rule definition, for messages. */
export const ruleDefinitions: readonly RuleDefinition[] = ['toolbox', 'zennit'];

/** The rule under `definition` (the toolbox's is the default and leaves no mark on the rule). */
export function withDefinition(rule: Rule, definition: RuleDefinition): Rule {
  if ((rule.definition ?? 'toolbox') === definition) return rule;
  const { definition: _old, ...plain } = rule;
  return definition === 'toolbox' ? (plain as Rule) : { ...plain, definition };
}

/** ε of `epsilon` without a value: the toolbox's 1e-2, or Zennit's 1e-6. */
export function defaultEpsilon(definition: RuleDefinition = 'toolbox'): number {
  return definition === 'zennit' ? 1e-6 : 1e-2;
}

/**
 * Parses a rule SPEC as the CLI writes it: `simple`, `epsilon=E`, `alphabeta=A` (β = A − 1),
 * `alphabeta=A,B`, `flat`, `ww`, `zplus`, `zbox=LOW,HIGH`, `gamma=G`, `pass`. Under the `zennit`
 * definition the rule carries it and `epsilon` alone means Zennit's ε = 1e-6.
 */
export function parseRule(spec: string, where?: string, definition: RuleDefinition = 'toolbox'): Rule {
  return withDefinition(parsePlainRule(spec, definition, where), definition);
}

function parsePlainRule(spec: string, definition: RuleDefinition, where?: string): Rule {
  const eq = spec.indexOf('=');
  const name = (eq < 0 ? spec : spec.slice(0, eq)).trim().toLowerCase();
  const args = eq < 0 ? [] : numbers(spec.slice(eq + 1), spec, where);
  const arity = (min: number, max: number): void => {
    if (args.length < min || args.length > max) {
      throw new LrpError('E_RULE', `rule '${name}' takes ${min === max ? min : `${min} to ${max}`} parameter(s), got ${args.length} in '${spec}'`, where);
    }
  };
  try {
    switch (name) {
      case 'simple': case 'flat': case 'ww': case 'zplus': case 'pass':
        arity(0, 0);
        return rules[name]();
      case 'epsilon':
        arity(0, 1);
        return rules.epsilon(args[0] ?? defaultEpsilon(definition));
      case 'alphabeta':
        arity(0, 2);
        return rules.alphabeta(args[0], args[1]);
      case 'gamma':
        arity(0, 1);
        return rules.gamma(args[0]);
      case 'zbox':
        arity(2, 2);
        return rules.zbox(args[0], args[1]);
      default:
        throw new LrpError('E_RULE', `unknown rule '${name}' (known: ${ruleNames.join(', ')})`, where);
    }
  } catch (e) {
    if (e instanceof LrpError && e.where === undefined && where) throw new LrpError(e.code, e.message, where);
    throw e;
  }
}

/**
 * Short text of a rule, the inverse of {@link parseRule} for scalar parameters; a rule under
 * Zennit's definition ends in ` (zennit)`.
 */
export function formatRule(rule: Rule): string {
  return rule.definition === 'zennit' ? `${formatPlainRule(rule)} (zennit)` : formatPlainRule(rule);
}

function formatPlainRule(rule: Rule): string {
  switch (rule.name) {
    case 'epsilon': return `epsilon=${rule.epsilon}`;
    case 'alphabeta': return `alphabeta=${rule.alpha},${rule.beta}`;
    case 'gamma': return `gamma=${rule.gamma}`;
    case 'zbox': return `zbox=${typeof rule.low === 'number' ? rule.low : '[…]'},${typeof rule.high === 'number' ? rule.high : '[…]'}`;
    default: return rule.name;
  }
}

/**
 * Validates a rule given as an object (from untyped code, JSON or a worker message): a known name
 * and parameters the factories accept. Returns the rule rebuilt by its factory.
 */
export function checkRule(rule: Rule, where?: string): Rule {
  const definition = (rule as { definition?: unknown } | null)?.definition;
  if (definition !== undefined && !(ruleDefinitions as readonly unknown[]).includes(definition)) {
    throw new LrpError('E_RULE', `unknown rule definition '${String(definition)}' (known: ${ruleDefinitions.join(', ')})`, where);
  }
  return withDefinition(checkPlainRule(rule, where), (definition as RuleDefinition | undefined) ?? 'toolbox');
}

function checkPlainRule(rule: Rule, where?: string): Rule {
  const r = rule as Partial<Record<string, unknown>> | null;
  const num = (k: string): number => {
    const v = r?.[k];
    if (typeof v !== 'number') throw new LrpError('E_RULE', `rule '${String(r?.name)}' needs a number ${k}, got ${String(v)}`, where);
    return v;
  };
  const bound = (k: string): number | Float64Array => {
    const v = r?.[k];
    if (typeof v === 'number' || v instanceof Float64Array) return v;
    throw new LrpError('E_RULE', `rule 'zbox' needs ${k} as a number or Float64Array`, where);
  };
  try {
    switch (r?.name) {
      case 'simple': case 'flat': case 'ww': case 'zplus': case 'pass':
        return rules[r.name]();
      case 'epsilon': return rules.epsilon(num('epsilon'));
      case 'alphabeta': return rules.alphabeta(num('alpha'), num('beta'));
      case 'gamma': return rules.gamma(num('gamma'));
      case 'zbox': return rules.zbox(bound('low'), bound('high'));
      default:
        throw new LrpError('E_RULE', `unknown rule '${String(r?.name)}' (known: ${ruleNames.join(', ')})`, where);
    }
  } catch (e) {
    if (e instanceof LrpError && e.where === undefined && where) throw new LrpError(e.code, e.message, where);
    throw e;
  }
}

/**
 * Accepts a {@link Rule} (validated) or a SPEC string. With `definition` (compat modes) the rule is
 * put under it, whatever it carried.
 */
export function toRule(rule: Rule | string, where?: string, definition?: RuleDefinition): Rule {
  if (typeof rule === 'string') return parseRule(rule, where, definition);
  const checked = checkRule(rule, where);
  return definition === undefined ? checked : withDefinition(checked, definition);
}
