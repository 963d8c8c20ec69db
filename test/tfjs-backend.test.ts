import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/backends/index.js';
import { LrpError } from '../src/errors.js';
import { createExplainer } from '../src/explainer.js';
import { linearLayer } from '../src/model/build.js';
import { expectLrpError } from './support/expect-error.js';
import { mixedGraph } from './support/graph-models.js';
import { gaussian, randomArray, randomCnn, randomInput, randomMlp, relError } from './support/random-model.js';
import { onTfjs, tf, tfjsNodeBackends, useTfjs } from './support/tfjs-node-backends.js';

// The tfjs backend's lifecycle (weights uploaded once, every run tensor freed, dispose gives all
// back) and its choosing (tfjs, gpu, a tf passed in or loaded lazily, and the errors).

async function rejection(p: Promise<unknown>): Promise<LrpError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LrpError);
    return e as LrpError;
  }
  throw new Error('expected a rejection');
}

describe('tfjs backend: tensors and memory', () => {
  for (const device of tfjsNodeBackends) {
    it(`tfjs-${device}: tf.memory().numTensors is unchanged after 100 explanations and back to the start after dispose()`, async () => {
      await useTfjs(device);
      const start = tf.memory().numTensors;
      const { model, inShape } = mixedGraph(31, { pool: 'globalmaxpool' });
      const ex = await onTfjs(device, model);
      // weights and biases uploaded once at creation: 6 weighted nodes and a BatchNorm folded into its conv
      const uploaded = tf.memory().numTensors;
      expect(uploaded - start).toBe(10);
      const x = randomInput(32, 2, inShape);
      const specs = [{ rule: 'epsilon=0.1' }, { rule: 'alphabeta=2' }, { rule: 'zbox=-3,3' }, { method: 'gradient' }, { method: 'guided-backprop', allLayers: true }];
      for (const spec of specs) ex.explain(x, spec); // the rule variants (W⁺, W⁻, ...) are uploaded on first use
      const warm = tf.memory().numTensors;
      const pass = ex.forward(x);
      for (let i = 0; i < 100; i++) pass.explain(specs[i % specs.length]);
      pass.dispose();
      for (let i = 0; i < 4; i++) ex.explain(x, { method: 'smoothgrad', samples: 2 });
      expect(() => ex.explain(x, { target: 99 })).toThrow(LrpError);
      expect(tf.memory().numTensors).toBe(warm);
      ex.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }, 120_000);
  }

  it('a forward pass keeps its activations until disposed; explanations of it free their own tensors', async () => {
    const { model, inShape } = randomCnn(33, { pool: 'maxpool' });
    const ex = await onTfjs('cpu', model);
    const idle = tf.memory().numTensors;
    const pass = ex.forward(randomInput(34, 2, inShape));
    const open = tf.memory().numTensors;
    expect(open).toBeGreaterThan(idle);
    pass.explain({ rule: 'alphabeta=2' });
    const afterFirst = tf.memory().numTensors; // W⁺ and W⁻ uploaded once
    pass.explain({ rule: 'alphabeta=2' });
    expect(tf.memory().numTensors).toBe(afterFirst);
    pass.dispose();
    expect(tf.memory().numTensors).toBe(idle + (afterFirst - open));
    ex.dispose();
  });

  it('a NaN or infinity is E_NUMERIC naming the layer, and frees what the run made', async () => {
    const model = { layers: [linearLayer(2, 2, Float64Array.from([3e38, 3e38, 3e38, 3e38]), new Float64Array(2)), linearLayer(2, 1, new Float64Array([1, 1]), new Float64Array(1))] };
    const ex = await onTfjs('cpu', model);
    const before = tf.memory().numTensors;
    expectLrpError(() => ex.explain({ data: new Float64Array([1, 1]), shape: [1, 2] }), 'E_NUMERIC', /^layer 0 \(Linear\): the forward pass produced Infinity/);
    expect(tf.memory().numTensors).toBe(before);
    ex.dispose();
  });

  it('runs on its own tfjs backend even where the caller switched tfjs to another meanwhile', async () => {
    const model = randomMlp(35, [5, 4, 3]);
    const x = randomInput(36, 2, [5]);
    const ex = await onTfjs('wasm', model);
    await useTfjs('cpu');
    const r = ex.explain(x, { rule: 'epsilon=0.1' }).relevance.data;
    expect(tf.getBackend()).toBe('wasm');
    const js = await createExplainer(model, { backend: 'js' });
    expect(relError(r, js.explain(x, { rule: 'epsilon=0.1' }).relevance.data)).toBeLessThan(1e-5);
    ex.dispose();
  });
});

describe('tfjs backend: choosing', () => {
  it("'tfjs' with a tf passed in runs on its active backend and says so", async () => {
    await useTfjs('cpu');
    const ex = await createExplainer(randomMlp(37, [3, 2]), { backend: 'tfjs', tf });
    expect(ex.backend).toBe('tfjs');
    expect(ex.backendInfo).toEqual({ backend: 'tfjs', device: 'cpu', reason: "backend 'tfjs': the active backend of the tf passed in" });
    ex.dispose();
  });

  it("'tfjs' without tf loads @tensorflow/tfjs-core lazily and picks the first installed of wasm, cpu (Node)", async () => {
    const ex = await createExplainer(randomMlp(38, [3, 2]), { backend: 'tfjs' });
    expect(ex.backendInfo.device).toBe('wasm');
    expect(ex.backendInfo.reason).toMatch(/tfjs-core loaded by lrpjs, first installed of wasm, cpu/);
    ex.dispose();
  });

  it("'gpu' in Node without a GPU adapter is E_BACKEND naming the adapters looked for", async () => {
    const err = await rejection(createExplainer(randomMlp(39, [3, 2]), { backend: 'gpu', tf }));
    expect(err.code).toBe('E_BACKEND');
    expect(err.message).toMatch(/no GPU found: looked for webgpu \(.+\) and webgl \(no WebGL here/);
    expect(err.message).toMatch(/use backend 'tfjs'/);
  });

  it('a tf that is not TensorFlow.js is E_BACKEND naming the member missing', async () => {
    const fake = { getBackend: () => 'cpu', setBackend: async () => true, ready: async () => {}, memory: () => ({ numTensors: 0 }) };
    const err = await rejection(createBackend('tfjs', { tf: fake }));
    expect(err.code).toBe('E_BACKEND');
    expect(err.message).toMatch(/^tf: not a TensorFlow\.js instance: tf\.tidy is missing/);
  });

  it('other backends report their name and the request', async () => {
    const ex = await createExplainer(randomMlp(40, [3, 2]), { backend: 'js' });
    expect(ex.backendInfo).toEqual({ backend: 'js', device: 'js', reason: "backend 'js' runs on js" });
  });

  it('float32 on the device: a parameter beyond the float32 range is E_NUMERIC at upload, nothing kept', async () => {
    await useTfjs('cpu');
    const before = tf.memory().numTensors;
    const r = gaussian(41);
    const w = randomArray(r, 4);
    w[3] = 1e39;
    const err = await rejection(createExplainer({ layers: [linearLayer(2, 2, w, new Float64Array(2))] }, { backend: 'tfjs', tf }));
    expect(err.code).toBe('E_NUMERIC');
    expect(tf.memory().numTensors).toBe(before);
  });
});
