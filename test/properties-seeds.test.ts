/**
 * LRP properties over many seeds (≥ 20 each) and every geometry of the oracle grid (conv strides
 * 1–3, valid/same/explicit padding, sum/average/max pooling with their own windows and strides):
 * layer-wise conservation where the rule conserves, LRP-0 = gradient × input on bias-free ReLU nets,
 * and SoftMax and the whole pipeline with logits of ±1e4, on both backends.
 */
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import type { LinearLayer, Model } from '../src/model/layers.js';
import { randomInput, relError } from './support/random-model.js';
import { backends } from './oracle/compare.js';
import { oracleExplain } from './oracle/explain.js';
import { type GridCase, gridCases, gridModel, oracleMlp } from './oracle/models.js';

const SEEDS = Array.from({ length: 21 }, (_, s) => s);

/** Seed s → a grid model (cycling through `cases`) with seeded weights and a seeded 2-sample input. */
function seeded(s: number, cases: GridCase[], softmax = false) {
  const c = cases[s % cases.length];
  const { model, inShape } = gridModel(2000 + 13 * s, c, softmax);
  return { c, model, x: randomInput(3000 + 13 * s, 2, inShape) };
}

/** Per-sample sums of a batch. */
function sampleSums(a: ArrayLike<number>, n: number): number[] {
  const k = a.length / n;
  return Array.from({ length: n }, (_, s) => {
    let t = 0;
    for (let i = s * k; i < (s + 1) * k; i++) t += a[i];
    return t;
  });
}

/** Per-sample sums of |a|, the scale of the conservation error. */
function sampleAbsSums(a: ArrayLike<number>, n: number): number[] {
  return sampleSums(Array.from(a, Math.abs), n);
}

/** Expects Σ R at every layer's input to equal Σ R0, per sample, relative to Σ|R| there. */
function expectLayerwiseConservation(layers: { data: ArrayLike<number> }[], initial: ArrayLike<number>, tol: number, label: string): void {
  const r0 = sampleSums(initial, 2);
  layers.forEach((t, i) => {
    if (t.data.length === 0) return;
    const sums = sampleSums(t.data, 2);
    const scale = sampleAbsSums(t.data, 2);
    for (let s = 0; s < 2; s++) {
      expect(Math.abs(sums[s] - r0[s]), `${label}: layer ${i} sample ${s}`).toBeLessThanOrEqual(tol * (scale[s] + Math.abs(r0[s])));
    }
  });
}

const tolerance = { js: 1e-10, wasm: 1e-5 } as const;
const reluCases = gridCases(false).filter((c) => c.activation === 'relu');

describe.each(backends)('conservation over 21 seeds on %s', (backend) => {
  it.each(['flat', 'ww'])('%s conserves at every layer (with biases, any activation, every geometry)', async (rule) => {
    for (const s of SEEDS) {
      const { c, model, x } = seeded(s, gridCases(true));
      const e = (await createExplainer(model, { backend })).explain(x, { rule, allLayers: true });
      expectLayerwiseConservation(e.layers!, e.initial.data, tolerance[backend], `seed ${s} ${c.name}`);
    }
  });

  // z⁺ redistributes positive contributions only: it conserves where the relevance sits on outputs
  // with a positive value (a negative logit may have none), so R0 = y⁺ here. LRP-0 conserves any R0.
  it.each(['zplus', 'simple'])('%s conserves at every layer of bias-free ReLU nets (every geometry)', async (rule) => {
    for (const s of SEEDS) {
      const { c, model, x } = seeded(s, reluCases);
      const pass = (await createExplainer(model, { backend })).forward(x);
      const initial = { data: pass.output.data.map((v) => Math.max(v, 0)), shape: pass.output.shape };
      const e = pass.explain({ rule, allLayers: true, ...(rule === 'zplus' ? { initial } : {}) });
      expectLayerwiseConservation(e.layers!, e.initial.data, tolerance[backend], `seed ${s} ${c.name}`);
      pass.dispose();
    }
  });

  it.each(['alphabeta=2,1', 'alphabeta=1.5,0.5'])('%s conserves on wide bias-free nets (every neuron has both signs)', async (rule) => {
    for (const s of SEEDS) {
      const model = oracleMlp(4000 + s, [30, 40, 40, 5], false);
      const e = (await createExplainer(model, { backend })).explain(randomInput(5000 + s, 2, [30]), { rule, allLayers: true });
      expectLayerwiseConservation(e.layers!, e.initial.data, tolerance[backend], `seed ${s}`);
    }
  });

  it('ε > 0 with biases does not conserve: the check above can fail', async () => {
    let broken = 0;
    for (const s of SEEDS) {
      const { model, x } = seeded(s, gridCases(true));
      const e = (await createExplainer(model, { backend })).explain(x, { rule: 'epsilon=0.5' });
      const [a, b] = [sampleSums(e.relevance.data, 2), sampleSums(e.initial.data, 2)];
      if (Math.abs(a[0] - b[0]) > 1e-3 * Math.abs(b[0])) broken++;
    }
    expect(broken).toBeGreaterThan(SEEDS.length / 2);
  });
});

