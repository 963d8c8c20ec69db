/**
 * The path and noise methods (integrated gradients, SmoothGrad) against an oracle built from their
 * definitions on the independent gradient oracle (test/oracle), with a batch of two samples of
 * different value ranges; and the refusals of their options, each with its code and message.
 */
import { describe, expect, it } from 'vitest';
import { sampleNoise } from '../src/engine/attribution.js';
import { explanationFactor } from '../src/engine/budget.js';
import { createExplainer } from '../src/explainer.js';
import type { Tensor } from '../src/tensor.js';
import { oracleExplain } from './oracle/explain.js';
import { oracleMlp } from './oracle/models.js';
import { expectLrpError } from './support/expect-error.js';
import { randomInput, relError } from './support/random-model.js';

const model = oracleMlp(41, [5, 6, 3]);
/** Two samples; the second spans a range three times wider, so each has its own noise scale. */
function batch(): Tensor {
  const x = randomInput(42, 2, [5]);
  const data = Float64Array.from(x.data, (v, i) => (i >= 5 ? 3 * v + 1 : v));
  return { data, shape: [2, 5] };
}

/** The oracle's gradient at `xs` from the fixed initial relevance `R0` of the original input. */
function gradientAt(xs: Float64Array, R0: Float64Array): Float64Array {
  return oracleExplain(model, xs, [2, 5], { method: 'gradient', initial: R0 }).relevance;
}

/** IG: `(x − x0) ⊙ mean_k ∇(x0 + (k + ½)/m · (x − x0))`. */
function oracleIg(x: Float64Array, x0: Float64Array, steps: number, R0: Float64Array): Float64Array {
  const sum = new Float64Array(x.length);
  for (let k = 0; k < steps; k++) {
    const a = (k + 0.5) / steps;
    const g = gradientAt(x.map((v, i) => x0[i] + a * (v - x0[i])), R0);
    g.forEach((v, i) => (sum[i] += v));
  }
  return sum.map((s, i) => (s / steps) * (x[i] - x0[i]));
}

/**
 * SmoothGrad: the mean gradient at `x + σ_s·N(0, 1)`, `σ_s = noise · (max − min of sample s)`, the
 * noise of sample s from its own stream `sampleNoise(seed, s)`, element by element.
 */
function oracleSmoothGrad(x: Float64Array, samples: number, noise: number, seed: number, R0: Float64Array): Float64Array {
  const per = 5;
  const sigma = [0, 1].map((s) => {
    const part = Array.from(x.subarray(s * per, (s + 1) * per));
    return noise * (Math.max(...part) - Math.min(...part));
  });
  const rngs = [0, 1].map((s) => sampleNoise(seed, s));
  const sum = new Float64Array(x.length);
  for (let k = 0; k < samples; k++) {
    const xs = Float64Array.from(x, (v, i) => v + sigma[Math.floor(i / per)] * rngs[Math.floor(i / per)]!.normal());
    gradientAt(xs, R0).forEach((v, i) => (sum[i] += v));
  }
  return sum.map((s) => s / samples);
}

describe('integrated gradients against its definition', () => {
  it.each([
    ['a zero baseline, default 32 steps', {}, () => new Float64Array(10)],
    ['a constant baseline, 3 steps', { steps: 3, baseline: -0.5 }, () => new Float64Array(10).fill(-0.5)],
    ['a per-element baseline repeated for each sample, 1 step', { steps: 1, baseline: Float64Array.of(0.1, -0.2, 0.3, 0, 1) }, () => Float64Array.of(0.1, -0.2, 0.3, 0, 1, 0.1, -0.2, 0.3, 0, 1)],
  ] as const)('%s', async (_, options, x0) => {
    const ex = await createExplainer(model, { backend: 'js' });
    const x = batch();
    const got = ex.explain(x, { method: 'integrated-gradients', ...options });
    const steps = 'steps' in options ? options.steps : 32;
    const want = oracleIg(x.data as Float64Array, x0(), steps, Float64Array.from(got.initial.data));
    expect(got.relevance.shape).toEqual([2, 5]);
    expect(relError(got.relevance.data, want)).toBeLessThan(1e-12);
  });

  it('a baseline of the wrong length is E_SHAPE naming the baseline and the sample size', async () => {
    const ex = await createExplainer(model, { backend: 'js' });
    const e = expectLrpError(() => ex.explain(batch(), { method: 'integrated-gradients', baseline: new Float64Array(10) }), 'E_SHAPE');
    expect(e.message).toBe('baseline: baseline has 10 values, a sample has 5');
  });
});

