import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { linearLayer, poolLayer, sequential, simpleLayer } from '../src/model/build.js';
import type { Model } from '../src/model/layers.js';
import { composite } from '../src/rules/composite.js';
import { resolveFormula } from '../src/rules/formula.js';
import { parseMethod } from '../src/rules/method.js';
import { resolveRules } from '../src/rules/plan.js';
import { checkRule, formatRule, parseRule, ruleNames, rules, type Rule } from '../src/rules/rule.js';
import { expectLrpError } from './support/expect-error.js';

// The edges of rule, method, composite and formula resolution: what is accepted around the
// documented spellings, and the exact message and place of every refusal.

const ALL_RULES = 'simple, epsilon, alphabeta, flat, ww, zplus, zbox, gamma, pass';

/** 0 linear, 1 relu, 2 sumpool, 3 avgpool, 4 maxpool, 5 flatten, 6 linear. */
const model: Model = sequential([
  linearLayer(1, 1, new Float64Array([1]), new Float64Array([0])),
  simpleLayer('relu'),
  poolLayer('sumpool', [1, 1], [1, 1]),
  poolLayer('avgpool', [1, 1], [1, 1]),
  poolLayer('maxpool', [1, 1], [1, 1]),
  simpleLayer('flatten'),
  linearLayer(1, 1, new Float64Array([1]), new Float64Array([0])),
]);

describe('parseRule around the documented spellings', () => {
  it('trims and lower-cases the name', () => {
    expect(parseRule(' Epsilon =0.25')).toEqual({ name: 'epsilon', epsilon: 0.25 });
    expect(parseRule('ZPLUS')).toEqual({ name: 'zplus' });
  });

  it('refuses empty, blank and non-numeric parameters, quoting them', () => {
    expectLrpError(() => parseRule('epsilon= '), 'E_RULE', /^bad number ' ' in rule 'epsilon= '$/);
    expectLrpError(() => parseRule('epsilon=abc'), 'E_RULE', /^bad number 'abc' in rule 'epsilon=abc'$/);
    expectLrpError(() => parseRule('zbox=1,'), 'E_RULE', /^bad number '' in rule 'zbox=1,'$/);
    expectLrpError(() => parseRule('epsilon=Infinity'), 'E_RULE', /bad number 'Infinity'/);
  });

  it('reads a spec starting with = as a nameless rule', () => {
    expectLrpError(() => parseRule('=0.5'), 'E_RULE', new RegExp(`^unknown rule '' \\(known: ${ALL_RULES}\\)$`));
  });

  it('states the parameter count each rule takes', () => {
    expectLrpError(() => parseRule('epsilon=1,2'), 'E_RULE', /^rule 'epsilon' takes 0 to 1 parameter\(s\), got 2 in 'epsilon=1,2'$/);
    expectLrpError(() => parseRule('zbox=1'), 'E_RULE', /^rule 'zbox' takes 2 parameter\(s\), got 1 in 'zbox=1'$/);
    expectLrpError(() => parseRule('flat=1'), 'E_RULE', /^rule 'flat' takes 0 parameter\(s\), got 1 in 'flat=1'$/);
    expectLrpError(() => parseRule('gamma=1,2'), 'E_RULE', /^rule 'gamma' takes 0 to 1 parameter\(s\)/);
    expectLrpError(() => parseRule('alphabeta=1,2,3'), 'E_RULE', /^rule 'alphabeta' takes 0 to 2 parameter\(s\)/);
  });

  it('names the place once, whether the refusal comes from the parser or a factory', () => {
    const unknown = expectLrpError(() => parseRule('foo', 'layer 3'), 'E_RULE');
    expect(unknown.message).toBe(`layer 3: unknown rule 'foo' (known: ${ALL_RULES})`);
    expect(unknown.where).toBe('layer 3');
    const factory = expectLrpError(() => parseRule('epsilon=-1', 'rule'), 'E_RULE');
    expect(factory.message).toBe('rule: epsilon must be >= 0, got -1');
    expect(factory.where).toBe('rule');
    expect(expectLrpError(() => parseRule('gamma=-1'), 'E_RULE').message).toBe('gamma must be >= 0, got -1');
  });

  it('parses every listed rule name', () => {
    const args: Partial<Record<string, string>> = { zbox: '=0,1' };
    for (const name of ruleNames) expect(parseRule(`${name}${args[name] ?? ''}`).name).toBe(name);
    expect(ruleNames).toHaveLength(9);
  });
});

