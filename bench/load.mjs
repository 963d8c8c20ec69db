// Model loading speed: the seeded 784-1296³-10 MLP (4.39 M float64 parameters) read as a toolbox
// text model (~93 MB), as a pickled toolbox model (.nn) and as .npy weight files (lrpjs has no
// model format made of .npy files: that row is readNpy over the same matrices), plus the toolbox's
// LeNet-5.txt. Files are generated into a temporary folder. Best of --repeat runs (default 5).
// Run: npm run build && node bench/load.mjs [--repeat N]
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseModel, readNpy } from '../dist/index.js';
import { benchDir, fixturesDir, writeMlpFiles } from './load-files.mjs';

const at = process.argv.indexOf('--repeat');
const repeat = at > 0 ? Number(process.argv[at + 1]) : 5;

/** Best wall time in ms of `f()` over `repeat` runs. */
function best(f) {
  let t = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

const dir = benchDir();
const rows = [];
try {
  const t0 = performance.now();
  const files = writeMlpFiles(dir);
  console.log(`wrote the MLP forms to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const measure = (label, paths, parse) => {
    const size = paths.reduce((s, p) => s + statSync(p).size, 0);
    const bytes = paths.map((p) => new Uint8Array(readFileSync(p)));
    const parseMs = best(() => bytes.forEach((b, i) => parse(b, paths[i])));
    const totalMs = best(() => paths.forEach((p) => parse(new Uint8Array(readFileSync(p)), p)));
    rows.push({ label, size, parseMs, totalMs });
  };
  measure('MLP text (.txt)', [files.txt], parseModel);
  if (files.nn) measure('MLP pickled (.nn)', [files.nn], parseModel);
  measure('MLP weights as .npy (readNpy)', files.npy, readNpy);
  const fixtures = fixturesDir();
  if (fixtures) measure('LeNet-5.txt (toolbox)', [join(fixtures, 'toolbox/models/LeNet-5.txt')], parseModel);
  if (fixtures) measure('LeNet-5.nn (toolbox)', [join(fixtures, 'toolbox/models/LeNet-5.nn')], parseModel);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nModel loading, best of ${repeat} (Node ${process.versions.node}): parse = bytes in memory → Model; total = readFileSync + parse`);
console.log('| file | size MB | parse ms | parse MB/s | total ms |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  const mb = r.size / 1e6;
  console.log(`| ${r.label} | ${mb.toFixed(1)} | ${r.parseMs.toFixed(1)} | ${(mb / (r.parseMs / 1000)).toFixed(0)} | ${r.totalMs.toFixed(1)} |`);
}
