import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend, init } from '../src/backends/index.js';
import { WasmOps, wasmBytes } from '../src/backends/wasm/index.js';
import { createExplainer } from '../src/explainer.js';
import type { Padding } from '../src/model/layers.js';
import { projectRoot } from './fixtures.js';
import { built, itWith } from './support/requirements.js';
import { type CnnOptions, randomCnn, randomInput, randomMlp, relError } from './support/random-model.js';

const rulesToCheck = ['simple', 'epsilon=0.1', 'alphabeta=2', 'alphabeta=1,0', 'flat', 'ww', 'zplus', 'zbox=-3,3', 'gamma=0.25'];
const methods = ['gradient', 'gradient-x-input', 'sensitivity', 'deconvnet', 'guided-backprop'];
const pools = ['sumpool', 'avgpool', 'maxpool'] as const;
const activations = ['relu', 'tanh', 'sigmoid'] as const;
const paddings: Padding[] = ['valid', 'same', [1, 0, 0, 2]];

/** Seeded grid of random CNNs over every pool, activation, stride and padding. */
const models: [string, CnnOptions][] = [];
for (let i = 0; i < 9; i++) {
  const o: CnnOptions = { pool: pools[i % 3], activation: activations[Math.floor(i / 3)], stride: 1 + (i % 2), padding: paddings[(i + Math.floor(i / 3)) % 3], softmax: i % 4 === 0 };
  models.push([`${o.pool}/${o.activation}/stride ${o.stride}/padding ${JSON.stringify(o.padding)}`, o]);
}

describe('wasm backend equals the js backend (float32 vs float64) on random models', () => {
  it.each(models)('%s: every rule and method within 1e-4', async (_, o) => {
    const seed = models.findIndex((m) => m[1] === o) + 100;
    const { model, inShape } = randomCnn(seed, o);
    const js = await createExplainer(model, { backend: 'js', keepSoftmax: o.softmax });
    const wasm = await createExplainer(model, { backend: 'wasm', keepSoftmax: o.softmax });
    const x = randomInput(seed + 1, 3, inShape);
    const pj = js.forward(x);
    const pw = wasm.forward(x);
    expect(relError(pw.output.data, pj.output.data)).toBeLessThan(1e-5);
    const specs = [
      ...rulesToCheck.map((rule) => ({ rule })),
      ...methods.map((method) => ({ method })),
      { composite: 'EpsilonGammaBox', compositeOptions: { low: -3, high: 3 } },
      { formula: { code: 102, auxLayer: 0 } },
      { rule: 'epsilon=0.01', layerRules: { 0: 'ww', 3: 'alphabeta=2' } },
      // Zennit's definitions (stabiliser 1e-6 everywhere, γ masked by the sign of z, first-maximum ties).
      ...rulesToCheck.map((rule) => ({ rule, compat: 'zennit' as const })),
      { composite: 'EpsilonGammaBox', compositeOptions: { low: -3, high: 3 }, compat: 'zennit' as const },
      { composite: 'EpsilonAlpha2Beta1Flat', compat: 'zennit' as const },
      ...methods.map((method) => ({ method, compat: 'zennit' as const })),
    ];
    for (const spec of specs) {
      const rj = pj.explain(spec).relevance.data;
      const rw = pw.explain(spec).relevance.data;
      expect(rw).toBeInstanceOf(Float32Array);
      // LRP-0 and γ have (almost) no stabiliser: float32 rounding of z is amplified by 1/|z| where
      // a denominator comes close to 0 on these random mixed-sign models, so they (and EpsilonGammaBox,
      // γ on every convolution) get 3e-3.
      const unstabilised = ('rule' in spec && /^(simple|gamma)/.test(String(spec.rule)) && !('layerRules' in spec)) || 'compositeOptions' in spec;
      expect(relError(rw, rj), JSON.stringify(spec)).toBeLessThan(unstabilised ? 3e-3 : 1e-4);
    }
    pj.dispose();
    pw.dispose();
  });

  it('integrated gradients and smoothgrad agree across backends', async () => {
    const model = randomMlp(31, [6, 8, 4]);
    const x = randomInput(32, 2, [6]);
    const [js, wasm] = await Promise.all([createExplainer(model, { backend: 'js' }), createExplainer(model, { backend: 'wasm' })]);
    for (const spec of [{ method: 'integrated-gradients', steps: 16 }, { method: 'smoothgrad', samples: 8, seed: 5 }]) {
      expect(relError(wasm.explain(x, spec).relevance.data, js.explain(x, spec).relevance.data)).toBeLessThan(1e-4);
    }
  });
});