describe.each(backends)('LRP-0 equals gradient × input over 21 seeds on %s', (backend) => {
  it('bias-free ReLU nets, conv strides 1–3, every padding, sum/average/max pooling', async () => {
    for (const s of SEEDS) {
      const { c, model, x } = seeded(s, reluCases);
      const pass = (await createExplainer(model, { backend })).forward(x);
      const lrp = pass.explain({ rule: 'simple' });
      // The gradient starts from the initial relevance: a one-hot R0 gives the plain gradient.
      const onehot = lrp.initial.data.map((v) => (v !== 0 ? 1 : 0));
      const gxi = pass.explain({ method: 'gradient-x-input', initial: { data: onehot, shape: lrp.initial.shape } });
      expect(relError(lrp.relevance.data, gxi.relevance.data), `seed ${s} ${c.name}`).toBeLessThan(backend === 'js' ? 1e-9 : 1e-4);
      pass.dispose();
    }
  });
});

/** The model with its last Linear layer (the logits) replaced by `change(layer)`. */
function withLastLinear(model: Model, change: (l: LinearLayer) => LinearLayer): Model {
  const i = model.layers.map((l) => l.kind).lastIndexOf('linear');
  return { layers: model.layers.map((l, k) => (k === i && l.kind === 'linear' ? change(l) : l)) };
}

/**
 * Adds `offset` to every logit (the last Linear's bias): SoftMax must subtract the row maximum, or
 * exp(±1e4) overflows to Infinity / underflows to 0 and the probabilities become NaN.
 */
function withLogitOffset(model: Model, offset: number): Model {
  return withLastLinear(model, (l) => ({ ...l, bias: l.bias.map((b) => b + offset) }));
}

/** Scales the last Linear layer so that the largest logit of `x` has magnitude `target`. */
function withLogitScale(model: Model, x: { data: ArrayLike<number>; shape: readonly number[] }, target: number): Model {
  const y = oracleExplain(model, x.data, x.shape).output;
  const f = target / Math.max(...Array.from(y, Math.abs));
  return withLastLinear(model, (l) => ({ ...l, weights: l.weights.map((w) => w * f), bias: l.bias.map((b) => b * f) }));
}

/**
 * float32 holds a logit of 1e4 to within 2^-10 ≈ 9.8e-4, so on wasm the probabilities of offset
 * logits carry errors of that order: 3e-3 there, 1e-9 on js.
 */
const softmaxBound = { js: 1e-9, wasm: 3e-3 } as const;

