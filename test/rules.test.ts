import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { createExplainer } from '../src/explainer.js';
import { composite } from '../src/rules/composite.js';
import { formulaCodes, resolveFormula } from '../src/rules/formula.js';
import { parseMethod } from '../src/rules/method.js';
import { resolveRules } from '../src/rules/plan.js';
import { formatRule, parseRule } from '../src/rules/rule.js';
import { randomCnn, randomInput, relError } from './support/random-model.js';

const { model, inShape } = randomCnn(21, { pool: 'sumpool' });
// layers: 0 conv, 1 relu, 2 sumpool, 3 conv, 4 relu, 5 flatten, 6 linear, 7 relu, 8 linear

function code(e: unknown): string | undefined {
  return e instanceof LrpError ? e.code : undefined;
}

describe('rule specs', () => {
  it.each([
    ['simple', { name: 'simple' }],
    ['epsilon=0.5', { name: 'epsilon', epsilon: 0.5 }],
    ['alphabeta=2', { name: 'alphabeta', alpha: 2, beta: 1 }],
    ['alphabeta=3,1', { name: 'alphabeta', alpha: 3, beta: 1 }],
    ['flat', { name: 'flat' }],
    ['ww', { name: 'ww' }],
    ['zplus', { name: 'zplus' }],
    ['zbox=-1,1', { name: 'zbox', low: -1, high: 1 }],
    ['gamma=0.5', { name: 'gamma', gamma: 0.5 }],
    ['pass', { name: 'pass' }],
  ])('parses %s', (spec, rule) => {
    expect(parseRule(spec)).toEqual(rule);
    expect(parseRule(formatRule(parseRule(spec)))).toEqual(rule);
  });

  it.each(['magic', 'epsilon=x', 'epsilon=-1', 'alphabeta=1,2,3', 'zbox=1', 'flat=2', 'epsilon=', 'gamma=NaN'])('rejects %s with E_RULE', (spec) => {
    let err: unknown;
    try {
      parseRule(spec, '--rule');
    } catch (e) {
      err = e;
    }
    expect(code(err)).toBe('E_RULE');
    expect((err as Error).message).toMatch(/^--rule: /);
  });

  it('normalises method names and rejects unknown ones', () => {
    expect(parseMethod('gradient×input')).toBe('gradient-x-input');
    expect(parseMethod('Guided-Backprop')).toBe('guided-backprop');
    expect(() => parseMethod('lime')).toThrow(/unknown method 'lime'/);
  });
});

describe('composites', () => {
  it('EpsilonPlusFlat gives the first weighted layer flat, convolutions z+ and dense layers epsilon', () => {
    const r = composite('EpsilonPlusFlat').rulesFor(model).map((x) => x?.name ?? null);
    expect(r).toEqual(['flat', null, 'simple', 'zplus', null, null, 'epsilon', null, 'epsilon']);
  });
  it('EpsilonGammaBox needs bounds and puts z^B first, gamma on convolutions', () => {
    expect(() => composite('EpsilonGammaBox')).toThrow(/low and high/);
    const r = composite('EpsilonGammaBox', { low: -1, high: 1 }).rulesFor(model).map((x) => x?.name ?? null);
    expect(r.slice(0, 4)).toEqual(['zbox', null, 'simple', 'gamma']);
  });
  it('EpsilonAlpha2Beta1 accepts Zennit spelling variants', () => {
    expect(composite('epsilon_alpha2_beta1').name).toBe('EpsilonAlpha2Beta1');
    expect(() => composite('Nope')).toThrow(/unknown composite/);
  });
});

