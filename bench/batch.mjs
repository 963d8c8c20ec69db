// `lrp batch` at dataset scale: N digit PNGs (default 10,000, MNIST digits of the `mnist` dev
// package, 28 x 28 grey) explained by LeNet-5 (models/mnist-cnn.txt) with
//   1. one process,
//   2. two local workers: `--workers 2` where the CLI has it, else two processes on --shard 1/2, 2/2,
//   3. two `lrp worker`s on a BullMQ queue (a redis-server started here),
//   4. the same with one worker SIGKILLed half-way (the other finishes, the dead one's job retried);
// prints images/s of each (and the load average: the figures are wall-clock) and checks that every
// run wrote files identical to the one-process run.
// Usage: npm run build && node bench/batch.mjs [N]   (REDIS_SERVER=/path/to/redis-server)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { encodePng } from '../dist/png.js';
import { benchDir } from './load-files.mjs';

const N = Number(process.argv[2] ?? 10_000);
const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const model = new URL('../models/mnist-cnn.txt', import.meta.url).pathname;
const redisServer = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

const dir = benchDir();
console.log(`writing ${N} digit PNGs to ${dir} (${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
const mnist = createRequire(import.meta.url)('mnist');
const digits = Array.from({ length: 10 }, (_, c) => mnist[c].raw);
const lines = [];
mkdirSync(join(dir, 'imgs'));
for (let i = 0; i < N; i++) {
  const set = digits[i % 10];
  const pixels = set[Math.floor(i / 10) % set.length];
  const rgba = new Uint8ClampedArray(784 * 4);
  for (let p = 0; p < 784; p++) rgba.set([Math.round(pixels[p] * 255), Math.round(pixels[p] * 255), Math.round(pixels[p] * 255), 255], 4 * p);
  const name = `imgs/${String(i).padStart(5, '0')}.png`;
  writeFileSync(join(dir, name), encodePng({ width: 28, height: 28, data: rgba }));
  lines.push(name);
}
writeFileSync(join(dir, 'list.txt'), `${lines.join('\n')}\n`);

function run(args) {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, err })));
  return { child, done };
}

async function timed(label, body) {
  const t0 = performance.now();
  await body();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(44)} ${s.toFixed(1).padStart(7)} s  ${(N / s).toFixed(0).padStart(6)} images/s  (load ${loadavg()[0].toFixed(1)})`);
  return s;
}

function ok(r, what) {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.err}`);
}

const base = ['batch', '--model', model, '-f', join(dir, 'list.txt')];
await timed('1 process', async () => ok(await run([...base, '--out', join(dir, 'one')]).done, '1 process'));

const help = spawnSync(process.execPath, [cli, 'batch', '--help'], { encoding: 'utf8' }).stdout;
if (help.includes('--workers')) {
  await timed('1 process, --workers 2', async () => ok(await run([...base, '--out', join(dir, 'two'), '--workers', '2']).done, '--workers 2'));
} else {
  await timed('2 processes (--shard 1/2, 2/2) + --merge', async () => {
    const rs = await Promise.all(['1/2', '2/2'].map((s) => run([...base, '--out', join(dir, 'two'), '--shard', s]).done));
    rs.forEach((r) => ok(r, 'shard'));
    ok(await run(['batch', '--merge', join(dir, 'two')]).done, 'merge');
  });
}

let queueOut;
if (existsSync(redisServer)) {
  const port = await new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = /** @type {import('node:net').AddressInfo} */ (s.address()).port;
      s.close(() => done(p));
    });
  });
  mkdirSync(join(dir, 'redis'));
  const redis = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', join(dir, 'redis')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}/bench`;
  queueOut = join(dir, 'queue');
  await timed('2 queue workers', async () => {
    const workers = [0, 1].map(() => run(['worker', '--queue', url]));
    ok(await run([...base, '--out', join(dir, 'queue-plain'), '--queue', url]).done, 'queue batch');
    for (const w of workers) w.child.kill('SIGTERM');
  });
  let killedAt = -1;
  await timed('2 queue workers, one SIGKILLed mid-run', async () => {
    const workers = [0, 1].map(() => run(['worker', '--queue', url, '--lock-ms', '5000']));
    const batch = run([...base, '--out', queueOut, '--queue', url]);
    const rows = join(queueOut, '.lrp-batch', 'rows');
    while (!(existsSync(rows) && readdirSync(rows).length >= N / 2)) await new Promise((r) => setTimeout(r, 50));
    killedAt = readdirSync(rows).length;
    workers[0].child.kill('SIGKILL');
    ok(await batch.done, 'queue batch');
    workers[1].child.kill('SIGTERM');
  });
  console.log(`  (worker 0 killed after ${killedAt} inputs were done; its job was retried after the lock expired)`);
  redis.kill('SIGTERM');
} else console.log(`no ${redisServer}: queue run skipped`);

function files(root) {
  const out = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.tmp')) out.set(relative(root, p), readFileSync(p));
    }
  };
  walk(root);
  return out;
}
const one = files(join(dir, 'one'));
const others = queueOut ? [join(dir, 'two'), join(dir, 'queue-plain'), queueOut] : [join(dir, 'two')];
for (const other of others) {
  const f = files(other);
  const same = f.size === one.size && [...one].every(([k, v]) => f.get(k)?.equals(v));
  console.log(`${relative(dir, other)}: ${f.size} files, ${same ? 'identical to' : 'DIFFERENT from'} the 1-process run`);
  if (!same) process.exitCode = 1;
}
