// Whole-process speed against the LRP Toolbox on the same work: `lrp explain --rule epsilon=0.01`
// (node dist/cli.js: start, read the text model and the .npy input, forward, ε-LRP, write R.npy)
// vs `python3 bench/toolbox-driver.py` (import, model_io.read the same .txt, np.load, forward,
// lrp epsilon, np.save) on LeNet-5 × 1024 digits and the 784-1296³-10 MLP × 256 digits, with the
// relevances compared. The toolbox's python folder comes from LRP_TOOLBOX_PY (its code is never
// part of lrpjs); without it the lrpjs side runs and the ratio uses the toolbox's recorded
// throughput (docs/toolbox-compat.md, compute only, so it flatters the toolbox).
// Run: npm run build && LRP_TOOLBOX_PY=/path/to/lrp_toolbox/python node bench/toolbox-peer.mjs [--repeat N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../dist/index.js';
import { benchDir, fixturesDir, writeDigits, writeMlpFiles } from './load-files.mjs';

const at = process.argv.indexOf('--repeat');
const repeat = at > 0 ? Number(process.argv[at + 1]) : 3;
const toolbox = process.env.LRP_TOOLBOX_PY;
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const driver = join(root, 'bench/toolbox-driver.py');
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
/** Recorded forward + ε-LRP images/s of the toolbox at its best batch (docs/toolbox-compat.md). */
const RECORDED = { 'LeNet-5': 108, MLP: 28 };

/** Runs a command; returns wall seconds and, where /usr/bin/time exists, CPU seconds (user + sys). */
function timed(cmd, args) {
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', 'cpu %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
}

/** Best of `n` runs (by wall time). */
function bestOf(n, run) {
  let best;
  for (let i = 0; i < n; i++) {
    const t = run();
    if (!best || t.wall < best.wall) best = t;
  }
  return best;
}

/** max |a − b| / max |b| over two .npy files. */
function relErr(fileA, fileB) {
  const a = readNpy(new Uint8Array(readFileSync(fileA))).data;
  const b = readNpy(new Uint8Array(readFileSync(fileB))).data;
  if (a.length !== b.length) throw new Error(`relevance sizes differ: ${a.length} vs ${b.length}`);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(Number(a[i]) - Number(b[i])));
    m = Math.max(m, Math.abs(Number(b[i])));
  }
  return d / m;
}

const fixtures = fixturesDir();
if (!fixtures) throw new Error('bench/toolbox-peer.mjs needs the toolbox fixtures (LRPJS_FIXTURES or ../shared/fixtures)');
if (toolbox) execFileSync('python3', ['-c', 'import numpy'], { stdio: 'inherit' });
else console.log('LRP_TOOLBOX_PY is not set: the toolbox is not run; its column is estimated from its recorded throughput.');

const dir = benchDir();
const rows = [];
try {
  const mlpFiles = writeMlpFiles(dir);
  const cases = [
    { name: 'LeNet-5', model: join(fixtures, 'toolbox/models/LeNet-5.txt'), x: writeDigits(join(dir, 'x-lenet.npy'), 1024, true), n: 1024, batch: 64 },
    { name: 'MLP', model: mlpFiles.txt, x: writeDigits(join(dir, 'x-mlp.npy'), 256, false), n: 256, batch: 16 },
  ];
  for (const c of cases) {
    const rOurs = join(dir, `r-${c.name}-lrpjs.npy`);
    const rTheirs = join(dir, `r-${c.name}-toolbox.npy`);
    // in-thread, and on two worker threads in chunks of a quarter of the samples
    const lrp = (extra) => bestOf(repeat, () => timed(process.execPath, [cli, 'explain', '--model', c.model, '--input', c.x, '--rule', 'epsilon=0.01', '--out', rOurs, ...extra]));
    const ours = lrp(['--workers', '0']);
    const pooled = lrp(['--workers', '2', '--batch-size', String(c.n / 4)]);
    let theirs;
    let err = NaN;
    if (toolbox) {
      theirs = bestOf(1, () => timed('python3', [driver, c.model, c.x, rTheirs, '0.01', String(c.batch)]));
      err = relErr(rOurs, rTheirs);
    } else theirs = { wall: c.n / RECORDED[c.name], cpu: NaN, estimated: true };
    rows.push({ ...c, ours, pooled, theirs, err });
    console.log(`${c.name} × ${c.n}: lrpjs ${ours.wall.toFixed(2)} s in-thread, ${pooled.wall.toFixed(2)} s on 2 workers, toolbox ${theirs.wall.toFixed(2)} s${theirs.estimated ? ' (estimated)' : ''}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const s = (v) => (Number.isNaN(v) ? '–' : v.toFixed(2));
console.log(`\nWhole process, ε-LRP (ε = 0.01), lrpjs best of ${repeat}, toolbox ${toolbox ? 'one run' : 'estimated'} (Node ${process.versions.node}):`);
console.log('| work | lrpjs s (wall) | lrpjs s (CPU) | lrpjs 2 workers s (wall) | toolbox s (wall) | toolbox s (CPU) | toolbox / lrpjs (wall) | toolbox / lrpjs 2 workers | max rel. error of R |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} × ${r.n} | ${s(r.ours.wall)} | ${s(r.ours.cpu)} | ${s(r.pooled.wall)} | ${s(r.theirs.wall)}${r.theirs.estimated ? '¹' : ''} | ${s(r.theirs.cpu)} | ${(r.theirs.wall / r.ours.wall).toFixed(1)} | ${(r.theirs.wall / r.pooled.wall).toFixed(1)} | ${Number.isNaN(r.err) ? '–' : r.err.toExponential(1)} |`);
}
