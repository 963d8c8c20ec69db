import { describe, expect, it } from 'vitest';
import { type ExplainOptions, createExplainer } from '../src/explainer.js';
import { conv2dLayer, linearLayer, poolLayer } from '../src/model/build.js';
import type { Layer, Model } from '../src/model/layers.js';

// Zennit 1.0's definitions (compat: 'zennit'), each checked on a tiny layer whose relevance is
// worked out below by hand from the formula, with both signs of z where the rule has both. The
// toolbox's own definition of the same rule is checked to give other numbers, so every case tells
// the two definitions apart. `st` is Zennit's stabiliser: z + 1e-6·sign(z), sign(0) = +1.

const E = 1e-6;
const st = (z: number, e = E): number => z + e * (z >= 0 ? 1 : -1);

type Backend = 'js' | 'wasm';
const tolerance: Record<Backend, number> = { js: 1e-12, wasm: 1e-5 };

interface Case {
  readonly model: Model;
  readonly x: readonly number[];
  readonly inShape: readonly number[];
  /** Initial relevance on the output. */
  readonly r0: readonly number[];
  /** Per-sample output shape (default `[r0.length]`). */
  readonly outShape?: readonly number[];
}

async function relevance(c: Case, options: ExplainOptions, backend: Backend = 'js'): Promise<Float64Array> {
  const ex = await createExplainer(c.model, { backend, canonize: false });
  try {
    const outShape = [1, ...(c.outShape ?? [c.r0.length])];
    const out = ex.explain({ data: Float64Array.from(c.x), shape: [1, ...c.inShape] }, { ...options, initial: { data: Float64Array.from(c.r0), shape: outShape } });
    return Float64Array.from(out.relevance.data);
  } finally {
    ex.dispose();
  }
}

