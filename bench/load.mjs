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

/**
 * Best wall time and best CPU time (user + system, this process) in ms of `f()` over `repeat`
 * runs. On a shared machine the CPU time is the steadier figure.
 */
function best(f) {
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < repeat; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { wall, cpu };
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
    const parse1 = best(() => bytes.forEach((b, i) => parse(b, paths[i])));
    const total = best(() => paths.forEach((p) => parse(new Uint8Array(readFileSync(p)), p)));
    rows.push({ label, size, parse: parse1, total });
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
console.log('| file | size MB | parse ms (wall) | parse MB/s (wall) | parse ms (CPU) | parse MB/s (CPU) | total ms (wall) |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
const f = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
for (const r of rows) {
  const mb = r.size / 1e6;
  const rate = (ms) => f(mb / (ms / 1000));
  console.log(`| ${r.label} | ${mb.toFixed(1)} | ${f(r.parse.wall)} | ${rate(r.parse.wall)} | ${f(r.parse.cpu)} | ${rate(r.parse.cpu)} | ${f(r.total.wall)} |`);
}
