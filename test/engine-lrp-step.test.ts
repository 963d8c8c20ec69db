/**
 * The LRP step's choices that the per-neuron oracle cannot see: the forward product z reused from
 * the trace where ρ is the identity (no forward kernel in the walk), x⁻ terms skipped on inputs that
 * are non-negative by construction, the average pools' 1/area weight against ε, the pool stabiliser
 * of LRP-0 (1e-12), and the refusals of the step with the place named.
 */
import { describe, expect, it } from 'vitest';
import { walkBackward } from '../src/engine/backward.js';
import { forwardTrace } from '../src/engine/forward.js';
import { gradStep } from '../src/engine/grad-step.js';
import { lrpStep } from '../src/engine/lrp-step.js';
import { PreparedModel } from '../src/engine/prepared.js';
import { createExplainer } from '../src/explainer.js';
import { linearLayer, poolLayer, simpleLayer } from '../src/model/build.js';
import type { Layer, Model } from '../src/model/layers.js';
import { resolveRules } from '../src/rules/plan.js';
import { rules } from '../src/rules/rule.js';
import { expectLrpError } from './support/expect-error.js';
import { gaussian, randomArray, randomCnn, randomMlp } from './support/random-model.js';
import { strictOps } from './support/strict-ops.js';

const js = { backend: 'js', canonize: false } as const;

/** Calls of each backend method during one LRP walk under `rule`. */
function walkCalls(model: Model, inShape: number[], rule: string): (name: string) => number {
  const s = strictOps();
  const pm = new PreparedModel(s.ops, model);
  const n = inShape.reduce((a, b) => a * b, 1);
  const trace = forwardTrace(pm, s.ops.tensor(randomArray(gaussian(3), 2 * n), [2, ...inShape]));
  const y = trace.acts.at(-1)!;
  const R0 = s.ops.tensor(s.ops.read(y), s.ops.shape(y));
  const names = ['dense', 'conv', 'unary:pos', 'unary:neg'];
  const before = new Map(names.map((k) => [k, s.calls(k)]));
  walkBackward(pm, trace, R0, { kind: 'lrp', plan: resolveRules(model, { rule }) });
  return (name) => s.calls(name) - before.get(name)!;
}

describe('z = W·x + b is taken from the forward trace where ρ is the identity', () => {
  const mlp = randomMlp(1, [5, 4, 3]);
  const cnn = randomCnn(2, { stride: 2, padding: 'same' });

  it.each(['simple', 'epsilon=0.1'])('%s: no forward product in the walk', (rule) => {
    expect(walkCalls(mlp, [5], rule)('dense')).toBe(0);
    const calls = walkCalls(cnn.model, cnn.inShape, rule);
    expect(calls('conv')).toBe(0);
    expect(calls('dense')).toBe(0);
  });

  it('γ (its own weight variant) recomputes z once per weighted layer', () => {
    expect(walkCalls(mlp, [5], 'gamma=0.25')('dense')).toBe(2);
    expect(walkCalls(cnn.model, cnn.inShape, 'gamma=0.25')('conv')).toBe(2);
  });
});

describe('x⁻ terms are skipped on inputs that are non-negative by construction', () => {
  it('α-β splits the signed model input (x⁺ and x⁻ once each), not the ReLU output of the second layer', () => {
    const calls = walkCalls(randomMlp(4, [5, 4, 3]), [5], 'alphabeta=2');
    expect(calls('unary:pos')).toBe(1);
    expect(calls('unary:neg')).toBe(1);
    // forward products: layer 2 with W⁺ and W⁻ on x = x⁺; layer 0 with (W⁺, x⁺), (W⁻, x⁻), (W⁻, x⁺), (W⁺, x⁻)
    expect(calls('dense')).toBe(2 + 4);
  });
});

describe('pools by hand', () => {
  // one sample, 2×2×1 input [1, 2, 3, 4]; R at the pool output is 1
  const x = { data: Float64Array.of(1, 2, 3, 4), shape: [1, 2, 2, 1] };
  const one = { data: Float64Array.of(1), shape: [1, 1] };

  it.each([
    ['avgpool', [poolLayer('avgpool', [2, 2], [2, 2]), simpleLayer('flatten')]],
    ['globalavgpool', [simpleLayer('globalavgpool')]],
  ] as [string, Layer[]][])('%s under ε = 1: the weight 1/4 enters z before ε is added', async (_, layers) => {
    const ex = await createExplainer({ layers }, js);
    // z = Σ x/4 + ε = 2.5 + 1; R_i = (x_i/4)·1/3.5
    const got = ex.explain(x, { rule: 'epsilon=1', initial: one }).relevance.data;
    [1, 2, 3, 4].forEach((v, i) => expect(got[i]).toBeCloseTo(v / 14, 14));
  });

  it('LRP-0 on a global average pool uses the pool stabiliser 1e-12', async () => {
    const ex = await createExplainer({ layers: [simpleLayer('globalavgpool')] }, js);
    const tiny = { data: Float64Array.of(1e-12, 3e-12), shape: [1, 1, 2, 1] };
    // z = (1e-12 + 3e-12)/2 + 1e-12 = 3e-12; R_i = (x_i/2)/z
    const got = ex.explain(tiny, { initial: one }).relevance.data;
    expect(got[0]).toBeCloseTo(1 / 6, 10);
    expect(got[1]).toBeCloseTo(1 / 2, 10);
  });
});

describe('refusals name the layer', () => {
  const dense = linearLayer(3, 2, Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(0, 0));
  const x = { data: Float64Array.of(1, -1, 2), shape: [1, 3] };

  it("rule 'pass' on a layer that changes the size", async () => {
    const ex = await createExplainer({ layers: [dense] }, js);
    const e = expectLrpError(() => ex.explain(x, { rule: 'pass' }), 'E_RULE');
    expect(e.message).toBe("layer 0 (Linear): rule 'pass' needs equal input and output sizes, got [3] and [2]");
  });

  it('per-element z^B bounds of the wrong length', async () => {
    const ex = await createExplainer({ layers: [dense] }, js);
    const e = expectLrpError(() => ex.explain(x, { rule: rules.zbox(Float64Array.of(0, 0), 1) }), 'E_SHAPE');
    expect(e.where).toBe('layer 0 (Linear)');
    expect(e.message).toBe('layer 0 (Linear): zbox bound has 2 values, the layer input [3] has 3');
  });

  it.each([
    ['add', { kind: 'add', from: [-1, 0] }],
    ['concat', { kind: 'concat', axis: -1, from: [-1, 0] }],
  ] as [string, Layer][])('the single-input step refuses a %s node (it is split by its inputs)', (kind, node) => {
    const s = strictOps();
    const pm = new PreparedModel(s.ops, { layers: [simpleLayer('relu'), node] });
    const trace = forwardTrace(pm, s.ops.tensor(Float64Array.of(1, -2), [1, 2]));
    const e = expectLrpError(() => lrpStep(pm, trace, 1, trace.acts[2]!, null), 'E_RULE');
    expect(e.message).toBe(`layer 1 (${kind === 'add' ? 'Add' : 'Concat'}): a ${kind} node has several inputs (see node-steps.ts)`);
    // the gradient step hands the signal on unchanged; the node step splits it
    expect(gradStep(pm, trace, 1, trace.acts[2]!, 'gradient')).toBe(trace.acts[2]);
  });
});
