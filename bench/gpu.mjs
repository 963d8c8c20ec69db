// Forward + ε-LRP images/s of lrpjs's tfjs backend on a real GPU from Node (WebGPU through the
// `webgpu` package: Dawn on Vulkan), next to the wasm backend on the same host, at batch 1, 64 and
// 1024, for LeNet-5, the MLP and the ResNet-style graph. Prints the adapter's name; without an
// adapter it says what was looked for and exits 2 (no figures are made up).
// Run: npm run build && node bench/gpu.mjs [--quick]   (offline kit: node scripts/gpu-kit.mjs DIR)
import { createExplainer } from '../dist/index.js';
import { inputBatch, lenet5, mlp, resnet8 } from './models.mjs';

const quick = process.argv.includes('--quick');
const batches = quick ? [1, 64] : [1, 64, 1024];
const minSeconds = quick ? 0.5 : 2;

/** Images/s of `run()` on `batch` images: one warm-up, then repeats for at least `minSeconds`. */
function imagesPerSecond(run, batch) {
  run();
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    run();
    n++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < minSeconds);
  return (n * batch) / elapsed;
}

/** WebGPU in Node: the `webgpu` package installed as navigator.gpu; the adapter's description. */
async function webgpuAdapter() {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
}

const adapter = await webgpuAdapter().catch((e) => {
  console.error(`bench/gpu.mjs: the webgpu package did not load: ${e.message}`);
  return null;
});
if (!adapter) {
  console.error('bench/gpu.mjs: no WebGPU adapter (navigator.gpu.requestAdapter() gave none): needs a GPU with a Vulkan driver; nothing measured');
  process.exit(2);
}
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-webgpu');
const rows = [];
for (const bench of [lenet5(), mlp(), resnet8()]) {
  const gpu = await createExplainer(bench.model, { backend: 'gpu', tf });
  const wasm = await createExplainer(bench.model, { backend: 'wasm' });
  if (rows.length === 0) console.error(`lrpjs on ${gpu.backendInfo.device} (${gpu.backendInfo.reason}); adapter: ${adapter}`);
  for (const batch of batches) {
    const x = inputBatch(batch, bench.inShape);
    const options = { rule: 'epsilon=0.01' };
    const g = imagesPerSecond(() => gpu.explain(x, options), batch);
    // wasm at batch 1024 of the ResNet-style graph takes minutes a run: its batch-64 rate stands in
    const w = bench.resnet && batch > 64 ? undefined : imagesPerSecond(() => wasm.explain(x, options), batch);
    rows.push({ model: bench.name, batch, gpu: g, wasm: w });
    console.error(`${bench.name} batch ${batch}: tfjs-webgpu ${g.toFixed(1)}  wasm ${w === undefined ? '—' : w.toFixed(1)} images/s`);
  }
  gpu.dispose();
  wasm.dispose();
}
const fmt = (v) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
console.log(`\nGPU: ${adapter}; Node ${process.version}; forward + ε-LRP, images/s`);
console.log('| model | batch | lrpjs gpu (tfjs-webgpu) | lrpjs wasm (one thread) | gpu / wasm |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.model} | ${r.batch} | ${fmt(r.gpu)} | ${fmt(r.wasm)} | ${r.wasm === undefined ? '—' : (r.gpu / r.wasm).toFixed(2)} |`);
