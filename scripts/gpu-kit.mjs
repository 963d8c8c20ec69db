// Prepares a folder that runs bench/gpu.mjs on a bare Linux machine with a GPU and no network:
// the built package (dist/), the bench scripts, the Node binary of this machine, and the runtime
// packages the GPU path needs (tfjs-core, tfjs-backend-webgpu, the `webgpu` package with only this
// platform's Dawn build, and their dependencies). Prints what it copied and how big it is.
// Run: npm run build && node scripts/gpu-kit.mjs DIR   then on the GPU machine: cd DIR && ./run.sh
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/gpu-kit.mjs DIR');
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('gpu-kit: dist/ is missing: run npm run build first');
  process.exit(2);
}
const platform = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;

/** Bytes under `path`. */
function size(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + size(join(path, f)), 0);
}

/** The packages `names` need at run time: themselves and their dependencies, transitively (hoisted layout). */
function closure(names) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    const pkg = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(pkg)) return; // an optional dependency not installed here
    seen.add(name);
    for (const dep of Object.keys(JSON.parse(readFileSync(pkg, 'utf8')).dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...seen].sort();
}

mkdirSync(join(out, 'bench'), { recursive: true });
cpSync(join(root, 'dist'), join(out, 'dist'), { recursive: true });
for (const f of ['gpu.mjs', 'models.mjs']) cpSync(join(root, 'bench', f), join(out, 'bench', f));
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: 'lrpjs-gpu-kit', private: true, type: 'module' }, null, 2)}\n`);
const packages = closure(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu', 'webgpu', 'fflate', 'pngjs']);
for (const name of packages) {
  cpSync(join(root, 'node_modules', name), join(out, 'node_modules', name), {
    recursive: true,
    // the Dawn builds of other platforms are not needed there
    filter: (src) => name !== 'webgpu' || !/[/\\]dist[/\\][a-z0-9]+-[a-z0-9]+$/.test(src) || src.endsWith(platform),
  });
}
mkdirSync(join(out, 'bin'), { recursive: true });
cpSync(process.execPath, join(out, 'bin', 'node'));
writeFileSync(join(out, 'run.sh'), '#!/bin/sh\n# forward + ε-LRP images/s on the GPU (tfjs-webgpu through Dawn) and on wasm\ncd "$(dirname "$0")" && exec ./bin/node bench/gpu.mjs "$@"\n');
chmodSync(join(out, 'run.sh'), 0o755);
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`gpu-kit in ${out} (${platform}, Node ${process.version}):`);
for (const part of ['bin/node', 'dist', 'bench', ...packages.map((p) => `node_modules/${p}`)]) console.log(`  ${mib(size(join(out, part))).padStart(10)}  ${part}`);
console.log(`  ${mib(size(out)).padStart(10)}  in all; copy the folder to the GPU machine and run ./run.sh`);
