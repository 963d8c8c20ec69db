// lrp explain/forward in chunks: --workers, --batch-size (one option for both commands), a .npy input
// read a chunk at a time, the relevance .npy written as chunks finish, progress with rate and ETA.
// The in-process runs use src/ (their workers run the built dist/worker-node.cjs); the memory test
// spawns the built bin.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunksInOrder } from '../src/cli/chunked-run.js';
import { formatDuration, progressBar, progressText } from '../src/cli/progress-bar.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { writeMatrixText } from '../src/io/matrix-text.js';
import { toFloat64 } from '../src/tensor.js';
import { projectRoot } from './fixtures.js';
import { runCli as lrp, cliBinary } from './support/run-cli.js';
import { built, itWith } from './support/requirements.js';

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-cli-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cnn = join(projectRoot, 'models', 'mnist-cnn.txt');
const T = 180_000;

/** A seeded batch of `n` 28×28×1 images as a uint8 .npy (what a large input would be). */
function digitsNpy(name: string, n: number, seed = 1): string {
  let s = seed >>> 0;
  const data = new Uint8Array(n * 784);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24 > 160 ? s >>> 24 : 0;
  }
  const path = join(tmp, name);
  writeFileSync(path, writeNpy({ dtype: 'uint8', data, shape: [n, 28, 28, 1] }));
  return path;
}

describe('lrp explain --workers', () => {
  it('--workers 2, 1 and 0, chunks of 37 (odd, not a multiple of 4): the same relevance file, byte for byte; equal to one in-thread batch', async () => {
    const input = digitsNpy('x150.npy', 150);
    const files: Buffer[] = [];
    for (const workers of ['2', '1', '0']) {
      const out = join(tmp, `r-${workers}.npy`);
      const r = await lrp('explain', '--model', cnn, '--input', input, '--rule', 'epsilon=0.01', '--batch-size', '37', '--workers', workers, '--out', out);
      expect(r.err).toBe(`wrote relevance [150, 28, 28, 1] to ${out}\n`);
      expect(r.code).toBe(0);
      files.push(readFileSync(out));
    }
    expect(Buffer.compare(files[0]!, files[1]!)).toBe(0);
    expect(Buffer.compare(files[0]!, files[2]!)).toBe(0);
    const whole = join(tmp, 'r-whole.npy');
    expect((await lrp('explain', '--model', cnn, '--input', input, '--rule', 'epsilon=0.01', '--batch-size', '150', '--out', whole)).code).toBe(0);
    expect(Buffer.compare(files[0]!, readFileSync(whole))).toBe(0);
  }, T);

  it('a .txt input (read whole) gives what the .npy input (read in chunks) gives; stdout prints a sample per line as chunks finish', async () => {
    const npy = digitsNpy('x40.npy', 40, 2);
    const x = toFloat64(readNpy(readFileSync(npy)));
    const txt = join(tmp, 'x40.txt');
    writeFileSync(txt, writeMatrixText({ dtype: 'float64', data: x.data, shape: [40, 784] }));
    const a = await lrp('explain', '--model', cnn, '--input', npy, '--batch-size', '7', '--workers', '2', '--method', 'gradient');
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    const lines = a.out.trim().split('\n');
    expect(lines).toHaveLength(40);
    expect(lines[0]!.split(' ')).toHaveLength(784);
    const b = await lrp('explain', '--model', join(projectRoot, 'models', 'mnist-mlp.txt'), '--input', txt, '--batch-size', '9', '--workers', '2', '--method', 'gradient');
    const c = await lrp('explain', '--model', join(projectRoot, 'models', 'mnist-mlp.txt'), '--input', npy, '--batch-size', '40', '--workers', '0', '--method', 'gradient');
    expect(b.code).toBe(0);
    expect(b.out).toBe(c.out);
  }, T);

  it('SmoothGrad in chunks on workers equals one in-thread batch (each sample keeps its noise)', async () => {
    const input = digitsNpy('x33.npy', 33, 3);
    const run = async (batch: string, workers: string) => {
      const out = join(tmp, `sg-${batch}-${workers}.npy`);
      expect((await lrp('explain', '--model', cnn, '--input', input, '--method', 'smoothgrad', '--samples', '3', '--seed', '7', '--batch-size', batch, '--workers', workers, '--out', out)).code).toBe(0);
      return readFileSync(out);
    };
    expect(Buffer.compare(await run('5', '2'), await run('33', '0'))).toBe(0);
  }, T);

  it('progress: plain lines with rate and ETA when stderr is no terminal (--progress), none with --quiet; bad values are E_USAGE', async () => {
    const input = digitsNpy('x64.npy', 64, 4);
    const p = await lrp('explain', '--model', cnn, '--input', input, '--batch-size', '16', '--workers', '2', '--progress', '--out', join(tmp, 'p.npy'));
    expect(p.code).toBe(0);
    const lines = p.err.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^explain: 64\/64 \(100 %\), [\d.]+ samples\/s, done in \d+ s$/);
    expect(lines.slice(0, -2).every((l) => /^explain: \d+\/64 \(\d+ %\), [\d.]+ samples\/s, ETA (\d+ s|\d+ min \d+ s|\?)$/.test(l))).toBe(true);
    const q = await lrp('explain', '--model', cnn, '--input', input, '--batch-size', '16', '--quiet', '--out', join(tmp, 'q.npy'));
    expect(q).toEqual({ code: 0, out: '', err: '' });
    const both = await lrp('explain', '--model', cnn, '--input', input, '--progress', '--quiet');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/^lrp: E_USAGE --progress\/--quiet: /);
    const bad = await lrp('explain', '--model', cnn, '--input', input, '--workers', 'many');
    expect(bad.err).toBe("lrp: E_USAGE --workers: must be auto or a whole number >= 0, got 'many'\n");
  }, T);

  it('lrp forward shares --batch-size and reads .npy in chunks: the same outputs for any chunk size', async () => {
    const input = digitsNpy('x21.npy', 21, 5);
    const a = await lrp('forward', '--model', cnn, '--input', input, '--batch-size', '4');
    const b = await lrp('forward', '--model', cnn, '--input', input, '--batch-size', '21');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out.trim().split('\n')).toHaveLength(21);
    const out4 = join(tmp, 'y4.npy');
    const out21 = join(tmp, 'y21.npy');
    await lrp('forward', '--model', cnn, '--input', input, '--batch-size', '4', '--out', out4);
    await lrp('forward', '--model', cnn, '--input', input, '--out', out21);
    expect(Buffer.compare(readFileSync(out4), readFileSync(out21))).toBe(0);
  }, T);
});