describe('formula codes', () => {
  it('resolves every code', () => {
    for (const c of formulaCodes) expect(resolveFormula(model, { code: c }).rules).toHaveLength(model.layers.length);
  });
  it('100 puts alpha-beta on convolutions and epsilon on dense layers; 102 adds flat at or below the aux layer', () => {
    const names = (f: number) => resolveFormula(model, { code: f, auxLayer: 0, beta: 1, epsilon: 0.1 }).rules.map((r) => r?.name ?? null);
    expect(names(100)).toEqual(['alphabeta', null, 'alphabeta', 'alphabeta', null, null, 'epsilon', null, 'epsilon']);
    expect(names(102)[0]).toBe('flat');
    expect(names(104)[0]).toBe('ww');
    expect(names(102)[3]).toBe('alphabeta');
  });
  it('maps 11, 26, 99, 166 to gradient methods', () => {
    expect([11, 26, 99, 166].map((c) => resolveFormula(model, { code: c }).method)).toEqual(['gradient', 'deconvnet', 'sensitivity', 'guided-backprop']);
  });
  it('formula 0 equals the epsilon rule and formula 2 the toolbox alphabeta', async () => {
    const ex = await createExplainer(model, { backend: 'js' });
    const pass = ex.forward(randomInput(22, 2, inShape));
    const r = (o: object) => pass.explain(o).relevance.data;
    expect(relError(r({ formula: { code: 0, epsilon: 0.1 } }), r({ rule: 'epsilon=0.1' }))).toBe(0);
    expect(relError(r({ formula: { code: 2, beta: 1 } }), r({ rule: 'alphabeta=2' }))).toBe(0);
  });
});

describe('rule plans', () => {
  it('applies layer rules over a base rule', () => {
    const plan = resolveRules(model, { rule: 'epsilon=0.1', layerRules: { 0: 'ww', 6: 'alphabeta=1' } });
    expect(plan.rules.map((r) => r?.name)).toEqual(['ww', 'epsilon', 'epsilon', 'epsilon', 'epsilon', 'epsilon', 'alphabeta', 'epsilon', 'epsilon']);
  });
  it('rejects out-of-range layer indices, conflicting specs and method/formula clashes', () => {
    expect(() => resolveRules(model, { layerRules: [[9, 'flat']] })).toThrow(/layer index 9 is out of range 0\.\.8/);
    expect(() => resolveRules(model, { rule: 'flat', formula: { code: 0 } })).toThrow(/only one of/);
    expect(() => resolveRules(model, { formula: { code: 11 }, method: 'lrp' })).toThrow(/implies method 'gradient'/);
  });
  it("rejects 'pass' on a layer that changes size when it runs", async () => {
    const ex = await createExplainer(model, { backend: 'js' });
    expect(() => ex.explain(randomInput(23, 1, inShape), { layerRules: { 0: 'pass' } })).toThrow(/layer 0 \(Convolution\): rule 'pass' needs equal input and output sizes/);
  });
  it('rejects a zbox bound of the wrong length naming the layer', async () => {
    const ex = await createExplainer(model, { backend: 'js' });
    expect(() => ex.explain(randomInput(24, 1, inShape), { layerRules: { 0: { name: 'zbox', low: new Float64Array(3), high: 1 } } })).toThrow(/layer 0 \(Convolution\): zbox bound has 3 values/);
  });
});

describe('sign analysis', () => {
  it('marks layers whose inputs are non-negative by construction', async () => {
    const { nonNegativeInputs } = await import('../src/engine/sign-analysis.js');
    // 0 conv, 1 relu, 2 sumpool, 3 conv, 4 relu, 5 flatten, 6 linear, 7 relu, 8 linear
    expect(nonNegativeInputs(model)).toEqual([false, false, true, true, false, true, true, false, true]);
    const tanh = randomCnn(25, { activation: 'tanh' }).model;
    expect(nonNegativeInputs(tanh).some((v) => v)).toBe(false);
  });
});

describe('rules given as objects', () => {
  it.each([
    [{ name: 'epsilon', epsilon: -5 }, /epsilon must be >= 0/],
    [{ name: 'bogus' }, /unknown rule 'bogus'/],
    [{ name: 'alphabeta', alpha: 2 }, /needs a number beta/],
    [{ name: 'zbox', low: 'x', high: 1 }, /needs low as a number or Float64Array/],
  ])('%j is refused with E_RULE naming the layer', (rule, message) => {
    let err: unknown;
    try {
      resolveRules(model, { layerRules: { 3: rule as never } });
    } catch (e) {
      err = e;
    }
    expect(code(err)).toBe('E_RULE');
    expect((err as Error).message).toMatch(/^layer 3 \(Convolution\): /);
    expect((err as Error).message).toMatch(message);
  });
});
