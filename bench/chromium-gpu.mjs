// Forward + ε-LRP images/s of lrpjs's tfjs backend in headless Chromium, with backend 'gpu' on
// WebGL and on WebGPU, next to the wasm backend in the same page, for LeNet-5, the MLP and the
// ResNet-style graph. Without a GPU Chromium runs both on SwiftShader (the CPU): the figures then
// show the path runs, not what a GPU does (bench/gpu.mjs measures a real one from Node).
// Run: npm run build && node bench/chromium-gpu.mjs [--quick]   (CHROMIUM_PATH, default /usr/bin/chromium)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const batches = quick ? [1, 16] : [1, 16, 64];
const seconds = quick ? 0.5 : 1.5;

const page = `<!doctype html><meta charset="utf-8"><script type="importmap">${JSON.stringify({
  imports: {
    fflate: '/node_modules/fflate/esm/browser.js',
    // bench/models.mjs imports ../dist/index.js: the browser build here
    '/dist/index.js': '/dist/browser/index.js',
    '@tensorflow/tfjs-core': '/node_modules/@tensorflow/tfjs-core/dist/tf-core.fesm.js',
    '@tensorflow/tfjs-backend-webgl': '/node_modules/@tensorflow/tfjs-backend-webgl/dist/tf-backend-webgl.fesm.js',
    '@tensorflow/tfjs-backend-webgpu': '/node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.fesm.js',
  },
})}</script><script type="module">
import * as tf from '@tensorflow/tfjs-core';
import * as lib from '/dist/index.js';
import { inputBatch, lenet5, mlp, resnet8 } from '/bench/models.mjs';
const rate = (run, batch, seconds) => { run(); let n = 0; const t0 = performance.now(); let s = 0; do { run(); n++; s = (performance.now() - t0) / 1000; } while (s < seconds); return (n * batch) / s; };
window.__bench = async (batches, seconds) => {
  const rows = [];
  let device;
  for (const bench of [lenet5(), mlp(), resnet8()]) {
    const gpu = await lib.createExplainer(bench.model, { backend: 'gpu', tf });
    const wasm = await lib.createExplainer(bench.model, { backend: 'wasm' });
    device = gpu.backendInfo.device;
    for (const batch of batches) {
      const x = inputBatch(batch, bench.inShape);
      const options = { rule: 'epsilon=0.01' };
      rows.push({ model: bench.name, batch, gpu: rate(() => gpu.explain(x, options), batch, seconds), wasm: rate(() => wasm.explain(x, options), batch, seconds) });
    }
    gpu.dispose();
    wasm.dispose();
  }
  return { device, rows };
};
window.__ready = true;
</script>`;

const files = [['/dist/', join(root, 'dist')], ['/bench/', join(root, 'bench')], ['/node_modules/', join(root, 'node_modules')]];
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  const hit = files.find(([prefix]) => path.startsWith(prefix));
  if (!hit) return void res.writeHead(404).end();
  try {
    const file = join(hit[1], path.slice(hit[0].length));
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': types[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
const quiet = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** @type {[string, string[]][]} */
const variants = [
  ['WebGL', [...quiet, '--disable-gpu']],
  ['WebGPU', [...quiet, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']],
];
console.log('| Chromium | tfjs backend | model | batch | lrpjs gpu ε-LRP | lrpjs wasm ε-LRP | gpu / wasm |');
console.log('|---|---|---|---:|---:|---:|---:|');
for (const [name, args] of variants) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
  try {
    const tab = await browser.newPage();
    tab.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    tab.on('response', (r) => r.status() >= 400 && console.error(`page: ${r.status()} ${r.url()}`));
    tab.on('console', (m) => m.type() === 'error' && console.error(`page console: ${m.text()}`));
    const renderer = await tab.goto(origin).then(() => tab.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : 'unknown';
    }));
    // the page's globals, set by its module script
    await tab.waitForFunction(() => /** @type {any} */ (window).__ready === true);
    const { device, rows } = await tab.evaluate(([b, s]) => /** @type {any} */ (window).__bench(b, s), [batches, seconds]);
    console.error(`${name}: lrpjs ran on ${device}; renderer ${renderer}`);
    for (const r of rows) console.log(`| ${name} | ${device} | ${r.model} | ${r.batch} | ${r.gpu.toFixed(1)} | ${r.wasm.toFixed(1)} | ${(r.gpu / r.wasm).toFixed(2)} |`);
  } finally {
    await browser.close();
  }
}
server.close();
