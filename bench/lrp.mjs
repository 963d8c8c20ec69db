// Forward + ε-LRP images/s of lrpjs (js and wasm backends, one thread) against forward +
// gradient×input (tf.grad) on @tensorflow/tfjs-backend-wasm in the same run, at batch 1/16/64/256,
// on LeNet-5, the MLP and a ResNet-style graph (eight residual blocks, batches up to 64). The wasm
// column also gives images per CPU second (this process's user + sys time, so a machine loaded by
// other work still shows what one core does) and the GFLOP/s it reaches (4 flops per multiply-add:
// the forward product and the relevance step's transposed product). With ZENNIT_SRC set (Zennit's
// src/ folder; PyTorch in /usr/bin/python3 or LRPJS_PYTHON) Zennit's ε-LRP on PyTorch's CPU, one
// thread, runs as a further peer (bench/zennit-peer.py). The tfjs column is lrpjs's own tfjs backend
// (the same ε-LRP through TensorFlow.js ops) on the same tfjs-wasm instance: the GPU path's engine
// measured on a CPU (bench/gpu.mjs runs it on a GPU).
// Run: npm run build && node bench/lrp.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createBackend, createExplainer } from '../dist/index.js';
import { inputBatch, lenet5, mlp, multiplyAdds, resnet8 } from './models.mjs';
import { loadTfjsWasm, tfjsGradientTimesInput } from './tfjs-peer.mjs';

const quick = process.argv.includes('--quick');
const batches = quick ? [1, 16] : [1, 16, 64, 256];
const minSeconds = quick ? 0.3 : 1;

/** Images/s of `run(batch)`: one warm-up, then repeats until `minSeconds` (at least one). */
function imagesPerSecond(run, batch, maxSeconds = minSeconds) {
  return rates(run, batch, maxSeconds).wall;
}

/** Images per wall second and per CPU second (user + sys of this process) of `run(batch)`. */
function rates(run, batch, maxSeconds = minSeconds) {
  run();
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let elapsed = 0;
  do {
    run();
    n++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < maxSeconds);
  const c = process.cpuUsage(c0);
  return { wall: (n * batch) / elapsed, cpu: (n * batch) / ((c.user + c.system) / 1e6) };
}

/** Zennit's images/s by `model|batch`, where ZENNIT_SRC is set and bench/zennit-peer.py runs; else empty. */
function zennitRates() {
  const src = process.env.ZENNIT_SRC;
  if (!src) return new Map();
  const script = fileURLToPath(new URL('./zennit-peer.py', import.meta.url));
  const python = process.env.LRPJS_PYTHON ?? '/usr/bin/python3';
  const r = spawnSync(python, [script, '--seconds', String(minSeconds)], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: src } });
  if (r.status !== 0) {
    console.error(`Zennit peer skipped: ${python} ${script} failed:\n${r.stderr.slice(-2000)}`);
    return new Map();
  }
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  if (rows[0]) console.error(`Zennit peer: torch ${rows[0].torch}, zennit ${rows[0].zennit}`);
  return new Map(rows.map((row) => [`${row.model}|${row.batch}`, row.images_per_s]));
}

const zennit = zennitRates();
const tf = await loadTfjsWasm();
const rows = [];
let wasmPeak = 0;
for (const bench of [lenet5(), mlp(), resnet8()]) {
  const ops = await createBackend('wasm');
  const wasm = await createExplainer(bench.model, { backend: ops });
  const js = await createExplainer(bench.model, { backend: 'js' });
  const onTfjs = await createExplainer(bench.model, { backend: 'tfjs', tf });
  const peer = tfjsGradientTimesInput(tf, bench);
  const flopsPerImage = 4 * multiplyAdds(bench.model, bench.inShape);
  const zennitName = bench.name.split(' ')[0];
  // The ResNet-style graph: 40 M multiply-adds per image, so batches up to 64.
  for (const batch of bench.resnet ? batches.filter((b) => b <= 64) : batches) {
    const x = inputBatch(batch, bench.inShape);
    const options = { rule: 'epsilon=0.01' };
    const wr = rates(() => wasm.explain(x, options), batch);
    const w = wr.wall;
    // The float64 js backend is the readable oracle, not a fast path: one timed run at large batches.
    const j = imagesPerSecond(() => js.explain(x, options), batch, batch >= 64 ? 0 : minSeconds);
    const t = imagesPerSecond(() => peer(x), batch);
    const l = imagesPerSecond(() => onTfjs.explain(x, options), batch);
    const z = zennit.get(`${zennitName}|${batch}`);
    rows.push({ model: bench.name, batch, js: j, wasm: w, wasmCpu: wr.cpu, gflops: (w * flopsPerImage) / 1e9, tfjs: t, lrpTfjs: l, zennit: z });
    console.error(`${bench.name} batch ${batch}: js ${j.toFixed(1)}  wasm ${w.toFixed(1)} (${wr.cpu.toFixed(1)} per CPU s)  tfjs-wasm ${t.toFixed(1)}  lrpjs tfjs ${l.toFixed(1)}${z === undefined ? '' : `  zennit ${z.toFixed(1)}`} images/s`);
  }
  // the wasm backend's Ops also report their linear memory (not part of the Ops interface)
  const stats = /** @type {{ memoryStats(): { memoryBytes: number } }} */ (/** @type {unknown} */ (ops)).memoryStats();
  wasmPeak = Math.max(wasmPeak, stats.memoryBytes);
  wasm.dispose();
  onTfjs.dispose();
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
// the wasm backend's Ops also report their build (not part of the Ops interface)
const ops0 = /** @type {{ build: string }} */ (/** @type {unknown} */ (await createBackend('wasm')));
console.log(`\nwasm build: ${ops0.build}, Node ${process.version}`);
console.log('| model | batch | js ε-LRP | wasm ε-LRP | wasm per CPU s | wasm GFLOP/s | tfjs-wasm grad×input | wasm / tfjs-wasm | lrpjs tfjs backend (tfjs-wasm) ε-LRP | Zennit (PyTorch CPU) ε-LRP |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const z = r.zennit === undefined ? '—' : fmt(r.zennit);
  console.log(`| ${r.model} | ${r.batch} | ${fmt(r.js)} | ${fmt(r.wasm)} | ${fmt(r.wasmCpu)} | ${r.gflops.toFixed(1)} | ${fmt(r.tfjs)} | ${(r.wasm / r.tfjs).toFixed(2)} | ${fmt(r.lrpTfjs)} | ${z} |`);
}
console.log(`\nimages/s, one thread, forward + explanation; wasm linear memory peak ${(wasmPeak / 2 ** 20).toFixed(1)} MiB, process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
