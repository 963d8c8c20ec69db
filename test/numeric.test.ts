import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { runCli as lrp } from './support/run-cli.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { linearLayer, simpleLayer } from '../src/model/build.js';
import type { Model } from '../src/model/layers.js';
import { expectLrpError } from './support/expect-error.js';
import { randomMlp } from './support/random-model.js';

const f64 = (...v: number[]) => Float64Array.from(v);
const x2 = (a: number, b: number) => ({ data: f64(a, b), shape: [1, 2] });

/** Linear 2→2 (weights `w`), Rect, Linear 2→2 (weights `w`): the second layer overflows when `w²` does. */
function scaledMlp(w: number): Model {
  return { layers: [linearLayer(2, 2, f64(w, 0, 0, w), f64(0, 0)), simpleLayer('relu'), linearLayer(2, 2, f64(w, 0, 0, w), f64(0, 0))] };
}

/** Identity, Rect, then a Linear 2→1 computing x0 − x1: z ≈ 0 for x0 ≈ x1 makes LRP-0 blow up there. */
const cancelling: Model = {
  layers: [linearLayer(2, 2, f64(1, 0, 0, 1), f64(0, 0)), simpleLayer('relu'), linearLayer(2, 1, f64(1, -1), f64(0))],
};

describe('no silent non-finite outputs: E_NUMERIC names the first layer in forward order', () => {
  it('js (float64): weights of 1e200 overflow at the second Linear', async () => {
    const explainer = await createExplainer(scaledMlp(1e200), { backend: 'js' });
    const err = expectLrpError(() => explainer.forward(x2(1, 1)), 'E_NUMERIC', /the forward pass produced Infinity here, at element 0 of sample 0/);
    expect(err.where).toBe('layer 2 (Linear)');
    // the explainer still serves (the failed pass released its scope)
    const ok = await createExplainer(scaledMlp(2), { backend: 'js' });
    expect(Array.from(ok.forward(x2(1, 1)).output.data)).toEqual([4, 4]);
    expect(Array.from(explainer.forward(x2(0, 0)).output.data)).toEqual([0, 0]);
  });

  it('wasm (float32): weights of 1e30 overflow at the second Linear, with a hint at float64', async () => {
    const explainer = await createExplainer(scaledMlp(1e30), { backend: 'wasm' });
    const err = expectLrpError(() => explainer.explain(x2(1, 2)), 'E_NUMERIC', /produced Infinity here.*computes in float32; the js backend's float64 may hold these values/);
    expect(err.where).toBe('layer 2 (Linear)');
    const y = (await createExplainer(scaledMlp(1e30), { backend: 'js' })).explain(x2(1, 2)).output.data;
    expect([y[0] / 1e60, y[1] / 2e60].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 1]);
  });

  it('an activation that hides the overflow further up is still caught where it appeared', async () => {
    // -Infinity after layer 0, which the ReLU maps to 0: the output alone would look fine
    const model: Model = { layers: [linearLayer(2, 1, f64(-1e300, -1e300), f64(0)), simpleLayer('relu')] };
    const explainer = await createExplainer(model, { backend: 'js' });
    expect(expectLrpError(() => explainer.forward(x2(1e10, 1e10)), 'E_NUMERIC', /-Infinity/).where).toBe('layer 0 (Linear)');
  });

  it('wasm: parameters beyond the float32 range are refused at upload, naming the layer and the rule variant', async () => {
    const big: Model = { layers: [linearLayer(2, 1, f64(1, 1e39), f64(0))] };
    expect((await createExplainer(big, { backend: 'js' })).explain(x2(1, 1)).output.data[0]).toBe(1e39 + 1);
    await expect(createExplainer(big, { backend: 'wasm' })).rejects.toMatchObject({ code: 'E_NUMERIC', where: 'layer 0 (Linear)' });
    // w² of the ww rule: 1e20² = 1e40 does not fit float32
    const explainer = await createExplainer({ layers: [linearLayer(2, 1, f64(1, 1e20), f64(0))] }, { backend: 'wasm' });
    const err = expectLrpError(() => explainer.explain(x2(1, 1e-20), { rule: 'ww' }), 'E_NUMERIC', /weight \(square\) element 1 is 1e\+40, beyond the float32 range/);
    expect(err.where).toBe('layer 0 (Linear)');
    expect(explainer.explain(x2(1, 1e-20), { rule: 'epsilon' }).relevance.data.every(Number.isFinite)).toBe(true);
  });
});