describe('progress text and chunk order', () => {
  it('formats rate, ETA and durations; a bar redraws on a terminal at most every 100 ms and ends the line', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(progressText('explain', 50, 200, 2)).toBe('explain: 50/200 (25 %), 25.0 samples/s, ETA 6 s');
    expect(progressText('explain', 200, 200, 2)).toBe('explain: 200/200 (100 %), 100 samples/s, done in 2 s');
    let t = 0;
    let err = '';
    const report = progressBar({ out: () => undefined, err: (s) => (err += s), errIsTty: true }, 'explain', 100, 'bar', () => t);
    for (const [time, done] of [[0.05, 10], [0.07, 20], [0.5, 50], [1, 100]] as const) {
      t = time;
      report(done);
    }
    const frames = err.split('\r').filter(Boolean);
    expect(frames).toHaveLength(3); // 20 came 20 ms after 10: not redrawn
    expect(frames[0]).toBe('[##......................] explain: 10/100 (10 %), 200 samples/s, ETA 0 s\x1b[K');
    expect(frames[2]).toBe('[########################] explain: 100/100 (100 %), 100 samples/s, done in 1 s\x1b[K\n');
  });

  it('chunksInOrder: results in sample order whatever order they finish in, at most `inflight` at a time, a failure thrown in place', async () => {
    let running = 0;
    let peak = 0;
    const delays = [30, 5, 20, 1, 15, 2, 9];
    const produce = async (r: { from: number; to: number }) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((res) => setTimeout(res, delays[r.from / 3]));
      running--;
      if (r.from === 18 && fail) throw new Error('chunk 18 failed');
      return r.from;
    };
    let fail = false;
    const seen: number[] = [];
    for await (const [r, v] of chunksInOrder({ n: 20, chunk: 3, inflight: 3, produce })) {
      expect(v).toBe(r.from);
      seen.push(r.from);
    }
    expect(seen).toEqual([0, 3, 6, 9, 12, 15, 18]);
    expect(peak).toBeLessThanOrEqual(3);
    fail = true;
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const [r] of chunksInOrder({ n: 20, chunk: 3, inflight: 2, produce })) got.push(r.from);
      })(),
    ).rejects.toThrow('chunk 18 failed');
    expect(got).toEqual([0, 3, 6, 9, 12, 15]);
  });
});

describe('memory stays bounded by the chunks', () => {
  itWith(built('cli.js'), 'lrp explain on 100,000 LeNet-style inputs (.npy in, .npy out, 2 workers): peak RSS under 1 GiB', async () => {
    const n = 100_000;
    const input = digitsNpy('x100k.npy', n, 6);
    const out = join(tmp, 'r100k.npy');
    const preload = join(tmp, 'peak-rss.cjs');
    // maxRSS of the whole process (main thread and worker threads, which run the preload too), written as it exits
    writeFileSync(preload, "process.on('exit', () => require('node:fs').writeSync(2, 'peak-rss-kib ' + process.resourceUsage().maxRSS + '\\n'));\n");
    const child = spawn(process.execPath, ['--require', preload, cliBinary, 'explain', '--model', cnn, '--input', input, '--method', 'gradient', '--batch-size', '256', '--workers', '2', '--quiet', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, err).toBe(0);
    const peak = Math.max(...[...err.matchAll(/peak-rss-kib (\d+)/g)].map((m) => Number(m[1]) * 1024));
    console.info(`[lrpjs] lrp explain on ${n} samples: peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(2 ** 30);
    const bytes = readFileSync(out);
    const r = readNpy(bytes);
    expect(r.shape).toEqual([n, 28, 28, 1]);
    rmSync(out);
    rmSync(input);
  }, 600_000);
});