describe('SmoothGrad against its definition', () => {
  it.each([
    ['defaults (16 samples, noise 0.1, seed 0)', {}, [16, 0.1, 0]],
    ['seed 5, 3 samples, noise 0.4', { seed: 5, samples: 3, noise: 0.4 }, [3, 0.4, 5]],
    ['noise 0: the plain gradient', { noise: 0, samples: 2 }, [2, 0, 0]],
  ] as const)('%s', async (_, options, [samples, noise, seed]) => {
    const ex = await createExplainer(model, { backend: 'js' });
    const x = batch();
    const got = ex.explain(x, { method: 'smoothgrad', ...options });
    const want = oracleSmoothGrad(x.data as Float64Array, samples, noise, seed, Float64Array.from(got.initial.data));
    expect(relError(got.relevance.data, want)).toBeLessThan(1e-12);
  });

  it('different seeds give different noise', async () => {
    const ex = await createExplainer(model, { backend: 'js' });
    const a = ex.explain(batch(), { method: 'smoothgrad', seed: 0, samples: 2, noise: 0.5 }).relevance.data;
    const b = ex.explain(batch(), { method: 'smoothgrad', seed: 7, samples: 2, noise: 0.5 }).relevance.data;
    expect(relError(a, b)).toBeGreaterThan(1e-6);
  });
});

describe('sampling option refusals (E_USAGE)', () => {
  it.each([
    ['integrated-gradients', 'steps', 0],
    ['integrated-gradients', 'steps', -2],
    ['integrated-gradients', 'steps', 1.5],
    ['integrated-gradients', 'steps', Number.NaN],
    ['integrated-gradients', 'steps', 2 ** 53],
    ['smoothgrad', 'samples', 0],
    ['smoothgrad', 'samples', -1],
    ['smoothgrad', 'samples', 2.5],
  ] as const)('%s with %s = %s', async (method, option, v) => {
    const ex = await createExplainer(model, { backend: 'js' });
    const e = expectLrpError(() => ex.explain(batch(), { method, [option]: v, maxCost: Number.POSITIVE_INFINITY }), 'E_USAGE');
    expect(e.message).toBe(`${option} must be a positive integer, got ${v}`);
  });

  it.each([-0.1, Number.POSITIVE_INFINITY, Number.NaN])('smoothgrad with noise = %s', async (noise) => {
    const ex = await createExplainer(model, { backend: 'js' });
    const e = expectLrpError(() => ex.explain(batch(), { method: 'smoothgrad', noise, samples: 1 }), 'E_USAGE');
    expect(e.message).toBe(`noise must be a finite number >= 0, got ${noise}`);
  });

  it.each(['integrated-gradients', 'smoothgrad'] as const)('%s at a hidden layer', async (method) => {
    const ex = await createExplainer(model, { backend: 'js' });
    const e = expectLrpError(() => ex.explain(batch(), { method, relevanceAt: 2 }), 'E_USAGE');
    expect(e.message).toBe(`${method} explains the model input only, not layer 2`);
  });
});

describe('the gradient family keeps every layer on request', () => {
  it.each(['gradient', 'deconvnet', 'guided-backprop'] as const)('%s with allLayers returns the signal at every layer', async (method) => {
    const ex = await createExplainer(model, { backend: 'js' });
    const x = batch();
    const got = ex.explain(x, { method, allLayers: true });
    expect(got.layers).toHaveLength(model.layers.length + 1);
    expect([...got.layers![0]!.data]).toEqual([...got.relevance.data]);
    expect([...got.layers![3]!.data]).toEqual([...got.initial.data]);
    expect(relError(got.relevance.data, oracleExplain(model, x.data, x.shape, { method }).relevance)).toBeLessThan(1e-12);
  });

  it.each(['gradient-x-input', 'sensitivity', 'integrated-gradients'] as const)('%s refuses allLayers', async (method) => {
    const ex = await createExplainer(model, { backend: 'js' });
    const e = expectLrpError(() => ex.explain(batch(), { method, allLayers: true, steps: 1 }), 'E_USAGE');
    expect(e.message).toBe(`allLayers is not available for method '${method}'`);
  });
});

describe('the cost of a sampling method counts its checked steps or samples', () => {
  it('two passes (forward and gradient) per step or sample, with the defaults 32 and 16', () => {
    expect(explanationFactor('integrated-gradients')).toBe(64);
    expect(explanationFactor('integrated-gradients', { steps: 3, samples: 100 })).toBe(6);
    expect(explanationFactor('smoothgrad')).toBe(32);
    expect(explanationFactor('smoothgrad', { samples: 5, steps: 100 })).toBe(10);
  });

  it('a count that is not a positive integer is E_USAGE before any cost is estimated from it (not a cost of NaN)', async () => {
    const ex = await createExplainer(model, { backend: 'js' });
    for (const [method, option, v] of [['integrated-gradients', 'steps', Number.NaN], ['integrated-gradients', 'steps', 1e300], ['smoothgrad', 'samples', Number.NaN]] as const) {
      const e = expectLrpError(() => ex.explain(batch(), { method, [option]: v }), 'E_USAGE');
      expect(e.message).toBe(`${option} must be a positive integer, got ${v}`);
      expectLrpError(() => ex.forward(batch()).explain({ method, [option]: v }), 'E_USAGE');
      expectLrpError(() => explanationFactor(method, { [option]: v }), 'E_USAGE');
    }
  });
});