describe('wasm backend selection and builds', () => {
  it("'auto' chooses wasm", async () => {
    expect((await createExplainer(randomMlp(1, [2, 2]))).backend).toBe('wasm');
  });

  it('init({module}) adopts a precompiled WebAssembly.Module (runtimes that forbid compiling bytes)', async () => {
    const module = await WebAssembly.compile(wasmBytes(false) as BufferSource);
    expect(await init({ module })).toBe(module);
    const ops = (await createBackend('wasm')) as WasmOps;
    expect(ops.simd).toBe(false);
    const model = randomMlp(61, [3, 4, 2]);
    const x = randomInput(62, 2, [3]);
    const js = await createExplainer(model, { backend: 'js' });
    expect(relError((await createExplainer(model, { backend: ops })).explain(x).relevance.data, js.explain(x).relevance.data)).toBeLessThan(1e-5);
    await init(); // back to the default build for the other tests
    expect(((await createBackend('wasm')) as WasmOps).simd).toBe(true);
  });

  itWith(built('lrp-simd.wasm'), 'the shipped dist/lrp-*.wasm files are the embedded builds', async () => {
    for (const build of ['relaxed', 'simd', 'scalar'] as const) {
      const file = readFileSync(join(projectRoot, 'dist', `lrp-${build}.wasm`));
      expect(Buffer.from(wasmBytes(build)).equals(file)).toBe(true);
    }
  });

  it('the scalar build gives the same relevance as the SIMD build', async () => {
    const { model, inShape } = randomCnn(41, { pool: 'maxpool', padding: 'same' });
    const x = randomInput(42, 4, inShape);
    const simd = await createExplainer(model, { backend: await WasmOps.create({ simd: true }) });
    const scalar = await createExplainer(model, { backend: await WasmOps.create({ simd: false }) });
    for (const rule of ['epsilon=0.1', 'alphabeta=2', 'flat']) {
      expect(Array.from(scalar.explain(x, { rule }).relevance.data)).toEqual(Array.from(simd.explain(x, { rule }).relevance.data));
    }
  });

  it('uploads the model at creation and grows memory at most once in a run sized by the plan', async () => {
    const ops = (await createBackend('wasm')) as WasmOps;
    const { model, inShape } = randomCnn(71, { pool: 'maxpool' });
    const ex = await createExplainer(model, { backend: ops });
    const uploaded = ops.memoryStats();
    expect(uploaded.paramUsed).toBeGreaterThan(0);
    const x = randomInput(72, 64, inShape);
    ex.explain(x, { rule: 'epsilon=0.1' });
    const first = ops.memoryStats();
    expect(first.grows - uploaded.grows).toBeLessThanOrEqual(1);
    for (let i = 0; i < 5; i++) ex.explain(x, { rule: 'epsilon=0.1' });
    expect(ops.memoryStats().grows).toBe(first.grows);
  });

  it('many explanations of one forward pass run in constant memory', async () => {
    const ops = (await createBackend('wasm')) as WasmOps;
    const ex = await createExplainer(randomMlp(81, [32, 16, 4]), { backend: ops });
    const pass = ex.forward(randomInput(82, 8, [32]));
    pass.explain({ rule: 'alphabeta=2' });
    const arena = ops.memoryStats().arenaUsed;
    for (let i = 0; i < 1000; i++) pass.explain({ rule: 'alphabeta=2', target: i % 4 });
    expect(ops.memoryStats().arenaUsed).toBe(arena);
    pass.dispose();
    expect(ops.memoryStats().arenaUsed).toBe(0);
  });

  it('10,000 explain calls leave wasm memory where it was', async () => {
    const ops = (await createBackend('wasm')) as WasmOps;
    const model = randomMlp(51, [16, 12, 4]);
    const ex = await createExplainer(model, { backend: ops });
    const x = randomInput(52, 2, [16]);
    ex.explain(x, { rule: 'epsilon=0.01' });
    ex.explain(x, { rule: 'alphabeta=2' }); // uploads the W+/W- variants once
    const before = ops.memoryStats();
    for (let i = 0; i < 10_000; i++) ex.explain(x, { rule: i % 2 ? 'epsilon=0.01' : 'alphabeta=2' });
    const after = ops.memoryStats();
    expect(after.memoryBytes).toBe(before.memoryBytes);
    expect(after.arenaUsed).toBe(0);
    expect(after.paramUsed).toBe(before.paramUsed);
    expect(after.grows).toBe(before.grows);
    ex.dispose();
    expect(ops.memoryStats().paramUsed).toBe(0);
  });
});

describe('sampling methods in bounded memory', () => {
  it('integrated gradients with many steps releases each step on wasm', async () => {
    const ops = (await createBackend('wasm')) as WasmOps;
    const ex = await createExplainer(randomMlp(91, [64, 64, 4]), { backend: ops });
    const x = randomInput(92, 16, [64]);
    ex.explain(x, { method: 'integrated-gradients', steps: 4 });
    const small = ops.memoryStats();
    ex.explain(x, { method: 'integrated-gradients', steps: 400 });
    expect(ops.memoryStats().memoryBytes).toBe(small.memoryBytes);
    expect(ops.memoryStats().arenaHighWater).toBe(small.arenaHighWater);
  });
});