describe('rule factories and checkRule', () => {
  it('refuses non-finite parameters naming them', () => {
    expectLrpError(() => rules.epsilon(Number.NaN), 'E_RULE', /^epsilon must be a finite number, got NaN$/);
    expectLrpError(() => rules.alphabeta(Infinity, 1), 'E_RULE', /^alpha must be a finite number, got Infinity$/);
    expectLrpError(() => rules.zbox(new Float64Array([0, Number.NaN]), 1), 'E_RULE', /^zbox low must be a finite number, got NaN$/);
  });

  it('formats zbox bounds given as arrays with a placeholder', () => {
    expect(formatRule(rules.zbox(new Float64Array([0, 1]), 2))).toBe('zbox=[…],2');
    expect(formatRule(rules.zbox(-1, new Float64Array([1])))).toBe('zbox=-1,[…]');
    expect(formatRule(rules.zbox(-1, 1))).toBe('zbox=-1,1');
  });

  it('rebuilds every parameter-free rule and gamma from plain objects', () => {
    for (const name of ['simple', 'flat', 'ww', 'zplus', 'pass'] as const) expect(checkRule({ name })).toEqual({ name });
    expect(checkRule({ name: 'gamma', gamma: 0.5 })).toEqual({ name: 'gamma', gamma: 0.5 });
    const low = new Float64Array([0, 1]);
    expect(checkRule({ name: 'zbox', low, high: 2 })).toEqual({ name: 'zbox', low, high: 2 });
  });

  it('refuses missing, null and mistyped parameters with the place named once', () => {
    expectLrpError(() => checkRule(null as unknown as Rule), 'E_RULE', new RegExp(`^unknown rule 'undefined' \\(known: ${ALL_RULES}\\)$`));
    expectLrpError(() => checkRule({ name: 'epsilon' } as unknown as Rule), 'E_RULE', /^rule 'epsilon' needs a number epsilon, got undefined$/);
    expectLrpError(() => checkRule({ name: 'zbox', low: 'a', high: 1 } as unknown as Rule), 'E_RULE', /^rule 'zbox' needs low as a number or Float64Array$/);
    const err = expectLrpError(() => checkRule({ name: 'nope' } as unknown as Rule, 'layer 2'), 'E_RULE');
    expect(err.message).toBe(`layer 2: unknown rule 'nope' (known: ${ALL_RULES})`);
    const factory = expectLrpError(() => checkRule({ name: 'gamma', gamma: -2 }, 'layer 4'), 'E_RULE');
    expect(factory.message).toBe('layer 4: gamma must be >= 0, got -2');
  });
});

