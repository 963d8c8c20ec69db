import { describe, expect, it, vi } from 'vitest';
import { createBackend } from '../src/backends/index.js';
import { type Explainer, createExplainer } from '../src/explainer.js';
import { linearLayer, simpleLayer } from '../src/model/build.js';
import type { Model } from '../src/model/layers.js';
import { expectLrpError } from './support/expect-error.js';
import { randomCnn, randomInput } from './support/random-model.js';
import { onTfjs, tf, tfjsNodeBackends, useTfjs } from './support/tfjs-node-backends.js';

// On the tfjs backend the engine's checks fold into one value per pass kept on the device (no
// readback between layers), and still name the first layer (and rule) where a NaN or ±Infinity
// appeared, exactly as the wasm backend does with a readback per layer.

const f64 = (...v: number[]) => Float64Array.from(v);
const x2 = (a: number, b: number) => ({ data: f64(a, b), shape: [1, 2] });
const scaledMlp = (w: number): Model => ({ layers: [linearLayer(2, 2, f64(w, 0, 0, w), f64(0, 0)), simpleLayer('relu'), linearLayer(2, 2, f64(w, 0, 0, w), f64(0, 0))] });
const cancelling: Model = { layers: [linearLayer(2, 2, f64(1, 0, 0, 1), f64(0, 0)), simpleLayer('relu'), linearLayer(2, 1, f64(1, -1), f64(0))] };

/** The error of `f` on the wasm backend and on the tfjs backend over `device`: code, where and message. */
async function bothErrors(device: (typeof tfjsNodeBackends)[number], model: Model, f: (ex: Explainer) => unknown) {
  const wasm = expectLrpError(() => f(awaitedWasm.get(model)!), 'E_NUMERIC');
  const ex = await onTfjs(device, model);
  const err = expectLrpError(() => f(ex), 'E_NUMERIC');
  ex.dispose();
  return { wasm, tfjs: err };
}
const awaitedWasm = new Map<Model, Explainer>();
const hidden: Model = { layers: [linearLayer(2, 1, f64(-1e30, -1e30), f64(0)), simpleLayer('relu')] };
const overflowing = scaledMlp(1e30);
for (const m of [overflowing, hidden, cancelling]) awaitedWasm.set(m, await createExplainer(m, { backend: 'wasm' }));

describe('tfjs backend: checks folded on the device name the same place as the wasm backend', () => {
  for (const device of tfjsNodeBackends) {
    it(`tfjs-${device}: a forward overflow, one hidden by a later ReLU, and a relevance overflow under LRP-0`, async () => {
      await useTfjs(device);
      const cases: [Model, (ex: Explainer) => unknown, string][] = [
        [overflowing, (ex) => ex.explain(x2(1, 2)), 'layer 2 (Linear)'],
        [hidden, (ex) => ex.forward(x2(1e10, 1e10)), 'layer 0 (Linear)'],
        [cancelling, (ex) => ex.explain({ data: f64(1, 1 + 2 ** -20), shape: [1, 2] }, { initial: { data: f64(1e38), shape: [1, 1] }, layerRules: { 0: 'epsilon=0.5' } }), 'layer 2 (Linear)'],
      ];
      for (const [model, f, where] of cases) {
        const before = tf.memory().numTensors;
        const { wasm, tfjs } = await bothErrors(device, model, f);
        expect(tfjs.where).toBe(where);
        expect(tfjs.where).toBe(wasm.where);
        expect(tfjs.message.replace('tfjs backend', 'wasm backend')).toBe(wasm.message);
        expect(tf.memory().numTensors).toBe(before);
      }
    });
  }

  it('an explanation reads back twice per pass (the check value, then the output or the relevance), never per layer', async () => {
    await useTfjs('cpu');
    const ops = await createBackend('tfjs', { tf });
    const { model, inShape } = randomCnn(61, { pool: 'maxpool' });
    const ex = await createExplainer(model, { backend: ops });
    const checks = vi.spyOn(ops, 'firstNonFinite');
    const reads = vi.spyOn(ops, 'read');
    const pass = ex.forward(randomInput(62, 4, inShape));
    expect([checks.mock.calls.length, reads.mock.calls.length]).toEqual([1, 1]);
    pass.explain({ rule: 'alphabeta=2' });
    expect([checks.mock.calls.length, reads.mock.calls.length]).toEqual([2, 2]);
    pass.dispose();
    ex.dispose();
  });
});
