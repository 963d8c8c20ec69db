import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createExplainer, loadModel } from "/work/wt-workers/src/index.ts";

// 1. Data: 8×8 images with one bright 2×2 blob; class 0 = blob in the left half, 1 = right half.
let seed = 7;
const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
function image(cls) {
  const x = new Float32Array(64).map(() => 0.1 * rand());
  const r = Math.floor(rand() * 7);
  const c = cls * 4 + Math.floor(rand() * 3);
  for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) x[(r + dr) * 8 + c + dc] = 1;
  return x;
}
const labels = Array.from({ length: 200 }, (_, i) => i % 2);
const xs = tf.tensor4d(labels.flatMap((k) => [...image(k)]), [200, 8, 8, 1]);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);

// 2. Train a small CNN in tfjs (seeded initialisers: the same model every run).
const init = tf.initializers.glorotUniform({ seed: 1 });
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init }),
    tf.layers.batchNormalization(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
await model.fit(xs, ys, { epochs: 20, batchSize: 20, shuffle: false, verbose: 0 });

// 3. Save it as model.json + weights.bin. With @tensorflow/tfjs-node: await model.save('file://my-model').
const dir = "/tmp/lrpjs-readme-2UVXJ7/my-model";
mkdirSync(dir, { recursive: true });
await model.save(
  tf.io.withSaveHandler(async (a) => {
    writeFileSync(`${dir}/weights.bin`, new Uint8Array(a.weightData));
    const weightsManifest = [{ paths: ['weights.bin'], weights: a.weightSpecs }];
    writeFileSync(`${dir}/model.json`, JSON.stringify({ modelTopology: a.modelTopology, format: 'layers-model', weightsManifest }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
);

// 4. Explain it with lrpjs: no tfjs at run time, the wasm backend by default.
const explainer = await createExplainer(await loadModel(`${dir}/model.json`));
const x = image(1); // a blob on the right
const { output, relevance } = explainer.explain({ data: x, shape: [1, 8, 8, 1] }, { composite: 'EpsilonPlusFlat' });
const right = relevance.data.reduce((s, r, i) => s + (i % 8 >= 4 ? Math.max(r, 0) : 0), 0);
const all = relevance.data.reduce((s, r) => s + Math.max(r, 0), 0);
console.log(`logits [${[...output.data].map((v) => v.toFixed(2))}], ${Math.round((100 * right) / all)}% of the positive relevance in the right half`);
explainer.dispose();