/** Element-wise relative closeness (each element against its own size). */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(Math.abs(actual[i]! - e), `element ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(e), 1e-300));
  });
}

/** Checks the Zennit numbers on both backends and whether the toolbox's definition differs. */
async function check(c: Case, rule: string, expected: readonly number[], toolboxDiffers = true): Promise<void> {
  for (const backend of ['js', 'wasm'] as const) {
    expectClose(await relevance(c, { rule, compat: 'zennit' }, backend), expected, tolerance[backend]);
  }
  const toolbox = await relevance(c, { rule });
  expect(expected.some((e, i) => Math.abs(toolbox[i]! - e) > 1e-9 * Math.abs(e))).toBe(toolboxDiffers);
}

// Dense 2 → 2: x = [2, −1]; W (input-major) [[1, −1], [−2, 0.5]]; b = [0.5, −0.25];
// z = xW + b = [4.5, −2.75] (one positive, one negative output); R0 = [1, 2].
const dense: Case = {
  model: { layers: [linearLayer(2, 2, Float64Array.from([1, -1, -2, 0.5]), Float64Array.from([0.5, -0.25]))] },
  x: [2, -1],
  inShape: [2],
  r0: [1, 2],
};

// Dense 2 → 1 with z = 2·0.5 + (−1)·1 + 0 = 0 exactly; R0 = [4].
const zeroZ: Case = {
  model: { layers: [linearLayer(2, 1, Float64Array.from([0.5, 1]), Float64Array.from([0]))] },
  x: [2, -1],
  inShape: [2],
  r0: [4],
};

describe('Zennit rules on a dense layer (z = [4.5, −2.75])', () => {
  it('Epsilon: R_i = Σ_j x_i w_ij R_j / (z_j + ε·sign(z_j)), both signs (as the toolbox for a given ε)', async () => {
    const expected = [2 * 1 * 1 / st(4.5, 0.1) + 2 * -1 * 2 / st(-2.75, 0.1), -1 * -2 * 1 / st(4.5, 0.1) + -1 * 0.5 * 2 / st(-2.75, 0.1)];
    await check(dense, 'epsilon=0.1', expected, false);
  });

  it("Epsilon without a value is Zennit's ε = 1e-6; simple is Norm (LRP-0 with the stabiliser 1e-6)", async () => {
    const expected = [2 * 1 * 1 / st(4.5) + 2 * -1 * 2 / st(-2.75), -1 * -2 * 1 / st(4.5) + -1 * 0.5 * 2 / st(-2.75)];
    await check(dense, 'epsilon', expected);
    await check(dense, 'simple', expected);
  });

  it('sign(0) = +1: z = 0 is stabilised to +1e-6', async () => {
    // R_i = x_i w_i R / (0 + 1e-6): [2·0.5·4, −1·1·4] / 1e-6.
    expectClose(await relevance(zeroZ, { rule: 'epsilon', compat: 'zennit' }), [(2 * 0.5 * 4) / E, (-1 * 1 * 4) / E], 1e-12);
  });

  it('ZPlus keeps the positive bias: z⁺ = x⁺W⁺ + x⁻W⁻ + b⁺ = [2 + 2 + 0.5, 0]', async () => {
    // Output 1 has z⁺ = 2·0 + (−1)·0 + 0 = 0: its numerators are 0, so it sends nothing.
    await check(dense, 'zplus', [2 * 1 * 1 / st(4.5), -1 * -2 * 1 / st(4.5)]);
  });

  it('AlphaBeta(2, 1): b⁺ in the positive, b⁻ in the negative part', async () => {
    // z⁺ = [4.5, 0]; z⁻ = x⁺W⁻ + x⁻W⁺ + b⁻ = [0, 2·(−1) + (−1)·0.5 − 0.25] = [0, −2.75].
    const pos = [2 * 1 * 1 / st(4.5), -1 * -2 * 1 / st(4.5)];
    const neg = [2 * -1 * 2 / st(-2.75), -1 * 0.5 * 2 / st(-2.75)];
    await check(dense, 'alphabeta=2,1', [2 * pos[0]! - neg[0]!, 2 * pos[1]! - neg[1]!]);
  });

  it('Gamma (γ = 0.5): the sign of z = Wx + b picks the branch', async () => {
    // z_0 = 4.5 > 0: x⁺(W + γW⁺) + x⁻(W + γW⁻) + b + γb⁺ = 2·1.5 + (−1)·(−3) + 0.75 = 6.75.
    // z_1 = −2.75 < 0: x⁺(W + γW⁻) + x⁻(W + γW⁺) + b + γb⁻ = 2·(−1.5) + (−1)·0.75 − 0.375 = −4.125.
    await check(dense, 'gamma=0.5', [(2 * 1.5 * 1) / st(6.75) + (2 * -1.5 * 2) / st(-4.125), (-1 * -3 * 1) / st(6.75) + (-1 * 0.75 * 2) / st(-4.125)]);
  });

  it('Gamma: z = 0 gets no relevance (its γ-modified z would be 0.5)', async () => {
    expectClose(await relevance(zeroZ, { rule: 'gamma=0.5', compat: 'zennit' }), [0, 0], 0);
    const toolbox = await relevance(zeroZ, { rule: 'gamma=0.5' });
    expect(Math.abs(toolbox[0]!)).toBeGreaterThan(1);
  });

  it('ZBox [0, 1] with x outside the box: z = Wx − W⁺L − W⁻H = [6, −1.5], no bias', async () => {
    // Numerators x_i w_ij − l w⁺_ij − h w⁻_ij: output 0 [2, 4], output 1 [−1, −0.5].
    await check(dense, 'zbox=0,1', [2 * 1 / st(6) + -1 * 2 / st(-1.5), 4 * 1 / st(6) + -0.5 * 2 / st(-1.5)]);
  });

  it('Flat: z_j = the number of inputs, stabilised', async () => {
    await check(dense, 'flat', [1 / st(2) + 2 / st(2), 1 / st(2) + 2 / st(2)]);
  });

  it('WSquare: the squared bias joins the denominator: z = Σ_i w² + b² = [5.25, 1.3125]', async () => {
    await check(dense, 'ww', [1 / st(5.25) + (1 * 2) / st(1.3125), 4 / st(5.25) + (0.25 * 2) / st(1.3125)]);
  });
});

// Convolution over a 1×3 row with padding 1 on both sides: x = [2, −1, 3], w = [1, −2, 0.5], b = 0.3.
const conv: Case = {
  model: { layers: [conv2dLayer([1, 3, 1, 1], [1, 1], Float64Array.from([1, -2, 0.5]), Float64Array.from([0.3]), [0, 0, 1, 1])] },
  x: [2, -1, 3],
  inShape: [1, 3, 1],
  r0: [1, 2, 3],
  outShape: [1, 3, 1],
};

describe('Zennit rules on a padded convolution', () => {
  it('ZBox [−1, 1]: the bounds are zero-padded like x (z = [−2, 9, −4])', async () => {
    // Window 0 reads [pad, 2, −1]: xW = −4.5, LW⁺ = −0.5, HW⁻ = −2 → z = −2 (a padded L would make it −1).
    // Window 1 reads [2, −1, 3]: 5.5 + 1.5 + 2 = 9; window 2 reads [−1, 3, pad]: −7 + 1 + 2 = −4.
    // Per input, the numerators x_p w_k − l w⁺_k − h w⁻_k of the windows it is in.
    await check(conv, 'zbox=-1,1', [-2 * 1 / st(-2) + 3 * 2 / st(9), 0 + 4 * 2 / st(9) + 0, 2 * 2 / st(9) + -4 * 3 / st(-4)]);
  });

  it('Flat: each window counts its non-padding inputs (2, 3, 2)', async () => {
    await check(conv, 'flat', [1 / st(2) + 2 / st(3), 1 / st(2) + 2 / st(3) + 3 / st(2), 2 / st(3) + 3 / st(2)]);
  });

  it('Epsilon on the convolution: both signs of z (z = [−4.2, 5.8, −6.7])', async () => {
    // z_0 = 2·(−2) + (−1)·0.5 + 0.3, z_1 = 2 + 2 + 1.5 + 0.3, z_2 = −1 − 6 + 0.3.
    const z = [-4.2, 5.8, -6.7].map((v) => st(v));
    await check(conv, 'epsilon', [2 * -2 * 1 / z[0]! + 2 * 1 * 2 / z[1]!, -1 * 0.5 * 1 / z[0]! + -1 * -2 * 2 / z[1]! + -1 * 1 * 3 / z[2]!, 3 * 0.5 * 2 / z[1]! + 3 * -2 * 3 / z[2]!]);
  });
});

describe("Zennit's Norm on pools and additions", () => {
  // 1×4 row, windows of 2: [1, 2] and [3, −10].
  const row = (kind: 'avgpool' | 'sumpool'): Case => ({ model: { layers: [poolLayer(kind, [1, 2], [1, 2])] }, x: [1, 2, 3, -10], inShape: [1, 4, 1], r0: [1, 2], outShape: [1, 2, 1] });

  it('average pooling: R_i = x_i·R_j / (k·stab(mean_j)), means 1.5 and −3.5', async () => {
    const c = row('avgpool');
    for (const backend of ['js', 'wasm'] as const) {
      const r = await relevance(c, { compat: 'zennit' }, backend);
      expectClose(r, [1 / (2 * st(1.5)), 2 / (2 * st(1.5)), (3 * 2) / (2 * st(-3.5)), (-10 * 2) / (2 * st(-3.5))], tolerance[backend]);
    }
  });

  it('the toolbox SumPool (Σx/√k) as its module: R_i = x_i·R_j / (√k·stab(Σ/√k))', async () => {
    const k = Math.SQRT2;
    const r = await relevance(row('sumpool'), { compat: 'zennit' });
    expectClose(r, [1 / (k * st(3 / k)), 2 / (k * st(3 / k)), (3 * 2) / (k * st(-7 / k)), (-10 * 2) / (k * st(-7 / k))], 1e-12);
    // The toolbox adds its stabiliser to the unscaled sum.
    expectClose(await relevance(row('sumpool'), {}), [1 / (3 + 1e-12), 2 / (3 + 1e-12), 6 / (-7 - 1e-12), -20 / (-7 - 1e-12)], 1e-12);
  });

  it('global average pooling: R_i = x_i·R / (k·stab(mean)) over every position', async () => {
    const c: Case = { model: { layers: [{ kind: 'globalavgpool' }] }, x: [1, 2, 3, -10], inShape: [2, 2, 1], r0: [2] };
    expectClose(await relevance(c, { compat: 'zennit' }), [1, 2, 3, -10].map((v) => (v * 2) / (4 * st(-1))), 1e-12);
  });

  it("max pooling by PyTorch's gradient: a window's relevance all to its first maximum (the toolbox splits ties)", async () => {
    // Windows [0, 0] (an all-zero window after a ReLU) and [5, 5].
    const c: Case = { model: { layers: [poolLayer('maxpool', [1, 2], [1, 2])] }, x: [0, 0, 5, 5], inShape: [1, 4, 1], r0: [3, 2], outShape: [1, 2, 1] };
    for (const backend of ['js', 'wasm'] as const) expectClose(await relevance(c, { compat: 'zennit' }, backend), [3, 0, 2, 0], 0);
    expectClose(await relevance(c, {}), [1.5, 1.5, 1, 1], 0);
  });

  it('additions: R_a = a·R / stab(a + b), both signs of the sum', async () => {
    // a = x = [2, −1] (identity dense), b = diag(−0.5, 3)·x = [−1, −3]; a + b = [1, −4]; R0 = [1, 2].
    const layers: Layer[] = [
      linearLayer(2, 2, Float64Array.from([1, 0, 0, 1]), new Float64Array(2)),
      { ...linearLayer(2, 2, Float64Array.from([-0.5, 0, 0, 3]), new Float64Array(2)), from: [-1] },
      { kind: 'add', from: [0, 1] },
    ];
    const c: Case = { model: { layers }, x: [2, -1], inShape: [2], r0: [1, 2] };
    for (const backend of ['js', 'wasm'] as const) {
      const ex = await createExplainer(c.model, { backend, canonize: false });
      const out = ex.explain({ data: Float64Array.from(c.x), shape: [1, 2] }, { compat: 'zennit', allLayers: true, initial: { data: Float64Array.from(c.r0), shape: [1, 2] } });
      expectClose(out.layers![1]!.data, [(2 * 1) / st(1), (-1 * 2) / st(-4)], tolerance[backend]);
      expectClose(out.layers![2]!.data, [(-1 * 1) / st(1), (-3 * 2) / st(-4)], tolerance[backend]);
      ex.dispose();
    }
  });
});

describe('compat zennit for methods: PyTorch-style max-pool ties', () => {
  // The input straight into a max pool: windows [0, 0] and [5, 5] carry a gradient at tied maxima.
  const c: Case = { model: { layers: [poolLayer('maxpool', [1, 2], [1, 2])] }, x: [0, 0, 5, 5], inShape: [1, 4, 1], r0: [3, 2], outShape: [1, 2, 1] };
  for (const method of ['gradient', 'gradient-x-input', 'deconvnet', 'guided-backprop'] as const) {
    it(`${method}: each window's signal to its first maximum (the toolbox splits it)`, async () => {
      const times = method === 'gradient-x-input' ? [0, 0, 5, 5] : [1, 1, 1, 1];
      for (const backend of ['js', 'wasm'] as const) {
        expectClose(await relevance(c, { method, compat: 'zennit' }, backend), [3, 0, 2, 0].map((v, i) => v * times[i]!), 0);
      }
      expectClose(await relevance(c, { method }), [1.5, 1.5, 1, 1].map((v, i) => v * times[i]!), 0);
    });
  }

  it('integrated gradients and global max pooling too', async () => {
    const global: Case = { model: { layers: [{ kind: 'globalmaxpool' }] }, x: [5, 1, 5, 5], inShape: [2, 2, 1], r0: [2] };
    // f = max(x) is homogeneous: every path point has the same tied maxima; IG = x ⊙ gradient.
    expectClose(await relevance(global, { method: 'integrated-gradients', steps: 4, compat: 'zennit' }), [10, 0, 0, 0], 1e-12);
    expectClose(await relevance(global, { method: 'integrated-gradients', steps: 4 }), [10 / 3, 0, 10 / 3, 10 / 3], 1e-12);
  });
});

