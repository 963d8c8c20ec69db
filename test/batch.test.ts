import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { entryKey } from '../src/batch/output-store.js';
import { isTemporaryName } from '../src/io/atomic-write.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { randomMlp, uniform } from './support/random-model.js';
import { encodePng } from '../src/render/png.js';
import { digitBytes, digitModel, filesUnder, greyRgba, writeDigitPngs, writeDigitStack } from './support/digit-images.js';
import { built, describeWith } from './support/requirements.js';
import { cliBinary, ended, runCli, spawnCli } from './support/run-cli.js';
import { projectRoot } from './fixtures.js';

// `lrp batch` on one machine: the same numbers and pictures as `lrp explain`, restartable,
// shardable, and every bad input failing alone with a line in errors.csv.

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-batch-'));
const N = 40;
let root: string;

/** The values of a .npy file as float64. */
function floats(path: string): Float64Array {
  return Float64Array.from(readNpy(readFileSync(path)).data as Float32Array | Float64Array);
}

/** The outputs of a batch folder that are results (not the parts folder). */
function results(out: string): Map<string, Buffer> {
  return new Map([...filesUnder(out)].filter(([p]) => !p.startsWith('.lrp-batch')));
}

async function batch(...argv: string[]) {
  const r = await runCli('batch', '--model', digitModel, ...argv);
  return r;
}

beforeAll(() => {
  root = join(tmp, 'data');
  const files = writeDigitPngs(root, N);
  writeFileSync(join(root, 'list.txt'), `${files.join('\n')}\n`);
  writeDigitStack(join(root, 'x.npy'), N);
});

describe('lrp batch = lrp explain, bit for bit', () => {
  it('default rule: every .relevance.npy equals its row of explain --out, every .heatmap.png the bytes of explain --heatmap', async () => {
    const out = join(tmp, 'eq-default');
    const b = await batch('--files', join(root, 'list.txt'), '--out', out, '--batch-size', '7');
    expect(b.err).toContain(`${N} explained, 0 done before, 0 failed`);
    expect(b.code).toBe(0);
    const e = await runCli('explain', '--model', digitModel, '--input', join(root, 'x.npy'), '--out', join(tmp, 'eq-R.npy'), '--heatmap', join(tmp, 'eq-hm'));
    expect(e.code).toBe(0);
    const R = readNpy(readFileSync(join(tmp, 'eq-R.npy')));
    for (let i = 0; i < N; i++) {
      const r = readNpy(readFileSync(join(out, `imgs/d${i}.png.relevance.npy`)));
      expect(r.shape).toEqual([1, 28, 28, 1]);
      expect(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)).toEqual(Buffer.from(R.data.buffer, R.data.byteOffset + i * 784 * 4, 784 * 4));
      expect(readFileSync(join(out, `imgs/d${i}.png.heatmap.png`))).toEqual(readFileSync(join(tmp, 'eq-hm', `${i}_heatmap.png`)));
    }
    const scores = readFileSync(join(out, 'scores.csv'), 'utf8').trim().split('\n');
    expect(scores[0]).toBe(`file,${Array.from({ length: 10 }, (_, k) => `class_${k + 1},score_${k + 1}`).join(',')},explained_class,relevance_sum`);
    expect(scores).toHaveLength(N + 1);
    for (const line of scores.slice(1)) {
      const f = line.split(',');
      expect(f[21]).toBe(f[1]); // argmax explained: the top class
      const i = Number(/d(\d+)\.png/.exec(f[0]!)![1]);
      const sum = Array.from(R.data.subarray(i * 784, (i + 1) * 784) as Float32Array).reduce((a, v) => a + v, 0);
      expect(Number(f[22])).toBeCloseTo(sum, 3);
    }
    expect(readFileSync(join(out, 'errors.csv'), 'utf8')).toBe('file,line,code,message\n');
  });

  it('explain options pass through (rule, target, dtype): equal to explain with the same flags; .npy samples too', async () => {
    const flags = ['--rule', 'alphabeta=2', '--target', '3', '--dtype', 'f64'];
    const dir = join(tmp, 'eq-flags');
    mkdirSync(dir, { recursive: true });
    const x = readNpy(readFileSync(join(root, 'x.npy')));
    writeFileSync(join(dir, 'a.npy'), writeNpy({ dtype: 'float64', data: x.data.slice(0, 784) as Float64Array, shape: [28, 28, 1] }));
    writeFileSync(join(dir, 'b.npy'), writeNpy({ dtype: 'float64', data: x.data.slice(784, 2 * 784) as Float64Array, shape: [1, 28, 28, 1] }));
    writeFileSync(join(dir, 'list.txt'), 'a.npy\nb.npy -1\n');
    const b = await batch('-f', join(dir, 'list.txt'), '--out', join(dir, 'out'), ...flags);
    expect(b.code, b.err).toBe(0);
    const e = await runCli('explain', '--model', digitModel, '--input', join(root, 'x.npy'), '--out', join(dir, 'R.npy'), ...flags);
    expect(e.code).toBe(0);
    const R = readNpy(readFileSync(join(dir, 'R.npy')));
    expect(R.dtype).toBe('float64');
    for (const [i, name] of ['a.npy', 'b.npy'].entries()) {
      expect(Array.from(floats(join(dir, 'out', `${name}.relevance.npy`)))).toEqual(Array.from((R.data as Float64Array).subarray(i * 784, (i + 1) * 784)));
    }
    expect(readFileSync(join(dir, 'out', 'scores.csv'), 'utf8')).toMatch(/\na\.npy,(?:[^,]*,){20}3,/);
  });

  it('a class in the list overrides the default; the toolbox code -2 is refused for that entry alone', async () => {
    const dir = join(tmp, 'classes');
    writeDigitPngs(dir, 3);
    writeFileSync(join(dir, 'list.txt'), 'imgs/d0.png 7\nimgs/d1.png -1\nimgs/d2.png -2\n');
    const b = await batch('-f', join(dir, 'list.txt'), '--out', join(dir, 'out'));
    expect(b.code).toBe(0);
    const rows = readFileSync(join(dir, 'out', 'scores.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[21] === '7', r[21] === r[1]])).toEqual([
      ['imgs/d0.png', true, false],
      ['imgs/d1.png', false, true],
    ]);
    expect(readFileSync(join(dir, 'out', 'errors.csv'), 'utf8')).toMatch(/^imgs\/d2\.png,3,E_INPUT,.*class -2/m);
  });
});

