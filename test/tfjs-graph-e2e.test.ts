import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import type { Model } from '../src/model/layers.js';
import type { Tensor } from '../src/tensor.js';
import { cnnWithBatchNorm, depthwiseSeparable, dilatedSame, foldableBatchNorms, globalPooling, inceptionBlock, residualBlock, seedWeights, seededInput, undilate } from './support/tfjs-models.js';
import { type SavedTfjs, loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';

/** max |a − b| / max |b|: the error measure of the conformance tests. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / (den || 1);
}

const sum = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
};

interface Case {
  readonly name: string;
  readonly build: (tf: typeof TF) => TF.LayersModel;
  readonly inShape: readonly number[];
}

const CASES: readonly Case[] = [
  { name: 'CNN with BatchNorm and same padding', build: cnnWithBatchNorm, inShape: [8, 8, 3] },
  { name: 'residual block', build: (tf) => residualBlock(tf), inShape: [6, 6, 4] },
  { name: 'inception-style concat', build: (tf) => inceptionBlock(tf), inShape: [6, 6, 3] },
  { name: 'depthwise separable block', build: (tf) => depthwiseSeparable(tf), inShape: [7, 7, 3] },
  { name: 'global pooling, zero padding, reshape, dilation', build: globalPooling, inShape: [6, 6, 2] },
  { name: 'BatchNorms after linear conv, depthwise and dense', build: foldableBatchNorms, inShape: [6, 6, 3] },
  { name: "'same' padding with dilation", build: dilatedSame, inShape: [7, 6, 2] },
];

/**
 * The same function as a tfjs model tfjs can differentiate: a final softmax (fused) replaced by
 * `linear` (lrpjs explains the logits), dilated kernels written out with zeros (tfjs has no
 * gradient for dilation > 1; see {@link undilate}).
 */
async function logitsTwin(tf: typeof TF, saved: SavedTfjs): Promise<TF.LayersModel> {
  const { modelTopology, weightSpecs, weightData } = undilate(saved);
  const last = (modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers.at(-1)!;
  if (last.config.activation === 'softmax') last.config.activation = 'linear';
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs: weightSpecs as TF.io.WeightsManifestEntry[], weightData }));
}

/** tfjs gradient of Σ_n y[n, target[n]] with respect to the input. */
function tfGradient(tf: typeof TF, model: TF.LayersModel, x: Tensor, targets: readonly number[], classes: number): Float32Array {
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor1d([...targets], 'int32'), classes).toFloat();
    const f = (inp: TF.Tensor) => (model.apply(inp) as TF.Tensor).mul(onehot).sum();
    return tf.grad(f)(tf.tensor(x.data as Float32Array, [...x.shape])).dataSync() as Float32Array;
  });
}

function onehotInitial(targets: readonly number[], classes: number): Tensor {
  const data = new Float64Array(targets.length * classes);
  targets.forEach((t, n) => (data[n * classes + t] = 1));
  return { data, shape: [targets.length, classes] };
}

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

describe.each(CASES)('tfjs model: $name', (c) => {
  let saved: SavedTfjs;
  let tfModel: TF.LayersModel;
  let model: Model;
  const x = seededInput(c.inShape, 2, 99);

  beforeAll(async () => {
    tfModel = c.build(tf);
    seedWeights(tf, tfModel, 31);
    saved = await saveArtifacts(tf, tfModel);
    model = await loadModel(writeTfjsModel(saved));
  });

  it('forward = tfjs predict (<= 1e-5) on js and wasm, softmax kept', async () => {
    const want = tf.tidy(() => (tfModel.predict(tf.tensor(x.data, x.shape)) as TF.Tensor).dataSync());
    for (const backend of ['js', 'wasm'] as const) {
      const ex = await createExplainer(model, { backend, keepSoftmax: true });
      const pass = ex.forward(x);
      expect(relError(pass.output.data, want), backend).toBeLessThanOrEqual(1e-5);
      ex.dispose();
    }
  });

  it('gradient = tf.grad of the logits (<= 1e-4) on js and wasm', async () => {
    const twin = await logitsTwin(tf, saved);
    const classes = (tfModel.outputs[0]!.shape as number[]).at(-1)!;
    const targets = [1, classes - 1];
    const want = tfGradient(tf, twin, x, targets, classes);
    for (const backend of ['js', 'wasm'] as const) {
      const ex = await createExplainer(model, { backend });
      const got = ex.explain(x, { method: 'gradient', initial: onehotInitial(targets, classes) }).relevance.data;
      expect(relError(got, want), backend).toBeLessThanOrEqual(1e-4);
      ex.dispose();
    }
  });

  it('LRP-epsilon on js = wasm (<= 1e-4)', async () => {
    const js = await createExplainer(model, { backend: 'js' });
    const wasm = await createExplainer(model, { backend: 'wasm' });
    const a = js.explain(x, { rule: 'epsilon' }).relevance.data;
    const b = wasm.explain(x, { rule: 'epsilon' }).relevance.data;
    expect(relError(b, a)).toBeLessThanOrEqual(1e-4);
    js.dispose();
    wasm.dispose();
  });
});