describe('no silent non-finite relevances: E_NUMERIC names the first layer of the walk and its rule', () => {
  const x = { data: f64(1, 1 + 2 ** -40), shape: [1, 2] };
  const initial = { data: f64(1e300), shape: [1, 1] };

  it('LRP-0 on a cancelling layer overflows there (layer 2), not further down', async () => {
    const explainer = await createExplainer(cancelling, { backend: 'js' });
    const err = expectLrpError(() => explainer.explain(x, { initial, layerRules: { 0: 'epsilon=0.5' } }), 'E_NUMERIC', /the relevance became -?Infinity here under rule simple \(method lrp\)/);
    expect(err.where).toBe('layer 2 (Linear)');
    // ε absorbs it
    expect(explainer.explain(x, { initial, rule: 'epsilon=1' }).relevance.data.every(Number.isFinite)).toBe(true);
  });

  it('the gradient family is checked too', async () => {
    const explainer = await createExplainer({ layers: [linearLayer(2, 1, f64(1e300, 1e300), f64(0))] }, { backend: 'js' });
    const err = expectLrpError(() => explainer.explain(x2(1e-300, 1e-300), { initial: { data: f64(1e300), shape: [1, 1] }, method: 'gradient' }), 'E_NUMERIC', /under method gradient/);
    expect(err.where).toBe('layer 0 (Linear)');
  });

  it('a product overflowing after the walk (gradient × input in float32) is named by method', async () => {
    const explainer = await createExplainer({ layers: [linearLayer(1, 1, f64(1e20), f64(0))] }, { backend: 'wasm' });
    const err = expectLrpError(() => explainer.explain({ data: f64(1e18), shape: [1, 1] }, { initial: { data: f64(1e10), shape: [1, 1] }, method: 'gradient-x-input' }), 'E_NUMERIC', /method gradient-x-input gave Infinity at element 0 in float32/);
    expect(err.where).toBe('relevance');
  });

  it('allowNonFinite hands the values back instead', async () => {
    const explainer = await createExplainer(cancelling, { backend: 'js', allowNonFinite: true });
    const r = explainer.explain(x, { initial });
    expect(Array.from(r.relevance.data).some((v) => !Number.isFinite(v))).toBe(true);
    const overflow = await createExplainer(scaledMlp(1e200), { backend: 'js', allowNonFinite: true });
    expect(overflow.forward(x2(1, 1)).output.data[0]).toBe(Infinity);
  });

  it('finite models are unaffected (a random MLP explains on both backends)', async () => {
    for (const backend of ['js', 'wasm'] as const) {
      const r = (await createExplainer(randomMlp(3, [5, 4, 3]), { backend })).explain({ data: new Float64Array(10).fill(0.5), shape: [2, 5] }, { rule: 'alphabeta=2' });
      expect(Array.from(r.relevance.data).every(Number.isFinite)).toBe(true);
    }
  });
});

describe('the CLI: float32 overflow and budgets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lrpjs-numeric-'));
  const model = join(dir, 'big.txt');
  writeFileSync(model, writeTextModel({ layers: [linearLayer(1, 2, f64(1e300, 1), f64(0, 0))] }));
  const input = join(dir, 'x.npy');
  writeFileSync(input, writeNpy({ dtype: 'float64', data: f64(1, 2), shape: [2, 1] }));

  it('values finite in float64 but beyond float32 are E_NUMERIC suggesting --dtype f64 (nothing written)', async () => {
    const out = join(dir, 'y.npy');
    const r = await lrp('forward', '--model', model, '--input', input, '--backend', 'js', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`lrp: E_NUMERIC ${out}: element 0 is 1e+300, beyond the float32 range: write it with --dtype f64\n`);
    const e = await lrp('explain', '--model', model, '--input', input, '--backend', 'js', '--out', join(dir, 'r.mat'), '--target', '0');
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/^lrp: E_NUMERIC .*r\.mat: element \d+ is .*--dtype f64\n$/);
    expect((await lrp('forward', '--model', model, '--input', input, '--backend', 'js', '--out', out, '--dtype', 'f64')).code).toBe(0);
    expect(Array.from(readNpy(readFileSync(out)).data as Float64Array)).toEqual([1e300, 1, 2e300, 2]);
  });

  it('--max-cost and --max-memory refuse with the figures; bad values are E_USAGE', async () => {
    const r = await lrp('explain', '--model', model, '--input', input, '--backend', 'js', '--max-cost', '10');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lrp: E_RANGE --max-cost: an explanation by lrp with its forward pass costs about 18 multiply-adds per sample .* over the cost limit of 10: raise --max-cost to run it\n$/);
    const m = await lrp('forward', '--model', model, '--input', input, '--backend', 'js', '--max-memory', '1K');
    expect(m.err).toMatch(/^lrp: E_RANGE --max-memory: a batch of 2 needs .* over the memory limit of 1.00 KiB \(1024 bytes\)/);
    expect((await lrp('forward', '--model', model, '--input', input, '--backend', 'js', '--max-memory', '1G', '--max-cost', 'inf', '--out', join(dir, 'z.npy'), '--dtype', 'f64')).code).toBe(0);
    const wasm = await lrp('forward', '--model', model, '--input', input);
    expect(wasm.err).toMatch(/^lrp: E_NUMERIC layer 0 \(Linear\): weight \(id\) element 0 is 1e\+300, beyond the float32 range of the wasm backend \(use the js backend, float64\)\n$/);
    const bad = await lrp('forward', '--model', model, '--input', input, '--max-memory', 'lots');
    expect(bad.err).toMatch(/^lrp: E_USAGE --max-memory needs a positive number of bytes/);
    const train = await lrp('train', '--arch', 'linear100000000', '--input', input, '--labels', input, '--out', join(dir, 'm.txt'));
    expect(train.code).toBe(2);
    expect(train.err).toMatch(/^lrp: E_RANGE --max-memory: a batch of 1 needs [0-9.]+ GiB .* over the memory limit of 2.00 GiB/);
  });
});
