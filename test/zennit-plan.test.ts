import { describe, expect, it } from 'vitest';
import { linearLayer, sequential, simpleLayer } from '../src/model/build.js';
import { composite } from '../src/rules/composite.js';
import { resolveRules } from '../src/rules/plan.js';
import { type Rule, checkRule, formatRule, parseRule, rules, withDefinition } from '../src/rules/rule.js';
import { expectLrpError } from './support/expect-error.js';
import { mixedGraph } from './support/graph-models.js';

// compat: 'zennit' resolves to Zennit 1.0's layer maps, with every rule under Zennit's definition.
// mixedGraph nodes: 0 pad, 1 conv, 2 batchnorm, 3 relu, 4 depthwise, 5 relu6, 6 conv 1×1, 7 concat,
// 8 conv, 9 clip, 10 add, 11 identity, 12 globalavgpool, 13 reshape, 14 dense.

const z = (r: Rule): Rule => withDefinition(r, 'zennit');
const { model: graph } = mixedGraph(1);
const mlp = sequential([linearLayer(2, 2, new Float64Array(4), new Float64Array(2)), simpleLayer('relu'), linearLayer(2, 1, new Float64Array(2), new Float64Array(1))]);
const norm = z(rules.simple());

describe('Zennit layer maps', () => {
  it('EpsilonGammaBox: z^B on the first convolution only, γ on the others, ε on dense, Norm on pools and additions, BatchNorm passes', () => {
    const plan = resolveRules(graph, { composite: 'EpsilonGammaBox', compositeOptions: { low: -1, high: 2 }, compat: 'zennit' });
    const gamma = z(rules.gamma(0.25));
    expect(plan.rules).toEqual([
      null, z(rules.zbox(-1, 2)), z(rules.pass()), null, gamma, null, gamma, null, gamma, null, norm, null, norm, null, z(rules.epsilon(1e-6)),
    ]);
    expect(plan.pathSum).toBe('right');
    expect(plan.gradientTies).toBe('first');
    expect(plan.defaultSteps).toBe(20);
  });

  it('EpsilonGammaBox on an MLP: ε on the first dense layer (the toolbox map puts z^B there)', () => {
    const eps = z(rules.epsilon(1e-6));
    expect(resolveRules(mlp, { composite: 'epsilon-gamma-box', compositeOptions: { low: 0, high: 1 }, compat: 'zennit' }).rules).toEqual([eps, null, eps]);
    expect(resolveRules(mlp, { composite: 'EpsilonGammaBox', compositeOptions: { low: 0, high: 1 } }).rules[0]).toEqual(rules.zbox(0, 1));
    expectLrpError(() => resolveRules(mlp, { composite: 'EpsilonGammaBox', compat: 'zennit' }), 'E_RULE', /needs the input bounds/);
  });

  it('the Flat and plain composites: flat on the first weighted node, z⁺ or α2β1 on convolutions', () => {
    const flat = resolveRules(graph, { composite: 'EpsilonPlusFlat', compat: 'zennit' }).rules;
    expect([flat[1], flat[4], flat[6], flat[8], flat[14]]).toEqual([z(rules.flat()), z(rules.zplus()), z(rules.zplus()), z(rules.zplus()), z(rules.epsilon(1e-6))]);
    const ab = resolveRules(graph, { composite: 'EpsilonAlpha2Beta1', compositeOptions: { epsilon: 0.25 }, compat: 'zennit' }).rules;
    expect([ab[1], ab[8], ab[14]]).toEqual([z(rules.alphabeta(2, 1)), z(rules.alphabeta(2, 1)), z(rules.epsilon(0.25))]);
    expect(resolveRules(graph, { composite: 'EpsilonAlpha2Beta1Flat', compat: 'zennit' }).rules[1]).toEqual(z(rules.flat()));
    expect(resolveRules(graph, { composite: 'EpsilonPlus', compat: 'zennit' }).rules[1]).toEqual(z(rules.zplus()));
  });

  it('one rule goes to the dense and convolution nodes; pools and additions get Norm; layer rules override', () => {
    const plan = resolveRules(graph, { rule: 'epsilon', layerRules: { 12: 'flat' }, compat: 'zennit' });
    const eps = z(rules.epsilon(1e-6));
    expect(plan.rules).toEqual([null, eps, z(rules.pass()), null, eps, null, eps, null, eps, null, norm, null, z(rules.flat()), null, eps]);
    // Without compat, every node gets the rule (the toolbox's ε default), no definition mark.
    expect(resolveRules(graph, { rule: 'epsilon' }).rules.every((r) => r !== null && r.name === 'epsilon' && r.epsilon === 0.01 && r.definition === undefined)).toBe(true);
    expect(resolveRules(graph, {}).pathSum).toBeUndefined();
    expect(resolveRules(graph, { compat: 'toolbox' }).gradientTies).toBeUndefined();
  });

  it("a caller's composite object: its rules under Zennit's definition, Zennit's map where it gives none", () => {
    const custom = { name: 'mine', rulesFor: () => graph.layers.map((l) => (l.kind === 'linear' ? rules.zplus() : null)) };
    const plan = resolveRules(graph, { composite: custom, compat: 'zennit' });
    expect([plan.rules[14], plan.rules[10], plan.rules[2], plan.rules[3]]).toEqual([z(rules.zplus()), norm, z(rules.pass()), null]);
    expect(composite('EpsilonPlus', {}, 'zennit').rulesFor(mlp)).toEqual([z(rules.epsilon(1e-6)), null, z(rules.epsilon(1e-6))]);
  });

  it('refuses the toolbox formula codes and unknown compat names', () => {
    expectLrpError(() => resolveRules(graph, { formula: { code: 0 }, compat: 'zennit' }), 'E_USAGE', /not to the toolbox's formula codes/);
    expectLrpError(() => resolveRules(graph, { compat: 'keras' as 'zennit' }), 'E_USAGE', /unknown compat 'keras' \(known: toolbox, zennit\)/);
  });
});

describe('rules carry their definition', () => {
  it('parse, format and check keep it; the toolbox definition leaves no mark', () => {
    expect(parseRule('epsilon', undefined, 'zennit')).toEqual({ name: 'epsilon', epsilon: 1e-6, definition: 'zennit' });
    expect(parseRule('epsilon')).toEqual({ name: 'epsilon', epsilon: 0.01 });
    expect(formatRule(parseRule('gamma=0.5', undefined, 'zennit'))).toBe('gamma=0.5 (zennit)');
    expect(checkRule({ name: 'zplus', definition: 'zennit' })).toEqual({ name: 'zplus', definition: 'zennit' });
    expect(checkRule({ name: 'zplus', definition: 'toolbox' })).toEqual({ name: 'zplus' });
    expect(withDefinition(z(rules.flat()), 'toolbox')).toEqual({ name: 'flat' });
    expectLrpError(() => checkRule({ name: 'flat', definition: 'caffe' } as unknown as Rule, 'layer 2'), 'E_RULE', /unknown rule definition 'caffe' \(known: toolbox, zennit\)/);
  });
});
