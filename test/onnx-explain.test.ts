import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import type { Model } from '../src/model/layers.js';
import { nchwToNhwc, nhwcToNchw } from '../src/model/layout.js';
import { onnxBytes } from './support/onnx-builder.js';
import { type OnnxCase, onnxCases } from './support/onnx-cases.js';
import { gaussian } from './support/random-model.js';

const cases = onnxCases();

function input(c: OnnxCase, seed: number, batch = c.dims[0]!): { data: Float64Array; shape: number[] } {
  const r = gaussian(seed);
  const shape = [batch, ...c.dims.slice(1)];
  return { data: Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => r()), shape };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function load(c: OnnxCase): Promise<Model> {
  return loadModel({ bytes: onnxBytes(c.graph), name: `${c.name}.onnx` });
}

const requests = [
  { rule: 'epsilon' },
  { rule: 'alphabeta' },
  { rule: 'flat' },
  { rule: 'zplus' },
  { composite: 'EpsilonPlusFlat' },
  { method: 'gradient' },
  { method: 'guided-backprop' },
] as const;

describe('imported ONNX models explain alike on js (float64) and wasm (float32)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const model = await load(c);
    const js = await createExplainer(model, { backend: 'js' });
    const wasm = await createExplainer(model, { backend: 'wasm' });
    const x = input(c, 31);
    for (const req of requests) {
      const a = js.explain(x, req).relevance;
      const b = wasm.explain(x, req).relevance;
      expect(b.shape, JSON.stringify(req)).toEqual(a.shape);
      expect(maxAbsDiff(a.data, b.data), JSON.stringify(req)).toBeLessThanOrEqual(1e-3 * Math.max(1, maxAbs(a.data)));
    }
    js.dispose();
    wasm.dispose();
  });
});

describe('gradient of imported models = central finite differences (js, float64)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const model = await load(c);
    const ex = await createExplainer(model, { backend: 'js', keepSoftmax: true });
    const x = input(c, 47, 1);
    const target = 1;
    // The seed one-hot (not the default y_target), so the result is the gradient itself.
    const out = ex.forward(x);
    const onehot = { data: Float64Array.from(out.output.data, (_, k) => (k === target ? 1 : 0)), shape: out.output.shape };
    out.dispose();
    const g = ex.explain(x, { method: 'gradient', initial: onehot }).relevance;
    expect(g.shape).toEqual(x.shape);
    const f = (d: Float64Array): number => {
      const p = ex.forward({ data: d, shape: x.shape });
      const v = p.output.data[target]!;
      p.dispose();
      return v;
    };
    const h = 1e-6;
    let worst = 0;
    for (let k = 0; k < x.data.length; k += Math.max(1, Math.floor(x.data.length / 60))) {
      const up = Float64Array.from(x.data);
      const down = Float64Array.from(x.data);
      up[k]! += h;
      down[k]! -= h;
      worst = Math.max(worst, Math.abs((f(up) - f(down)) / (2 * h) - g.data[k]!));
    }
    expect(worst).toBeLessThan(1e-5 * Math.max(1, maxAbs(g.data)));
  });
});

describe('NCHW at the boundary: an ONNX model explains as the same nodes on NHWC data', () => {
  it('relevance, output, initial and allLayers come back NCHW; the nodes run NHWC', async () => {
    const c = cases[3]!; // residual block: convolutions, concat, global pool
    const model = await load(c);
    const { inputLayout: _, ...nhwcModel } = model;
    const onnxEx = await createExplainer(model, { backend: 'js' });
    const nhwcEx = await createExplainer(nhwcModel, { backend: 'js' });
    const x = input(c, 5);
    const a = onnxEx.explain(x, { rule: 'epsilon', allLayers: true });
    const b = nhwcEx.explain(nchwToNhwc(x), { rule: 'epsilon', allLayers: true });
    expect(a.relevance.shape).toEqual(x.shape);
    expect(Array.from(a.relevance.data)).toEqual(Array.from(nhwcToNchw(b.relevance).data));
    expect(Array.from(a.output.data)).toEqual(Array.from(b.output.data));
    a.layers!.forEach((t, i) => {
      const u = b.layers![i]!;
      if (u.shape.length === 4) {
        expect(t.shape).toEqual([u.shape[0], u.shape[3], u.shape[1], u.shape[2]]);
        expect(Array.from(t.data)).toEqual(Array.from(nhwcToNchw(u).data));
      } else expect(t).toEqual(u);
    });
    // An NHWC input to an NCHW model is refused with the shape it wants.
    expect(() => onnxEx.explain(nchwToNhwc(x))).toThrow(/NCHW/);
    expect(() => onnxEx.explain({ data: x.data.subarray(0, 108), shape: [1, 108] })).toThrow(/\[N, C, H, W\]/);
  });

  it('nchwToNhwc and nhwcToNchw are inverse permutations', () => {
    const t = { data: Float64Array.from({ length: 2 * 3 * 4 * 5 }, (_, k) => k), shape: [2, 3, 4, 5] };
    const u = nchwToNhwc(t);
    expect(u.shape).toEqual([2, 4, 5, 3]);
    expect(u.data[1]).toBe(20); // (n0, h0, w0, c1) = NCHW (0, 1, 0, 0) = 1·4·5
    expect(nhwcToNchw(u)).toEqual(t);
  });
});
