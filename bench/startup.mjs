// Time to first explanation of a process: the whole `lrp explain` of one LeNet-5 digit (start Node,
// load the CLI, read the 0.75 MB text model and a one-digit .npy, compile the wasm core, forward,
// ε-LRP, write R.npy), against a bare `node -e 0` on the same machine. Median and best of N runs,
// wall and CPU (user + sys, from /usr/bin/time where it exists), so a loaded machine still shows the CPU cost.
// Run: npm run build && node bench/startup.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy } from '../dist/index.js';

const at = process.argv.indexOf('--runs');
const runs = at > 0 ? Number(process.argv[at + 1]) : 21;
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lrpjs-startup-'));
const digits = readNpy(readFileSync(join(root, 'models/digits.npy')));
const one = join(dir, 'one.npy');
writeFileSync(one, writeNpy({ dtype: digits.dtype, data: digits.data.slice(0, 28 * 28), shape: [1, 28, 28, 1] }));

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Median and best wall ms and, where /usr/bin/time exists, CPU ms (user + sys) of `node args`. */
function measure(args) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', 'cpu %U %S', process.execPath, ...args], { encoding: 'utf8' })
      : spawnSync(process.execPath, args, { encoding: 'utf8' });
    wall.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    const m = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
    if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  const med = (a) => (a.length ? [...a].sort((x, y) => x - y)[a.length >> 1] : Number.NaN);
  return { wall: med(wall), wallBest: Math.min(...wall), cpu: med(cpu), cpuBest: cpu.length ? Math.min(...cpu) : Number.NaN };
}

/** @type {[string, string[]][]} */
const rows = [
  ['node -e 0', ['-e', '0']],
  ['lrp explain, one LeNet-5 digit', [join(root, 'dist/cli.js'), 'explain', '--model', join(root, 'models/mnist-cnn.txt'), '--input', one, '--out', join(dir, 'R.npy')]],
];
console.log(`whole process, ${runs} runs each (ms): median wall, best wall, median CPU, best CPU`);
for (const [name, args] of rows) {
  const m = measure(args);
  console.log(`${name.padEnd(32)} ${m.wall.toFixed(0).padStart(6)} ${m.wallBest.toFixed(0).padStart(6)} ${m.cpu.toFixed(0).padStart(6)} ${m.cpuBest.toFixed(0).padStart(6)}`);
}
rmSync(dir, { recursive: true, force: true });
