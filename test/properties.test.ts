import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { randomCnn, randomInput, randomMlp, relError, sum } from './support/random-model.js';

const perSample = (a: ArrayLike<number>, n: number): number[] => {
  const k = a.length / n;
  return Array.from({ length: n }, (_, s) => sum(Array.prototype.slice.call(a, s * k, (s + 1) * k)));
};

describe('LRP properties on the js backend', () => {
  it.each(['zplus', 'flat', 'ww'])('rule %s conserves relevance on bias-free ReLU nets', async (rule) => {
    const { model, inShape } = randomCnn(1, { bias: false, pool: 'maxpool' });
    const ex = await createExplainer(model, { backend: 'js' });
    const { relevance, initial } = ex.explain(randomInput(2, 3, inShape), { rule });
    const rin = perSample(relevance.data, 3);
    const r0 = perSample(initial.data, 3);
    for (let s = 0; s < 3; s++) expect(rin[s]).toBeCloseTo(r0[s], 8);
  });

  // α-β conserves (α − β = 1) only where every neuron has contributions of both signs: a wide
  // bias-free MLP makes an all-positive neuron vanishingly unlikely.
  it.each(['alphabeta=2,1', 'alphabeta=1.5,0.5'])('rule %s conserves relevance where every neuron has both signs', async (rule) => {
    const ex = await createExplainer(randomMlp(1, [40, 60, 60, 5], { bias: false }), { backend: 'js' });
    const { relevance, initial } = ex.explain(randomInput(2, 3, [40]), { rule });
    const rin = perSample(relevance.data, 3);
    const r0 = perSample(initial.data, 3);
    for (let s = 0; s < 3; s++) expect(rin[s]).toBeCloseTo(r0[s], 8);
  });

  it('epsilon → 0 conserves relevance without bias (sum pooling)', async () => {
    const { model, inShape } = randomCnn(3, { bias: false, pool: 'sumpool' });
    const ex = await createExplainer(model, { backend: 'js' });
    const { relevance, initial } = ex.explain(randomInput(4, 2, inShape), { rule: 'epsilon=1e-12' });
    expect(sum(relevance.data)).toBeCloseTo(sum(initial.data), 6);
  });

  it.each(['sumpool', 'avgpool', 'maxpool'] as const)('LRP-0 equals gradient × input on bias-free ReLU nets (%s)', async (pool) => {
    const { model, inShape } = randomCnn(5, { bias: false, pool });
    const ex = await createExplainer(model, { backend: 'js' });
    const pass = ex.forward(randomInput(6, 2, inShape));
    const lrp = pass.explain({ rule: 'simple' });
    // The gradient starts from the initial relevance: a one-hot R0 gives the plain gradient.
    const onehot = lrp.initial.data.map((v) => (v !== 0 ? 1 : 0));
    const gxi = pass.explain({ method: 'gradient-x-input', initial: { data: onehot, shape: lrp.initial.shape } }).relevance.data;
    const lrp0 = lrp.relevance.data;
    expect(relError(lrp0, gxi)).toBeLessThan(1e-9);
  });

  it.each([
    ['relu', 'sumpool', 1, 'valid'],
    ['tanh', 'avgpool', 2, 'same'],
    ['sigmoid', 'maxpool', 1, [1, 0, 2, 1]],
  ] as const)('gradient equals central finite differences (%s, %s, stride %d, padding %s)', async (activation, pool, stride, padding) => {
    const { model, inShape } = randomCnn(7, { activation, pool, stride, padding, softmax: true });
    const ex = await createExplainer(model, { backend: 'js', keepSoftmax: true });
    const x = randomInput(8, 1, inShape);
    const target = 1;
    const onehot = { data: new Float64Array([0, 1, 0]), shape: [1, 3] };
    const g = ex.explain(x, { method: 'gradient', initial: onehot }).relevance.data;
    const h = 1e-6;
    const f = (d: Float64Array) => ex.forward({ data: d, shape: x.shape }).output.data[target];
    for (const i of [0, 5, 17, 40, x.data.length - 1]) {
      const up = Float64Array.from(x.data);
      const dn = Float64Array.from(x.data);
      up[i] += h;
      dn[i] -= h;
      expect(g[i]).toBeCloseTo((f(up) - f(dn)) / (2 * h), 6);
    }
  });

  it('one forward pass serves many explanations exactly like separate runs', async () => {
    const { model, inShape } = randomCnn(9, { pool: 'maxpool' });
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(10, 4, inShape);
    const pass = ex.forward(x);
    const cases = [
      { rule: 'epsilon=0.1', target: 2 },
      { rule: 'alphabeta=2', target: 'argmax' as const },
      { composite: 'EpsilonPlusFlat', target: [0, 1, 2, 0] },
      { method: 'guided-backprop' },
    ];
    for (const c of cases) {
      expect(Array.from(pass.explain(c).relevance.data)).toEqual(Array.from(ex.explain(x, c).relevance.data));
    }
  });

  it('relevance at an intermediate layer equals the per-layer relevance of a full walk', async () => {
    const model = randomMlp(11, [8, 7, 6, 3]);
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(12, 2, [8]);
    const full = ex.explain(x, { rule: 'epsilon=0.01', allLayers: true });
    const at2 = ex.explain(x, { rule: 'epsilon=0.01', relevanceAt: 2 });
    expect(at2.relevance.shape).toEqual([2, 7]);
    expect(Array.from(at2.relevance.data)).toEqual(Array.from(full.layers![2].data));
    expect(Array.from(full.layers![0].data)).toEqual(Array.from(full.relevance.data));
  });

  it('integrated gradients satisfies completeness for a ReLU net from a zero baseline', async () => {
    const model = randomMlp(13, [5, 8, 3], { bias: false });
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(14, 1, [5]);
    const e = ex.explain(x, { method: 'integrated-gradients', steps: 256, target: 0, initial: { data: new Float64Array([1, 0, 0]), shape: [1, 3] } });
    expect(sum(e.relevance.data)).toBeCloseTo(e.output.data[0], 2);
  });

  it('smoothgrad is reproducible for a seed and approaches the gradient as noise → 0', async () => {
    const model = randomMlp(15, [5, 8, 3]);
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(16, 2, [5]);
    const a = ex.explain(x, { method: 'smoothgrad', seed: 3 }).relevance.data;
    const b = ex.explain(x, { method: 'smoothgrad', seed: 3 }).relevance.data;
    expect(Array.from(a)).toEqual(Array.from(b));
    const g = ex.explain(x, { method: 'gradient' }).relevance.data;
    const s = ex.explain(x, { method: 'smoothgrad', noise: 0 }).relevance.data;
    expect(relError(s, g)).toBeLessThan(1e-12);
  });

  it('sensitivity is the per-pixel gradient norm over channels', async () => {
    const { model, inShape } = randomCnn(17);
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(18, 1, inShape);
    const g = ex.explain(x, { method: 'gradient' }).relevance.data;
    const s = ex.explain(x, { formula: { code: 99 } }).relevance;
    expect(s.shape).toEqual([1, inShape[0], inShape[1], 1]);
    expect(s.data[3]).toBeCloseTo(Math.hypot(g[6], g[7]), 12);
  });
});
