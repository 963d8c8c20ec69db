// `npm run build:web`: the offline demo page (web/) as a static folder, dist-web/, that works from
// any static file server and any path (relative URLs only):
//  1. vite bundles web/index.html and web/src/*.ts with lrpjs from src/ (node: imports stubbed, as
//     in the browser build), tree-shaken, and the worker pool's Web Worker from src/ too (so it
//     needs no npm run build first);
//  2. the shipped demo models and digits are copied gzip-compressed under models/ (the page
//     gunzips them; a plain static server sends them as they are);
//  3. sw.js (web/service-worker.js) gets the list of the files a first visit caches and a version
//     (a hash of every file), so a new build replaces the cache of the old one. TensorFlow.js
//     (assets/tfjs-*.js, the GPU backends) is left out: fetched only when a tfjs backend is chosen,
//     the service worker caches it then.
// Prints the sizes.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { browserNodeStubs } from './rollup-browser-stubs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist-web');

/**
 * The pool's Web Worker built from source (src/workers/worker-web.ts) with the page, not taken from
 * dist/. Inside the worker's own bundle the same module points at the worker's own script (workers
 * start no workers), which vite leaves alone.
 */
function workerFromSource(inWorker) {
  const location = join(root, 'src', 'workers', 'worker-location.ts');
  const url = "new URL('../../dist/browser/worker.js', import.meta.url)";
  return {
    name: 'lrpjs-demo-worker-from-source',
    enforce: 'pre',
    load(id) {
      if (id.split('?')[0] !== location) return null;
      const code = readFileSync(location, 'utf8');
      if (!code.includes(url)) this.error('src/workers/worker-location.ts: the Web Worker URL was not found');
      // the worker_threads script is Node's alone
      return code
        .replace(url, inWorker ? 'new URL(self.location.href)' : "new URL('./worker-web.ts', import.meta.url)")
        .replace("new URL('../../dist/worker-node.cjs', import.meta.url)", 'new URL(import.meta.url)');
    },
  };
}

await build({
  configFile: false,
  root: join(root, 'web'),
  base: './',
  logLevel: 'warn',
  plugins: [{ ...browserNodeStubs(), enforce: 'pre' }, workerFromSource(false)],
  worker: { format: 'es', plugins: () => [{ ...browserNodeStubs(), enforce: 'pre' }, workerFromSource(true)] },
  build: {
    outDir: out,
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        chunkFileNames: (chunk) => (chunk.moduleIds.some((id) => id.includes('/@tensorflow/')) ? 'assets/tfjs-[name]-[hash].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});

mkdirSync(join(out, 'models'), { recursive: true });
for (const file of ['mnist-cnn.txt', 'mnist-mlp.txt', 'digits.npy']) {
  writeFileSync(join(out, 'models', `${file}.gz`), gzipSync(readFileSync(join(root, 'models', file)), { level: 9 }));
}
for (const file of ['digit-labels.npy', 'LICENSE-mnist.txt']) copyFileSync(join(root, 'models', file), join(out, 'models', file));

/** Every file under `dir`, as paths relative to `out` with `/` separators, sorted. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [relative(out, join(dir, e.name)).split('\\').join('/')]))
    .sort();
}
const files = filesUnder(out);
const onDemand = files.filter((f) => f.startsWith('assets/tfjs-'));
const assets = files.filter((f) => !onDemand.includes(f));
const hash = createHash('sha256');
for (const f of files) hash.update(f).update('\0').update(readFileSync(join(out, f)));
const version = hash.digest('hex').slice(0, 16);
const worker = readFileSync(join(root, 'web', 'service-worker.js'), 'utf8')
  .replace("'__VERSION__'", JSON.stringify(version))
  .replace('__ASSETS__', JSON.stringify(assets.map((f) => `./${f}`)));
writeFileSync(join(out, 'sw.js'), worker);

const size = (list) => list.reduce((n, f) => n + statSync(join(out, f)).size, 0).toLocaleString('en');
console.log(
  `dist-web/: a first visit loads and caches ${assets.length + 1} files, ${size([...assets, 'sw.js'])} bytes; ` +
    `TensorFlow.js (on demand) ${onDemand.length} files, ${size(onDemand)} bytes; cache version ${version}`,
);