describe('compat zennit for methods: integrated gradients by the right-hand sum', () => {
  it('α = k/n (Zennit) instead of the midpoints (k − ½)/n', async () => {
    // f(x) = tanh(x), x = 1.5, R0 = 1, n = 2 steps: IG = x·(f'(α₁x) + f'(α₂x))/2, f' = 1 − tanh².
    const d = (v: number): number => 1 - Math.tanh(v) ** 2;
    const c: Case = { model: { layers: [linearLayer(1, 1, Float64Array.from([1]), new Float64Array(1)), { kind: 'tanh' }] }, x: [1.5], inShape: [1], r0: [1] };
    const ig = (compat?: 'zennit') => relevance(c, { method: 'integrated-gradients', steps: 2, ...(compat ? { compat } : {}) });
    expectClose(await ig('zennit'), [(1.5 * (d(0.75) + d(1.5))) / 2], 1e-12);
    expectClose(await ig(), [(1.5 * (d(0.375) + d(1.125))) / 2], 1e-12);
  });

  it("without steps: Zennit's 20 (lrpjs's own default is 32), and the cost estimate counts them", async () => {
    const d = (v: number): number => 1 - Math.tanh(v) ** 2;
    const c: Case = { model: { layers: [linearLayer(1, 1, Float64Array.from([1]), new Float64Array(1)), { kind: 'tanh' }] }, x: [1.5], inShape: [1], r0: [1] };
    const mean = (n: number, at: (k: number) => number): number => Array.from({ length: n }, (_, k) => d(at(k) * 1.5)).reduce((a, b) => a + b, 0) / n;
    expectClose(await relevance(c, { method: 'integrated-gradients', compat: 'zennit' }), [1.5 * mean(20, (k) => (k + 1) / 20)], 1e-12);
    expectClose(await relevance(c, { method: 'integrated-gradients' }), [1.5 * mean(32, (k) => (k + 0.5) / 32)], 1e-12);
    // One forward pass costs 2 here: 2·(1 + 2·20) = 82 fits in 100, 2·(1 + 2·32) = 130 does not.
    const ex = await createExplainer(c.model, { backend: 'js' });
    const x = { data: Float64Array.from(c.x), shape: [1, 1] };
    expect(ex.explain(x, { method: 'integrated-gradients', compat: 'zennit', maxCost: 100 }).relevance.data.length).toBe(1);
    expect(() => ex.explain(x, { method: 'integrated-gradients', maxCost: 100 })).toThrow(/costs about 130 multiply-adds/);
    ex.dispose();
  });
});
