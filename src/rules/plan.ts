import { LrpError } from '../errors.js';
import { type Model, layerWhere } from '../model/layers.js';
import { type Composite, type CompositeName, type CompositeOptions, composite as makeComposite } from './composite.js';
import { type Formula, resolveFormula } from './formula.js';
import { type Method, parseMethod } from './method.js';
import { type Rule, type RuleDefinition, ruleDefinitions, toRule, withDefinition } from './rule.js';
import { zennitBaseRule, zennitLayerMap } from './zennit-composite.js';

/** How to explain: a method and the rules of LRP, given in one of several ways. */
export interface RuleSpec {
  /** Attribution method (default `lrp`, or what `formula` implies). */
  readonly method?: Method | string;
  /** One rule for every layer (toolbox: a rule passed to `lrp()` overrides all presets). */
  readonly rule?: Rule | string;
  /** A composite by name (Zennit's) or object. */
  readonly composite?: CompositeName | Composite | string;
  /** Parameters of a composite given by name. */
  readonly compositeOptions?: CompositeOptions;
  /** A toolbox formula code (Caffe demonstrator). */
  readonly formula?: Formula;
  /** Per-layer overrides, by layer index (counting every module), applied last. */
  readonly layerRules?: Readonly<Record<number, Rule | string>> | ReadonlyArray<readonly [number, Rule | string]>;
  /**
   * Whose definitions apply (default `'toolbox'`, lrpjs's own). `'zennit'`: Zennit 1.0's rules,
   * composites and layer maps ({@link RuleDefinition}; a single `rule` goes to the dense and
   * convolution nodes, pools and additions get Norm, as a Zennit layer map would), and integrated
   * gradients by Zennit's right-hand sum. Not with `formula` (the toolbox's own codes).
   */
  readonly compat?: RuleDefinition;
}

/** How integrated gradients samples the path: midpoints `(k − ½)/n` (lrpjs) or right ends `k/n` (Zennit). */
export type PathSum = 'midpoint' | 'right';

/** The resolved plan: a method and one rule (or `null`, the layer's default) per layer. Pure data. */
export interface RulePlan {
  readonly method: Method;
  readonly rules: readonly (Rule | null)[];
  /** Integrated gradients' path sum (default `'midpoint'`; `'right'` under `compat: 'zennit'`). */
  readonly pathSum?: PathSum;
  /** Integrated gradients' steps where the request gives none (default 32; Zennit's 20 under `compat: 'zennit'`). */
  readonly defaultSteps?: number;
  /**
   * How the gradient methods route a max pool's tied maxima: split equally (default, `'split'`) or
   * all to the first in window order (`'first'`, PyTorch's gradient, under `compat: 'zennit'`).
   */
  readonly gradientTies?: 'split' | 'first';
}

/**
 * Resolves a {@link RuleSpec} to one rule per layer. At most one of `rule`, `composite`, `formula`
 * may be given; `layerRules` override single layers of any of them. Without any, every layer uses
 * LRP-0 (`simple`, the toolbox's default). Throws `E_USAGE` on conflicting options, `E_RANGE` on a
 * layer index out of range and `E_RULE` on unknown names (a rule
 * that cannot apply to its layer's shapes, such as `pass` on a resizing layer, fails at run time).
 */
export function resolveRules(model: Model, spec: RuleSpec = {}): RulePlan {
  const given = (['rule', 'composite', 'formula'] as const).filter((k) => spec[k] !== undefined);
  if (given.length > 1) throw new LrpError('E_USAGE', `give only one of rule, composite, formula (got ${given.join(', ')})`);
  const n = model.layers.length;
  const compat = spec.compat ?? 'toolbox';
  if (!ruleDefinitions.includes(compat)) {
    throw new LrpError('E_USAGE', `unknown compat '${String(compat)}' (known: ${ruleDefinitions.join(', ')})`, 'compat');
  }
  const zennit = compat === 'zennit';
  if (zennit && spec.formula !== undefined) {
    throw new LrpError('E_USAGE', "compat 'zennit' applies to rules and composites, not to the toolbox's formula codes", 'compat');
  }
  let method: Method = 'lrp';
  let perLayer: (Rule | null)[];
  if (spec.formula !== undefined) {
    const f = resolveFormula(model, spec.formula);
    method = f.method;
    perLayer = f.rules;
  } else if (spec.composite !== undefined) {
    const c = typeof spec.composite === 'string' ? makeComposite(spec.composite, spec.compositeOptions, compat) : spec.composite;
    perLayer = c.rulesFor(model);
    // A composite object of the caller's: its rules under Zennit's definition, Zennit's map where it gives none.
    if (zennit) perLayer = perLayer.map((r, i) => (r ? withDefinition(r, 'zennit') : zennitBaseRule(model.layers[i]!)));
  } else {
    const all = toRule(spec.rule ?? 'simple', 'rule', zennit ? 'zennit' : undefined);
    perLayer = zennit ? zennitLayerMap(model, () => all) : model.layers.map(() => all);
  }
  if (spec.method !== undefined) {
    const m = parseMethod(spec.method, 'method');
    if (spec.formula !== undefined && m !== method) {
      throw new LrpError('E_USAGE', `formula ${spec.formula.code} implies method '${method}', not '${m}'`);
    }
    method = m;
  }
  const overrides = Array.isArray(spec.layerRules)
    ? (spec.layerRules as ReadonlyArray<readonly [number, Rule | string]>)
    : Object.entries(spec.layerRules ?? {}).map(([k, v]) => [Number(k), v] as const);
  for (const [index, r] of overrides) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new LrpError('E_RANGE', `layer index ${index} is out of range 0..${n - 1}`, 'layer rule');
    }
    perLayer[index] = toRule(r, layerWhere(model.layers, index), zennit ? 'zennit' : undefined);
  }
  return zennit ? { method, rules: perLayer, pathSum: 'right', defaultSteps: 20, gradientTies: 'first' } : { method, rules: perLayer };
}