describe('images: JPEG, resizing, cropping, preprocessing', () => {
  it('a 2x enlarged PNG and a PNG with 6 extra columns each side give the 28 x 28 result bit for bit; a JPEG is explained', async () => {
    const dir = join(tmp, 'geometry');
    mkdirSync(dir, { recursive: true });
    const px = digitBytes(5);
    const big = new Uint8Array(56 * 56);
    for (let y = 0; y < 56; y++) for (let x = 0; x < 56; x++) big[y * 56 + x] = px[(y >> 1) * 28 + (x >> 1)]!;
    const wide = new Uint8Array(28 * 40).fill(200);
    for (let y = 0; y < 28; y++) wide.set(px.subarray(y * 28, (y + 1) * 28), y * 40 + 6);
    writeFileSync(join(dir, 'small.png'), encodePng({ width: 28, height: 28, data: greyRgba(px) }));
    writeFileSync(join(dir, 'big.png'), encodePng({ width: 56, height: 56, data: greyRgba(big) }));
    writeFileSync(join(dir, 'wide.png'), encodePng({ width: 40, height: 28, data: greyRgba(wide) }));
    const rgba = greyRgba(px);
    writeFileSync(join(dir, 'photo.jpg'), jpeg.encode({ width: 28, height: 28, data: Buffer.from(rgba.buffer) }, 100).data);
    writeFileSync(join(dir, 'list.txt'), 'small.png\nbig.png\nwide.png\nphoto.jpg\n');
    const b = await batch('-f', join(dir, 'list.txt'), '--out', join(dir, 'out'));
    expect(b.err).toContain('4 explained');
    const rel = (n: string) => readFileSync(join(dir, 'out', `${n}.relevance.npy`));
    expect(rel('big.png')).toEqual(rel('small.png'));
    expect(rel('wide.png')).toEqual(rel('small.png'));
    const a = floats(join(dir, 'out', 'small.png.relevance.npy'));
    const j = floats(join(dir, 'out', 'photo.jpg.relevance.npy'));
    const scale = Math.max(...Array.from(a, Math.abs));
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - j[i]!))) / scale).toBeLessThan(0.2); // lossy, yet the same digit
  });

  it('an RGB model taking flat [192] inputs gets 8 x 8 colour images (HWC order): equal to explain on those values', async () => {
    const dir = join(tmp, 'rgb');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mlp.txt'), writeTextModel(randomMlp(5, [192, 12, 4])));
    const rand = uniform(11);
    const pixels = Array.from({ length: 5 }, () => Uint8Array.from({ length: 192 }, () => Math.floor(rand() * 256)));
    pixels.forEach((p, i) => {
      const rgba = new Uint8ClampedArray(64 * 4);
      for (let q = 0; q < 64; q++) rgba.set([p[3 * q]!, p[3 * q + 1]!, p[3 * q + 2]!, 255], 4 * q);
      writeFileSync(join(dir, `c${i}.png`), encodePng({ width: 8, height: 8, data: rgba }));
    });
    writeFileSync(join(dir, 'list.txt'), pixels.map((_, i) => `c${i}.png`).join('\n'));
    const b = await runCli('batch', '--model', join(dir, 'mlp.txt'), '-f', join(dir, 'list.txt'), '--out', join(dir, 'out'));
    expect(b.err).toContain('5 explained');
    const data = Float64Array.from(pixels.flatMap((p) => Array.from(p, (v) => v / 255)));
    writeFileSync(join(dir, 'x.npy'), writeNpy({ dtype: 'float64', data, shape: [5, 192] }));
    await runCli('explain', '--model', join(dir, 'mlp.txt'), '--input', join(dir, 'x.npy'), '--out', join(dir, 'R.npy'));
    const R = floats(join(dir, 'R.npy'));
    for (let i = 0; i < 5; i++) expect(Array.from(floats(join(dir, 'out', `c${i}.png.relevance.npy`)))).toEqual(Array.from(R.subarray(i * 192, (i + 1) * 192)));
  });

  it('--pixel-range and --means change the input as stated (pixel 255 -> 1, then minus the mean): equal to explain on those values', async () => {
    const dir = join(tmp, 'pre');
    const files = writeDigitPngs(dir, 4);
    writeFileSync(join(dir, 'list.txt'), files.join('\n'));
    const b = await batch('-f', join(dir, 'list.txt'), '--out', join(dir, 'out'), '--pixel-range', '-1,1', '--means', '0.25');
    expect(b.code, b.err).toBe(0);
    const data = new Float64Array(4 * 784);
    for (let i = 0; i < 4; i++) digitBytes(i).forEach((v, p) => (data[i * 784 + p] = -1 + (2 * v) / 255 - 0.25));
    writeFileSync(join(dir, 'x.npy'), writeNpy({ dtype: 'float64', data, shape: [4, 28, 28, 1] }));
    await runCli('explain', '--model', digitModel, '--input', join(dir, 'x.npy'), '--out', join(dir, 'R.npy'));
    const R = (readNpy(readFileSync(join(dir, 'R.npy'))).data as Float64Array);
    for (let i = 0; i < 4; i++) expect(Array.from((readNpy(readFileSync(join(dir, 'out', `imgs/d${i}.png.relevance.npy`))).data as Float64Array))).toEqual(Array.from(R.subarray(i * 784, (i + 1) * 784)));
  });
});