describe('methods, composites, formulas and plans at their edges', () => {
  it('accepts the spellings of gradient × input and trims names', () => {
    for (const s of ['gradient_input', 'GradientXInput', 'gradient×input', 'gradient-input', ' Gradient-X-Input '])
      expect(parseMethod(s)).toBe('gradient-x-input');
    expect(parseMethod(' Gradient ')).toBe('gradient');
    const err = expectLrpError(() => parseMethod('foo', 'method'), 'E_RULE');
    expect(err.message).toBe(
      "method: unknown method 'foo' (known: lrp, gradient, gradient-x-input, sensitivity, deconvnet, guided-backprop, integrated-gradients, smoothgrad)",
    );
  });

  it('gives sum and average pooling LRP-0 and max pooling no rule in every composite', () => {
    const plan = composite('EpsilonPlus').rulesFor(model);
    expect(plan[2]).toEqual({ name: 'simple' });
    expect(plan[3]).toEqual({ name: 'simple' });
    expect(plan[4]).toBeNull();
    expect(plan[1]).toBeNull();
  });

  it('EpsilonGammaBox needs both bounds; unknown composites list the known ones', () => {
    expectLrpError(() => composite('EpsilonGammaBox', { low: 0 }), 'E_RULE', /^composite EpsilonGammaBox needs the input bounds low and high$/);
    expectLrpError(() => composite('EpsilonGammaBox', { high: 1 }), 'E_RULE', /needs the input bounds/);
    expectLrpError(
      () => composite('Foo'),
      'E_RULE',
      /^unknown composite 'Foo' \(known: EpsilonPlus, EpsilonPlusFlat, EpsilonGammaBox, EpsilonAlpha2Beta1, EpsilonAlpha2Beta1Flat\)$/,
    );
  });

  it('refuses aux layers out of range and unknown formula codes', () => {
    for (const aux of [1.5, -2, 7]) {
      const err = expectLrpError(() => resolveFormula(model, { code: 54, auxLayer: aux }), 'E_RANGE');
      expect(err.message).toBe(`formula 54: aux layer ${aux} is out of range 0..6`);
    }
    expect(resolveFormula(model, { code: 54, auxLayer: 6 }).rules[6]).toEqual({ name: 'flat' });
    expect(resolveFormula(model, { code: 54, auxLayer: -1 }).rules[0]).toEqual({ name: 'epsilon', epsilon: 0.01 });
    expectLrpError(() => resolveFormula(model, { code: 7 }), 'E_RULE', /^unknown formula code 7 \(known: 0, 2, /);
  });

  it('gradient-family formula codes give null, not undefined, for every layer', () => {
    for (const code of [11, 26, 99, 166]) expect(resolveFormula(model, { code }).rules).toStrictEqual(new Array(7).fill(null));
  });

  it('resolveRules: one source of rules, a composite object, methods and layer overrides', () => {
    expectLrpError(
      () => resolveRules(model, { rule: 'flat', composite: 'EpsilonPlus' }),
      'E_USAGE',
      /^give only one of rule, composite, formula \(got rule, composite\)$/,
    );
    const object = composite('EpsilonPlus');
    expect(resolveRules(model, { composite: object }).rules).toEqual(object.rulesFor(model));
    expect(expectLrpError(() => resolveRules(model, { rule: 'bogus' }), 'E_RULE').where).toBe('rule');
    expect(resolveRules(model, { method: 'gradient' }).method).toBe('gradient');
    expect(resolveRules(model, { formula: { code: 11 }, method: 'gradient' }).method).toBe('gradient');
    expectLrpError(() => resolveRules(model, { formula: { code: 0 }, method: 'gradient' }), 'E_USAGE', /^formula 0 implies method 'lrp', not 'gradient'$/);
    expect(expectLrpError(() => resolveRules(model, { method: 'nope' }), 'E_RULE').where).toBe('method');
    for (const index of [-1, 7, 0.5]) {
      const err = expectLrpError(() => resolveRules(model, { layerRules: [[index, 'flat']] }), 'E_RANGE');
      expect(err.message).toBe(`layer rule: layer index ${index} is out of range 0..6`);
    }
    expect(resolveRules(model, { layerRules: { 6: 'flat' } }).rules[6]).toEqual({ name: 'flat' });
    expect(expectLrpError(() => resolveRules(model, { layerRules: { 6: 'bad' } }), 'E_RULE').where).toBe('layer 6 (Linear)');
  });

  it('LrpError carries its place', () => {
    expect(new LrpError('E_RULE', 'x', 'here').message).toBe('here: x');
  });
});
