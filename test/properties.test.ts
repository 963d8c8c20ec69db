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
    // every input element, not a sample of them
    const fd = Float64Array.from(x.data, (_, i) => {
      const up = Float64Array.from(x.data);
      const dn = Float64Array.from(x.data);
      up[i] += h;
      dn[i] -= h;
      return (f(up) - f(dn)) / (2 * h);
    });
    expect(fd.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    for (let i = 0; i < fd.length; i++) expect(Math.abs(g[i] - fd[i]), `element ${i}`).toBeLessThan(1e-6 * (1 + Math.abs(fd[i])));
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

  it('integrated gradients on a bias-free ReLU net is exactly x ⊙ ∇f(x) and complete (f is positively homogeneous)', async () => {
    // f(αx) = α f(x) for α > 0, so the gradient is constant along the path and any midpoint sum is exact.
    const model = randomMlp(13, [5, 8, 3], { bias: false });
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(14, 2, [5]);
    const onehot = { data: new Float64Array([1, 0, 0, 1, 0, 0]), shape: [2, 3] };
    const e = ex.explain(x, { method: 'integrated-gradients', steps: 7, initial: onehot });
    const gxi = ex.explain(x, { method: 'gradient-x-input', initial: onehot }).relevance.data;
    expect(relError(e.relevance.data, gxi)).toBeLessThan(1e-12);
    const rs = perSample(e.relevance.data, 2);
    for (let s = 0; s < 2; s++) expect(Math.abs(rs[s] - e.output.data[s * 3]) / Math.abs(e.output.data[s * 3])).toBeLessThan(1e-12);
  });

  it('integrated gradients equals a hand-computed midpoint Riemann sum of gradients (tanh net with bias, baseline)', async () => {
    const model = randomMlp(19, [5, 8, 3], { activation: 'tanh' });
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(20, 1, [5]);
    const baseline = Float64Array.from([0.5, -0.25, 0, 1, -1]);
    const initial = { data: new Float64Array([0, 1, 0]), shape: [1, 3] };
    const steps = 5;
    const ig = ex.explain(x, { method: 'integrated-gradients', steps, baseline, initial }).relevance.data;
    const want = new Float64Array(5);
    for (let k = 0; k < steps; k++) {
      const a = (k + 0.5) / steps;
      const at = { data: x.data.map((v, i) => baseline[i] + a * (v - baseline[i])), shape: x.shape };
      const g = ex.explain(at, { method: 'gradient', initial }).relevance.data;
      for (let i = 0; i < 5; i++) want[i] += (g[i] * (x.data[i] - baseline[i])) / steps;
    }
    expect(relError(ig, want)).toBeLessThan(1e-12);
  });

  it('integrated gradients is complete to 1e-6 relative at 2048 steps (smooth net: Σ R = f(x) − f(baseline))', async () => {
    const model = randomMlp(21, [6, 10, 4], { activation: 'tanh' });
    const ex = await createExplainer(model, { backend: 'js' });
    const x = randomInput(22, 1, [6]);
    const initial = { data: new Float64Array([0, 0, 1, 0]), shape: [1, 4] };
    const e = ex.explain(x, { method: 'integrated-gradients', steps: 2048, initial });
    const atBaseline = ex.forward({ data: new Float64Array(6), shape: [1, 6] }).output.data[2];
    const delta = e.output.data[2] - atBaseline;
    expect(Math.abs(delta)).toBeGreaterThan(1e-3);
    expect(Math.abs(sum(e.relevance.data) - delta) / Math.abs(delta)).toBeLessThan(1e-6);
    // and the same sum at 1 step is visibly off: the check above is not vacuous
    const coarse = ex.explain(x, { method: 'integrated-gradients', steps: 1, initial }).relevance.data;
    expect(Math.abs(sum(coarse) - delta) / Math.abs(delta)).toBeGreaterThan(1e-6);
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
    // every pixel: the norm over its two channels
    const want = Array.from({ length: inShape[0] * inShape[1] }, (_, p) => Math.hypot(g[2 * p], g[2 * p + 1]));
    expect(relError(s.data, want)).toBeLessThan(1e-15);
    expect(want.filter((v) => v > 0).length).toBeGreaterThan(want.length / 2);
  });
});