describe('bad entries fail alone, in errors.csv', () => {
  it('corrupt and foreign files, escaping paths, missing files, several samples: one line each; the good inputs are explained; nothing outside OUT', async () => {
    const dir = join(tmp, 'bad');
    const good = writeDigitPngs(dir, 3);
    const png = readFileSync(join(dir, good[0]!));
    writeFileSync(join(dir, 'truncated.png'), png.subarray(0, 60));
    const flipped = Buffer.from(png);
    flipped[flipped.length - 20]! ^= 0xff;
    writeFileSync(join(dir, 'crc.png'), flipped);
    writeFileSync(join(dir, 'noise.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(200, 7)]));
    writeFileSync(join(dir, 'text.png'), 'hello\n');
    writeFileSync(join(dir, 'two.npy'), writeNpy({ dtype: 'float64', data: new Float64Array(2 * 784), shape: [2, 28, 28, 1] }));
    writeFileSync(join(dir, 'flat.npy'), writeNpy({ dtype: 'float64', data: new Float64Array(10), shape: [10] }));
    const list = [good[0], 'truncated.png', 'crc.png', 'noise.jpg', 'text.png', 'two.npy', 'flat.npy', '../bad/imgs/d1.png', '/etc/hostname', 'missing.png', good[1], `${good[1]} 4`, good[2]];
    writeFileSync(join(dir, 'list.txt'), `${list.join('\n')}\n`);
    const out = join(dir, 'sub', 'out');
    const b = await batch('-f', join(dir, 'list.txt'), '--out', out);
    expect(b.code, b.err).toBe(0);
    expect(b.err).toContain('3 explained, 0 done before, 9 failed');
    expect(b.err).toContain('list.txt: 1 lines name a file listed before (lines 12); the first line counts');
    const errors = readFileSync(join(out, 'errors.csv'), 'utf8').trim().split('\n').slice(1);
    const byFile = Object.fromEntries(errors.map((l) => [l.split(',')[0], l.split(',').slice(1, 3).join(',')]));
    expect(byFile).toEqual({
      '../bad/imgs/d1.png': '8,E_USAGE',
      '/etc/hostname': '9,E_USAGE',
      'crc.png': '3,E_FORMAT',
      'flat.npy': '7,E_SHAPE',
      'missing.png': '10,E_IO',
      'noise.jpg': '4,E_FORMAT',
      'text.png': '5,E_FORMAT',
      'truncated.png': '2,E_FORMAT',
      'two.npy': '6,E_SHAPE',
    });
    expect(readdirSync(join(dir, 'sub'))).toEqual(['out']);
    expect(readFileSync(join(out, 'scores.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('usage errors name their flag or config line: bad --shard, queue-only options, a config key that does not apply', async () => {
    const list = join(root, 'list.txt');
    const cases: [string[], RegExp][] = [
      [['--shard', '0/3'], /^lrp: E_USAGE --shard: needs I\/N/],
      [['--shard', '4/3'], /^lrp: E_USAGE --shard:/],
      [['--chunk-size', '5'], /^lrp: E_USAGE --chunk-size: only applies with --queue/],
      [['--target', 'targets.npy'], /^lrp: E_USAGE --target:/],
      [['--input-size', '0x3'], /^lrp: E_USAGE --input-size:/],
      [['--means', '1,x'], /^lrp: E_USAGE --means:/],
      [['--cmap', 'nope'], /^lrp: E_RULE --cmap:/],
      [['--queue', 'http://x/y'], /^lrp: E_USAGE --queue: needs a redis:\/\/ URL/],
    ];
    for (const [flags, pattern] of cases) {
      const r = await batch('-f', list, '--out', join(tmp, 'never'), ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err, flags.join(' ')).toMatch(pattern);
    }
    expect((await runCli('batch', '--merge', join(tmp, 'x'), '--model', 'm')).err).toMatch(/^lrp: E_USAGE --model: does not go with --merge/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });
});

describe('demonstrator config (-c)', () => {
  it('its keys act as the options they map to (the command line wins); unknown and Caffe-only keys are refused with their line', async () => {
    const dir = join(tmp, 'config');
    mkdirSync(dir, { recursive: true });
    const cfg = join(dir, 'demo.cfg');
    writeFileSync(cfg, '# lrp batch config\nrelpropformulatype\n2\nalphabeta_beta\n1\ntopk\n3\nlastlayerindex\n-1\ncolormap\nbwr\n');
    const a = await batch('-c', cfg, '-f', join(root, 'list.txt'), '--out', join(dir, 'a'), '--top-k', '4');
    expect(a.code, a.err).toBe(0);
    const b = await batch('-f', join(root, 'list.txt'), '--out', join(dir, 'b'), '--formula', '2', '--beta', '1', '--top-k', '4', '--cmap', 'bwr');
    expect(b.code, b.err).toBe(0);
    expect(results(join(dir, 'a'))).toEqual(results(join(dir, 'b')));
    expect(readFileSync(join(dir, 'a', 'scores.csv'), 'utf8').split('\n')[0]).toContain('class_4,score_4,explained_class');
    await batch('-f', join(root, 'list.txt'), '--out', join(dir, 'c'), '--formula', '2', '--beta', '1', '--top-k', '4');
    expect(results(join(dir, 'c'))).not.toEqual(results(join(dir, 'a'))); // the colormap did apply
    for (const [text, pattern] of [
      ['epsstab\n0.1\nfoo_key\n3\n', /^lrp: E_USAGE .*demo2\.cfg:3: unknown key 'foo_key'/],
      ['param_file\nx.prototxt\n', /^lrp: E_USAGE .*demo2\.cfg:1: key 'param_file' does not apply/],
      ['epsstab\nsmall\n', /^lrp: E_USAGE .*demo2\.cfg:2 \(epsstab\): needs a number/],
      ['lastlayerindex\n-2\n', /demo2\.cfg:2 \(lastlayerindex\): only -1/],
      ['relpropformulatype\n', /demo2\.cfg:1: key 'relpropformulatype' needs its value/],
    ] as const) {
      writeFileSync(join(dir, 'demo2.cfg'), text);
      const r = await batch('-c', join(dir, 'demo2.cfg'), '-f', join(root, 'list.txt'), '--out', join(dir, 'never'));
      expect(r.code, text).toBe(2);
      expect(r.err, text).toMatch(pattern);
    }
  });
});

describe('restartable and shardable', () => {
  it('a rerun skips what is done; lost outputs or parts are redone; the result equals an uninterrupted run; --no-resume redoes all', async () => {
    const out = join(tmp, 'resume');
    const list = join(root, 'list.txt');
    expect((await batch('-f', list, '--out', out)).err).toContain(`${N} explained`);
    const first = filesUnder(out);
    const mtime = statSync(join(out, 'imgs/d0.png.relevance.npy')).mtimeMs;
    expect((await batch('-f', list, '--out', out)).err).toContain(`0 explained, ${N} done before`);
    expect(statSync(join(out, 'imgs/d0.png.relevance.npy')).mtimeMs).toBe(mtime);
    rmSync(join(out, 'imgs/d3.png.relevance.npy'));
    rmSync(join(out, 'imgs/d4.png.heatmap.png'));
    rmSync(join(out, '.lrp-batch', 'rows', `${entryKey('imgs/d5.png')}.csv`));
    rmSync(join(out, 'scores.csv'));
    expect((await batch('-f', list, '--out', out)).err).toContain(`3 explained, ${N - 3} done before`);
    expect(filesUnder(out)).toEqual(first);
    expect((await batch('-f', list, '--out', out, '--no-resume')).err).toContain(`${N} explained, 0 done before`);
    expect(filesUnder(out)).toEqual(first);
  });

  it('shards 1/3, 2/3 and 3/3 are disjoint, together the whole, and --merge gives the scores.csv of one run', async () => {
    const list = join(root, 'list.txt');
    const whole = join(tmp, 'whole');
    await batch('-f', list, '--out', whole);
    const out = join(tmp, 'sharded');
    const counts: number[] = [];
    for (const s of ['1/3', '2/3', '3/3']) {
      const r = await batch('-f', list, '--out', out, '--shard', s);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain('--merge');
      counts.push(Number(/(\d+) explained, 0 done before/.exec(r.err)![1]));
    }
    expect(counts.reduce((a, c) => a + c, 0)).toBe(N);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(existsSync(join(out, 'scores.csv'))).toBe(false);
    const m = await runCli('batch', '--merge', out);
    expect(m.code, m.err).toBe(0);
    expect(filesUnder(out)).toEqual(filesUnder(whole));
    // the split depends on the paths only: a reordered list gives the same shard
    const reversed = join(root, 'reversed.txt');
    writeFileSync(reversed, readFileSync(list, 'utf8').trim().split('\n').reverse().join('\n'));
    const again = join(tmp, 'sharded-again');
    await batch('-f', reversed, '--out', again, '--shard', '2/3');
    expect([...results(again).keys()].sort()).toEqual([...results(out).keys()].filter((k) => k.startsWith('imgs/')).filter((k) => existsSync(join(again, k))).sort());
    expect(results(again).size).toBe(counts[1]! * 2);
  });
});

describeWith(built('worker-node.cjs'), 'lrp batch --workers', () => {
  it('worker threads give the in-thread files bit for bit (groups of 37 split over 2 threads, down to a chunk of 2)', async () => {
    const dir = join(tmp, 'threads');
    const files = writeDigitPngs(dir, 45);
    writeFileSync(join(dir, 'list.txt'), files.join('\n'));
    const one = await batch('-f', join(dir, 'list.txt'), '--out', join(dir, 'one'), '--batch-size', '37');
    expect(one.code, one.err).toBe(0);
    const two = await batch('-f', join(dir, 'list.txt'), '--out', join(dir, 'two'), '--batch-size', '37', '--workers', '2');
    expect(two.code, two.err).toBe(0);
    expect(filesUnder(join(dir, 'two'))).toEqual(filesUnder(join(dir, 'one')));
    expect((await batch('-f', join(dir, 'list.txt'), '--out', join(dir, 'x'), '--workers', 'some')).err).toMatch(/^lrp: E_USAGE --workers needs an integer/);
  }, 120_000);
});

describeWith(built('cli.js'), 'lazy loading', () => {
  it('a local run of PNGs never imports bullmq, ioredis or jpeg-js (a JPEG in the list does import jpeg-js)', async () => {
    const dir = join(tmp, 'lazy');
    const files = writeDigitPngs(dir, 3);
    writeFileSync(join(dir, 'list.txt'), files.join('\n'));
    const hooks = join(projectRoot, 'test', 'support', 'block-modules.mjs');
    const runBlocked = (list: string, out: string) =>
      spawnSync(process.execPath, ['--import', hooks, cliBinary, 'batch', '--model', digitModel, '-f', list, '--out', out], {
        encoding: 'utf8',
        env: { ...process.env, LRPJS_BLOCK_MODULES: 'bullmq,ioredis,jpeg-js' },
      });
    const r = runBlocked(join(dir, 'list.txt'), join(dir, 'out'));
    expect(r.stderr).toContain('3 explained');
    expect(r.status).toBe(0);
    writeFileSync(join(dir, 'photo.jpg'), jpeg.encode({ width: 28, height: 28, data: Buffer.from(greyRgba(digitBytes(0)).buffer) }, 90).data);
    writeFileSync(join(dir, 'jpeg.txt'), 'photo.jpg\n');
    const j = runBlocked(join(dir, 'jpeg.txt'), join(dir, 'out-jpeg'));
    expect(j.status).toBe(1); // the hook's refusal surfaces as an internal error: proof that the import happens there
    expect(j.stderr).toContain('blocked module jpeg-js was imported');
  }, 120_000);
});

describeWith(built('cli.js'), 'an interrupted run (SIGKILL) resumes to the same result', () => {
  it('killed mid-run, rerun: every output whole, equal to an uninterrupted run', async () => {
    const dir = join(tmp, 'killed');
    const files = writeDigitPngs(dir, 600);
    writeFileSync(join(dir, 'list.txt'), files.join('\n'));
    const out = join(dir, 'out');
    const child = spawnCli(['batch', '--model', digitModel, '-f', join(dir, 'list.txt'), '--out', out, '--batch-size', '2']);
    const done = ended(child);
    const rows = join(out, '.lrp-batch', 'rows');
    while (!(existsSync(rows) && readdirSync(rows).length >= 20)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    // rows whose write finished; the kill may leave one row's temporary file (.NAME.PID.RANDOM.tmp)
    const before = readdirSync(rows).filter((name) => !isTemporaryName(name)).length;
    expect(before).toBeLessThan(600);
    const again = await batch('-f', join(dir, 'list.txt'), '--out', out);
    expect(again.err).toMatch(new RegExp(`(\\d+) explained, ${before} done before, 0 failed`));
    const clean = join(dir, 'clean');
    await batch('-f', join(dir, 'list.txt'), '--out', clean);
    expect(filesUnder(out)).toEqual(filesUnder(clean));
  }, 240_000);
});
