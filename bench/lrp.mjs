// Forward + ε-LRP images/s of lrpjs (js and wasm backends, one thread) against forward +
// gradient×input (tf.grad) on @tensorflow/tfjs-backend-wasm in the same run, at batch 1/16/64/256,
// on LeNet-5, the MLP and a ResNet-style graph (eight residual blocks, batches up to 64).
// Run: npm run build && node bench/lrp.mjs [--quick]
import { createBackend, createExplainer } from '../dist/index.js';
import { inputBatch, lenet5, mlp, resnet8 } from './models.mjs';
import { loadTfjsWasm, tfjsGradientTimesInput } from './tfjs-peer.mjs';

const quick = process.argv.includes('--quick');
const batches = quick ? [1, 16] : [1, 16, 64, 256];
const minSeconds = quick ? 0.3 : 1;

/** Images/s of `run(batch)`: one warm-up, then repeats until `minSeconds` (at least one). */
function imagesPerSecond(run, batch, maxSeconds = minSeconds) {
  run();
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    run();
    n++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < maxSeconds);
  return (n * batch) / elapsed;
}

const tf = await loadTfjsWasm();
const rows = [];
let wasmPeak = 0;
for (const bench of [lenet5(), mlp(), resnet8()]) {
  const ops = await createBackend('wasm');
  const wasm = await createExplainer(bench.model, { backend: ops });
  const js = await createExplainer(bench.model, { backend: 'js' });
  const peer = tfjsGradientTimesInput(tf, bench);
  // The ResNet-style graph: 40 M multiply-adds per image, so batches up to 64.
  for (const batch of bench.resnet ? batches.filter((b) => b <= 64) : batches) {
    const x = inputBatch(batch, bench.inShape);
    const options = { rule: 'epsilon=0.01' };
    const w = imagesPerSecond(() => wasm.explain(x, options), batch);
    // The float64 js backend is the readable oracle, not a fast path: one timed run at large batches.
    const j = imagesPerSecond(() => js.explain(x, options), batch, batch >= 64 ? 0 : minSeconds);
    const t = imagesPerSecond(() => peer(x), batch);
    rows.push({ model: bench.name, batch, js: j, wasm: w, tfjs: t });
    console.error(`${bench.name} batch ${batch}: js ${j.toFixed(1)}  wasm ${w.toFixed(1)}  tfjs-wasm ${t.toFixed(1)} images/s`);
  }
  // the wasm backend's Ops also report their linear memory (not part of the Ops interface)
  const stats = /** @type {{ memoryStats(): { memoryBytes: number } }} */ (/** @type {unknown} */ (ops)).memoryStats();
  wasmPeak = Math.max(wasmPeak, stats.memoryBytes);
  wasm.dispose();
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
console.log('\n| model | batch | js ε-LRP | wasm ε-LRP | tfjs-wasm grad×input | wasm / tfjs-wasm |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.model} | ${r.batch} | ${fmt(r.js)} | ${fmt(r.wasm)} | ${fmt(r.tfjs)} | ${(r.wasm / r.tfjs).toFixed(2)} |`);
console.log(`\nimages/s, one thread, forward + explanation; wasm linear memory peak ${(wasmPeak / 2 ** 20).toFixed(1)} MiB, process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
