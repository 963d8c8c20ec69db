import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import type { Model } from '../src/model/layers.js';
import { windowCounts } from '../src/engine/window-counts.js';
import { windowGeometry } from '../src/model/shapes.js';

const backends = ['js', 'wasm'] as const;

describe('avgpool with excludePadding (ONNX count_include_pad = 0), by hand', () => {
  // x = [[1, 2], [3, 4]], window 2x2, stride 1, one pixel of padding on every side: a 3x3 output.
  const model: Model = { layers: [{ kind: 'avgpool', pool: [2, 2], stride: [1, 1], padding: [1, 1, 1, 1], excludePadding: true }, { kind: 'flatten' }] };
  const x = { data: Float64Array.from([1, 2, 3, 4]), shape: [1, 2, 2, 1] };
  const y = [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4];

  it('counts the inside elements of each window', () => {
    expect(Array.from(windowCounts(windowGeometry([2, 2, 1], [2, 2], [1, 1], [1, 1, 1, 1], 'test')))).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });

  it.each(backends)('%s: forward, gradient and LRP-0', async (backend) => {
    const ex = await createExplainer(model, { backend });
    const out = ex.forward(x);
    expect(Array.from(out.output.data)).toEqual(y);
    out.dispose();
    // LRP-0 with R_j = y_j: R_i = Σ_j x_i / n_j over the windows j holding i; x00 is in windows of 1, 2, 2 and 4 elements.
    const r = ex.explain(x, { rule: 'simple', initial: { data: Float64Array.from(y), shape: [1, 9] } }).relevance.data;
    const share = 1 + 0.5 + 0.5 + 0.25;
    expect(Array.from(r, (v) => Number(v.toFixed(5)))).toEqual([1, 2, 3, 4].map((v) => v * share));
    expect(Array.from(r).reduce((a, b) => a + b, 0)).toBeCloseTo(y.reduce((a, b) => a + b, 0), 4);
    // The gradient of y_j is 1/n_j on each element of window j.
    const g = ex.explain(x, { method: 'gradient', initial: { data: Float64Array.from([0, 0, 0, 0, 1, 0, 0, 0, 1]), shape: [1, 9] } }).relevance.data;
    expect(Array.from(g)).toEqual([0.25, 0.25, 0.25, 1.25]);
  });

  it('counting the padding (the default) divides by the whole window instead', async () => {
    const counted: Model = { layers: [{ ...model.layers[0]!, excludePadding: false } as Model['layers'][number], { kind: 'flatten' }] };
    const ex = await createExplainer(counted, { backend: 'js' });
    expect(Array.from(ex.forward(x).output.data)).toEqual(y.map((v, j) => (v * [1, 2, 1, 2, 4, 2, 1, 2, 1][j]!) / 4));
  });
});

describe('leakyrelu, by hand', () => {
  const model: Model = { layers: [{ kind: 'leakyrelu', alpha: 0.1 }] };
  const x = { data: Float64Array.from([-2, 0, 3, -0.5]), shape: [1, 4] };

  it.each(backends)('%s: forward x⁺ + alpha·x⁻, gradient alpha below 0, relevance passed on', async (backend) => {
    const ex = await createExplainer(model, { backend });
    expect(Array.from(ex.forward(x).output.data, (v) => Number(v.toFixed(6)))).toEqual([-0.2, 0, 3, -0.05]);
    const ones = { data: Float64Array.from([1, 1, 1, 1]), shape: [1, 4] };
    expect(Array.from(ex.explain(x, { method: 'gradient', initial: ones }).relevance.data, (v) => Number(v.toFixed(6)))).toEqual([0.1, 0.1, 1, 0.1]);
    const R = { data: Float64Array.from([1, 2, 3, 4]), shape: [1, 4] };
    expect(Array.from(ex.explain(x, { rule: 'epsilon', initial: R }).relevance.data)).toEqual([1, 2, 3, 4]);
  });
});
