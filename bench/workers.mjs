// The worker pool: forward + ε-LRP images/s in-thread and with 1 and 2 worker threads at batch
// 256 and 4096, on LeNet-5, the MLP and the ResNet-style graph; then the crossover, the batch size
// under which 2 workers are not faster than in-thread (the default of minPoolBatch).
// Run: npm run build && node bench/workers.mjs [--quick] [--repeat N] [--models lenet,mlp,resnet]  (best of N runs per cell)
import { createExplainer } from '../dist/index.js';
import { inputBatch, lenet5, mlp, resnet8 } from './models.mjs';

const quick = process.argv.includes('--quick');
const modelsAt = process.argv.indexOf('--models');
/** `--models lenet,mlp,resnet` picks models (default: all three, LeNet-5 alone with --quick). */
const only = modelsAt > 0 ? process.argv[modelsAt + 1].split(',') : undefined;
const repeatAt = process.argv.indexOf('--repeat');
const repeat = repeatAt > 0 ? Number(process.argv[repeatAt + 1]) : quick ? 1 : 3;
const batches = quick ? [256] : [256, 4096];
const options = { rule: 'epsilon=0.01' };

/** Best images/s over `repeat` timed runs of one batch (after a warm-up run). */
async function best(explain, batch) {
  await explain();
  let top = 0;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    await explain();
    top = Math.max(top, batch / ((performance.now() - t0) / 1000));
  }
  return top;
}

/** In-thread, in the pool's chunks (at most 512 samples: a whole 4096 batch would be over maxMemory). */
function inParts(explainer, x) {
  const n = x.shape[0];
  const per = x.data.length / n;
  for (let from = 0; from < n; from += 512) {
    const to = Math.min(n, from + 512);
    explainer.explain({ data: x.data.subarray(from * per, to * per), shape: [to - from, ...x.shape.slice(1)] }, options);
  }
}

const fmt = (v) => Math.round(v).toLocaleString('en-US').padStart(8);
console.log(`forward + ε-LRP, images/s (best of ${repeat}); the machine may be shared, see README "Speed"`);
console.log(`${'model'.padEnd(22)} ${'batch'.padStart(6)} ${'in-thread'.padStart(9)} ${'1 worker'.padStart(9)} ${'2 workers'.padStart(9)} ${'2w / 1w'.padStart(8)} ${'2w / in'.padStart(8)}`);
const all = { lenet: lenet5, mlp, resnet: resnet8 };
const picked = (only ?? (quick ? ['lenet'] : Object.keys(all))).map((k) => {
  if (!(k in all)) throw new Error(`unknown model '${k}' (known: ${Object.keys(all).join(', ')})`);
  return all[/** @type {keyof typeof all} */ (k)]();
});
for (const bench of picked) {
  const local = await createExplainer(bench.model);
  const one = await createExplainer(bench.model, { workers: 1, minPoolBatch: 0 });
  const two = await createExplainer(bench.model, { workers: 2, minPoolBatch: 0 });
  for (const batch of batches) {
    const x = inputBatch(batch, bench.inShape);
    const inThread = await best(async () => inParts(local, x), batch);
    const w1 = await best(() => one.explain(x, options), batch);
    const w2 = await best(() => two.explain(x, options), batch);
    console.log(`${bench.name.padEnd(22)} ${String(batch).padStart(6)} ${fmt(inThread)}  ${fmt(w1)}  ${fmt(w2)} ${`${(w2 / w1).toFixed(2)}×`.padStart(8)} ${`${(w2 / inThread).toFixed(2)}×`.padStart(8)}`);
  }
  if (bench.name.startsWith('LeNet') || !quick) {
    const cross = [];
    for (const batch of [4, 8, 16, 32, 64, 128]) {
      const x = inputBatch(batch, bench.inShape);
      const inThread = await best(async () => inParts(local, x), batch);
      const w2 = await best(() => two.explain(x, options), batch);
      cross.push(`${batch}: ${(w2 / inThread).toFixed(2)}×`);
    }
    console.log(`  2 workers / in-thread by batch (${bench.name}): ${cross.join(', ')}`);
  }
  local.dispose();
  await one.dispose();
  await two.dispose();
}