describe.each(backends)('SoftMax and the pipeline with logits of ±1e4, 21 seeds on %s', (backend) => {
  it('logits offset by ±1e4: probabilities, gradients through SoftMax and LRP from them equal the oracle', async () => {
    for (const s of SEEDS) {
      const { c, model: base, x } = seeded(s, gridCases(true), true);
      const model = withLogitOffset(base, s % 2 === 0 ? 1e4 : -1e4);
      const pass = (await createExplainer(model, { backend, keepSoftmax: true })).forward(x);
      const want = oracleExplain(model, x.data, x.shape, { keepSoftmax: true });
      const label = `seed ${s} ${c.name}`;
      expect(Array.from(pass.output.data).every(Number.isFinite), label).toBe(true);
      for (const t of sampleSums(pass.output.data, 2)) expect(Math.abs(t - 1), label).toBeLessThan(1e-5);
      expect(relError(pass.output.data, want.output), label).toBeLessThan(softmaxBound[backend]);
      // LRP-ε from the probability of class 1, relative to its largest relevance.
      const lrp = pass.explain({ rule: 'epsilon=0.01', target: 1 }).relevance.data;
      const lrpRef = oracleExplain(model, x.data, x.shape, { keepSoftmax: true, target: 1, rules: model.layers.map(() => ({ name: 'epsilon', epsilon: 0.01 }) as const) });
      expect(Array.from(lrp).every(Number.isFinite), `${label} LRP`).toBe(true);
      expect(relError(lrp, lrpRef.relevance), `${label} LRP`).toBeLessThan(softmaxBound[backend]);
      // Gradient of the probability of class 1. Where that probability is close to 1 the gradient
      // p(1 − p)·∇z cancels, and float32 probability errors (~1e-3) become large relative to it, so
      // the error is measured against the largest logit gradient max_k |∇z_k| (the SoftMax
      // Jacobian's entries are at most 1/4).
      const initial = new Float64Array(6);
      initial[1] = want.output[1];
      initial[4] = want.output[4];
      const grad = pass.explain({ method: 'gradient', initial: { data: initial, shape: [2, 3] } }).relevance.data;
      const gradRef = oracleExplain(model, x.data, x.shape, { keepSoftmax: true, method: 'gradient', initial }).relevance;
      const logitGrads = [0, 1, 2].map((k) => oracleExplain(model, x.data, x.shape, { method: 'gradient', initial: Float64Array.from({ length: 6 }, (_, i) => (i % 3 === k ? 1 : 0)) }).relevance);
      const scale = Math.max(...logitGrads.flatMap((g) => Array.from(g, Math.abs)));
      expect(Array.from(grad).every(Number.isFinite), `${label} gradient`).toBe(true);
      const worst = Math.max(...Array.from(grad, (g, i) => Math.abs(g - gradRef[i])));
      expect(worst / scale, `${label} gradient`).toBeLessThan(softmaxBound[backend]);
      if (backend === 'js') expect(relError(grad, gradRef), `${label} gradient`).toBeLessThan(1e-9);
      pass.dispose();
    }
  });

  it('logits scaled to ±1e4: forward, LRP-ε, α2β1 and the gradient (SoftMax dropped) equal the oracle', async () => {
    for (const s of SEEDS) {
      const { c, model: base, x } = seeded(s, gridCases(true), true);
      const model = withLogitScale(base, x, 1e4);
      const pass = (await createExplainer(model, { backend })).forward(x);
      const label = `seed ${s} ${c.name}`;
      const want = oracleExplain(model, x.data, x.shape);
      expect(Math.max(...Array.from(pass.output.data, Math.abs)), label).toBeGreaterThan(9e3);
      expect(relError(pass.output.data, want.output), label).toBeLessThan(backend === 'js' ? 1e-12 : 1e-5);
      const cases = [
        ['epsilon=0.01', { rules: model.layers.map(() => ({ name: 'epsilon', epsilon: 0.01 }) as const) }],
        ['alphabeta=2', { rules: model.layers.map(() => ({ name: 'alphabeta', alpha: 2, beta: 1 }) as const) }],
        ['gradient', { method: 'gradient' }],
      ] as const;
      for (const [spec, oracle] of cases) {
        const got = pass.explain(spec === 'gradient' ? { method: spec } : { rule: spec }).relevance.data;
        expect(relError(got, oracleExplain(model, x.data, x.shape, oracle).relevance), `${label} ${spec}`).toBeLessThan(backend === 'js' ? 1e-10 : 1e-4);
      }
      // Whole pipeline with the SoftMax kept: near one-hot probabilities, finite relevance.
      const kept = (await createExplainer(model, { backend, keepSoftmax: true })).explain(x, { rule: 'epsilon=0.01' });
      expect(Array.from(kept.output.data).every(Number.isFinite) && Array.from(kept.relevance.data).every(Number.isFinite), label).toBe(true);
      pass.dispose();
    }
  });
});