describe('tfjs graphs: LRP-0 on bias-free ReLU graphs', () => {
  const builds: [string, (tf: typeof TF) => TF.LayersModel, number[]][] = [
    ['residual block', (t) => residualBlock(t, { bias: false }), [6, 6, 4]],
    ['inception-style concat', (t) => inceptionBlock(t, { bias: false }), [6, 6, 3]],
  ];
  it.each(builds)('%s: LRP-0 = gradient x input, and relevance is conserved (sum R = the explained logit)', async (_, build, inShape) => {
    const m = build(tf);
    seedWeights(tf, m, 41);
    const model = await loadModel(writeTfjsModel(await saveArtifacts(tf, m)));
    const x = seededInput(inShape, 2, 43);
    const ex = await createExplainer(model, { backend: 'js' });
    const lrp = ex.explain(x, { rule: 'simple' });
    // the gradient starts from the initial relevance: a one-hot R0 gives the plain gradient of the explained logit
    const onehot = { data: lrp.initial.data.map((v) => (v !== 0 ? 1 : 0)), shape: lrp.initial.shape };
    const gxi = ex.explain(x, { method: 'gradient-x-input', initial: onehot });
    expect(relError(lrp.relevance.data, gxi.relevance.data)).toBeLessThanOrEqual(1e-9);
    const per = lrp.relevance.data.length / 2;
    const classes = lrp.output.shape[1]!;
    for (let n = 0; n < 2; n++) {
      const explained = sum(lrp.initial.data, n * classes, (n + 1) * classes);
      expect(Math.abs(sum(lrp.relevance.data, n * per, (n + 1) * per) - explained)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(explained)));
    }
    ex.dispose();
  });
});

describe('tfjs graphs: canonization', () => {
  it('folding the BatchNorms (the default) leaves outputs unchanged and is reported; js and wasm agree', async () => {
    const m = foldableBatchNorms(tf);
    seedWeights(tf, m, 61);
    const model = await loadModel(writeTfjsModel(await saveArtifacts(tf, m)));
    expect(model.layers.filter((l) => l.kind === 'batchnorm')).toHaveLength(3);
    const x = seededInput([6, 6, 3], 2, 63);
    for (const backend of ['js', 'wasm'] as const) {
      const folded = await createExplainer(model, { backend });
      const plain = await createExplainer(model, { backend, canonize: false });
      expect(folded.folded.length, backend).toBe(3);
      expect(folded.model.layers.some((l) => l.kind === 'batchnorm'), backend).toBe(false);
      expect(relError(folded.forward(x).output.data, plain.forward(x).output.data), backend).toBeLessThanOrEqual(backend === 'js' ? 1e-12 : 1e-5);
      folded.dispose();
      plain.dispose();
    }
  });

  it('BatchNormalization without scale or without center (tfjs has no gradient for those: forward only) = tfjs predict', async () => {
    for (const config of [{ scale: false }, { center: false }, { scale: false, center: false }]) {
      const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.batchNormalization({ ...config, epsilon: 0.05 })] });
      seedWeights(tf, m, 71);
      const model = await loadModel(writeTfjsModel(await saveArtifacts(tf, m)));
      const x = seededInput([4], 3, 73);
      const want = tf.tidy(() => (m.predict(tf.tensor(x.data, x.shape)) as TF.Tensor).dataSync());
      for (const canonize of [true, false]) {
        const ex = await createExplainer(model, { backend: 'js', canonize });
        expect(relError(ex.forward(x).output.data, want), JSON.stringify(config)).toBeLessThanOrEqual(1e-6);
        ex.dispose();
      }
    }
  });
});
