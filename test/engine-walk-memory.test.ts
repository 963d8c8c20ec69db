/**
 * What a backward walk leaves alive, on a backend that frees by handle (strict: any use of a freed
 * tensor or a second free fails). A walk that keeps no layers leaves exactly its result; it never
 * frees the caller's initial relevance or the trace's activations (the same trace and R0 serve any
 * number of walks, as integrated gradients and SmoothGrad need); a walk that keeps every layer frees
 * none of them.
 */
import { describe, expect, it } from 'vitest';
import { walkBackward, type WalkMode } from '../src/engine/backward.js';
import { forwardTrace } from '../src/engine/forward.js';
import { PreparedModel } from '../src/engine/prepared.js';
import type { Model } from '../src/model/layers.js';
import { resolveRules } from '../src/rules/plan.js';
import type { RuleSpec } from '../src/rules/plan.js';
import { mixedGraph, residualGraph } from './support/graph-models.js';
import { gaussian, randomArray, randomCnn, randomMlp } from './support/random-model.js';
import { strictOps } from './support/strict-ops.js';

const models: [string, { model: Model; inShape: number[] }][] = [
  ['mlp', { model: randomMlp(1, [5, 4, 3]), inShape: [5] }],
  ['cnn, sum pooling, strided same padding', randomCnn(2, { stride: 2, padding: 'same' })],
  ['cnn, average pooling', randomCnn(3, { pool: 'avgpool' })],
  ['cnn, max pooling, tanh', randomCnn(4, { pool: 'maxpool', activation: 'tanh' })],
  ['graph with global average pooling', mixedGraph(5)],
  ['graph with global max pooling', mixedGraph(6, { pool: 'globalmaxpool' })],
  ['residual block', residualGraph(7)],
  ['an add reading one node twice', { model: { layers: [{ kind: 'relu' }, { kind: 'add', from: [0, 0] }, { kind: 'add', from: [1, -1, 0] }, { kind: 'flatten' }] }, inShape: [2, 3, 1] }],
];

const specs: RuleSpec[] = [
  {},
  { rule: 'epsilon=0.1' },
  { rule: 'alphabeta=2' },
  { rule: 'alphabeta=1,0' },
  { rule: 'zplus' },
  { rule: 'flat' },
  { rule: 'ww' },
  { rule: 'gamma=0.25' },
  { rule: 'epsilon', layerRules: { 0: 'zbox=-3,3' } },
  { method: 'gradient' },
  { method: 'deconvnet' },
  { method: 'guided-backprop' },
  { rule: 'gamma=0.25', compat: 'zennit' },
  { rule: 'ww', compat: 'zennit' },
  { composite: 'EpsilonGammaBox', compositeOptions: { low: -3, high: 3 }, compat: 'zennit' },
  { composite: 'EpsilonAlpha2Beta1Flat', compat: 'zennit' },
];

function setup(model: Model, inShape: number[]) {
  const strict = strictOps();
  const pm = new PreparedModel(strict.ops, model);
  const n = inShape.reduce((a, b) => a * b, 1);
  const trace = forwardTrace(pm, strict.ops.tensor(randomArray(gaussian(8), 2 * n), [2, ...inShape]));
  const y = trace.acts.at(-1)!;
  const R0 = strict.ops.tensor(strict.ops.read(y).map((v) => v + 0.5), strict.ops.shape(y));
  return { ...strict, pm, trace, R0 };
}

function modeOf(model: Model, spec: RuleSpec): WalkMode {
  const plan = resolveRules(model, spec);
  return plan.method === 'lrp' ? { kind: 'lrp', plan } : { kind: 'gradient', mode: plan.method as 'gradient' | 'deconvnet' | 'guided-backprop' };
}

describe.each(models)('%s', (_, { model, inShape }) => {
  it.each(specs.map((s) => [JSON.stringify(s), s] as const))('%s: a walk leaves only its result alive, and the trace and R0 serve the next walk', (_, spec) => {
    const { pm, trace, R0, live } = setup(model, inShape);
    const how = modeOf(model, spec);
    const before = new Set(live);
    const first = walkBackward(pm, trace, R0, how);
    const left = [...live].filter((t) => !before.has(t));
    expect(left).toEqual([first.result]);
    expect(first.layers).toBeNull();
    // the same trace and R0 again (a disposed one would fail here), to a hidden layer this time
    const second = walkBackward(pm, trace, R0, how, 1);
    expect(live.has(second.result)).toBe(true);
    expect([...before].every((t) => live.has(t))).toBe(true);
  });

  it('a walk keeping every layer frees none of them', () => {
    const { pm, trace, R0, live } = setup(model, inShape);
    const w = walkBackward(pm, trace, R0, modeOf(model, { rule: 'alphabeta=2' }), 0, true);
    expect(w.layers).toHaveLength(model.layers.length + 1);
    expect(w.layers![model.layers.length]).toBe(R0);
    expect(w.layers![0]).toBe(w.result);
    for (const t of w.layers!) if (t !== undefined) expect(live.has(t)).toBe(true);
  });
});
