import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import { readNpy } from '../src/io/npy.js';
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

describe('ONNX import: initializer element types and storage', () => {
  // Values exact in float16 and bfloat16 (multiples of 1/8 up to 2), so every type reads the same numbers.
  const exact = (n: number) => Float32Array.from({ length: n }, (_, k) => ((k % 17) - 8) / 8);
  const graph = (type: number, raw: boolean) => ({
    input: { name: 'x', dims: ['N', 2, 4, 4] },
    output: { name: 'y' },
    initializers: { w: { dims: [3, 2, 3, 3], data: exact(54), type, raw }, b: { dims: [3], data: [0.5, -0.25, 1], type, raw }, wl: { dims: [12, 2], data: exact(24), type, raw } },
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'] },
      { op: 'Flatten', inputs: ['c'], outputs: ['f'] },
      { op: 'MatMul', inputs: ['f', 'wl'], outputs: ['y'] },
    ],
  });

  it('float16, bfloat16 and float64 initializers, raw or in the typed fields, read as the float32 ones', async () => {
    const ref = await loadModel(onnxBytes(graph(1, true)));
    for (const [type, raw] of [[1, false], [10, true], [10, false], [11, true], [11, false], [16, true]] as const) {
      expect(await loadModel(onnxBytes(graph(type, raw))), `type ${type} raw ${raw}`).toEqual(ref);
    }
    expect(Array.from((ref.layers[0] as { bias: Float64Array }).bias)).toEqual([0.5, -0.25, 1]);
  });
});

describe('ONNX import: a model torch.onnx.export wrote', () => {
  it("dwcnn.onnx (residual, depthwise, ReLU6, concat, global pools; opset 13, dynamic batch) gives PyTorch's float64 logits", async () => {
    const dir = new URL('./fixtures/zennit/', import.meta.url);
    const model = await loadModel(new URL('dwcnn.onnx', dir));
    const x = readNpy(readFileSync(new URL('dwcnn.input.npy', dir)));
    const y = readNpy(readFileSync(new URL('dwcnn.output.npy', dir)));
    const ex = await createExplainer(model, { backend: 'js' });
    const out = ex.forward({ data: Float64Array.from(x.data as Float64Array), shape: x.shape }).output;
    expect(out.shape).toEqual(y.shape);
    expect(maxAbsDiff(out.data, Array.from(y.data as Float64Array))).toBeLessThan(1e-12);
    expect(model.layers.find((l) => l.kind === 'depthwiseconv2d')?.name).toBe('/dw/Conv');
  });
});
