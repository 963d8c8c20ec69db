import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import type { Model } from '../src/model/layers.js';
import { onnxBytes, ortForward } from './support/onnx-builder.js';
import { type OnnxCase, onnxCases } from './support/onnx-cases.js';
import { gaussian } from './support/random-model.js';

const cases = onnxCases();

function input(c: OnnxCase, seed: number): Float64Array {
  const r = gaussian(seed);
  // float32-representable values, so lrpjs (float64) and onnxruntime (float32) see the same input.
  return Float64Array.from(Float32Array.from({ length: c.dims.reduce((p, d) => p * d, 1) }, () => r()));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('ONNX import: forward = onnxruntime-web (wasm EP, float32)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const bytes = onnxBytes(c.graph);
    const model = await loadModel(bytes);
    const x = input(c, 5);
    const explainer = await createExplainer(model, { backend: 'js', keepSoftmax: true });
    const pass = explainer.forward({ data: x, shape: [...c.dims] });
    const ref = await ortForward(bytes, c.graph.input.name, x, c.dims);
    expect(pass.output.shape).toEqual([...ref.dims]);
    expect(pass.output.data.length).toBe(ref.data.length);
    const scale = Math.max(1, ...Array.from(ref.data, Math.abs));
    expect(maxAbsDiff(pass.output.data, ref.data)).toBeLessThanOrEqual(1e-5 * scale);
    pass.dispose();
  });
});

describe('ONNX import: the model', () => {
  it('keeps node names, NCHW layout and the declared input shape', async () => {
    const model: Model = await loadModel({ bytes: onnxBytes(cases[0]!.graph), name: 'cnn.onnx' });
    expect(model.inputLayout).toBe('nchw');
    expect(model.inputShape).toEqual([8, 8, 3]);
    expect(model.layers.map((l) => l.name)).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'flatten', 'fc', 'softmax']);
    expect(model.layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'maxpool', 'conv2d', 'flatten', 'linear', 'softmax']);
  });
});
