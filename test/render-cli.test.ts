import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { runCli as lrp } from './support/run-cli.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { toFloat64 } from '../src/tensor.js';
import { writeTextModel } from '../src/io/text-model.js';
import { heatmaps } from '../src/render/heatmap.js';
import type { RgbaImage } from '../src/render/images.js';
import { decodePng } from '../src/render/png.js';
import { binaryOfUnit, maxByteDifference } from './support/binary-bytes.js';
import { randomCnn, randomInput, randomMlp } from './support/random-model.js';

/** Runs the CLI in-process, capturing its streams. */
const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-render-'));
const save = (name: string, data: Float64Array, shape: number[]) => {
  const path = join(tmp, name);
  writeFileSync(path, writeNpy({ dtype: 'float64', data, shape }));
  return path;
};
const png = (path: string) => decodePng(new Uint8Array(readFileSync(path)));
const pixel = (img: RgbaImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

/** True when columns [x0, x0 + n) are black (alpha 255) in every row. */
function blackColumns(img: RgbaImage, x0: number, n: number): boolean {
  for (let y = 0; y < img.height; y++) for (let x = x0; x < x0 + n; x++) if (pixel(img, x, y).join() !== '0,0,0,255') return false;
  return true;
}

/** The `w`-pixel-wide tile of `img` starting at column x0. */
function tile(img: RgbaImage, x0: number, w: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * img.height * 4);
  for (let y = 0; y < img.height; y++) out.set(img.data.subarray((y * img.width + x0) * 4, (y * img.width + x0 + w) * 4), y * w * 4);
  return out;
}

// Three 8×8 single-channel maps of different magnitudes, and inputs in [0, 1].
const R = randomInput(3, 3, [8, 8, 1]);
R.data.forEach((v, i) => ((R.data as Float64Array)[i] = v * (1 + Math.floor(i / 64) * 4)));
const X = Float64Array.from({ length: 3 * 64 }, (_, i) => ((i * 7) % 64) / 63);
const relevance = save('R.npy', Float64Array.from(R.data), [3, 8, 8, 1]);
const input = save('X.npy', X, [3, 8, 8, 1]);

describe('lrp render', () => {
  it('writes one strip of input | heatmap pairs with 2-px black gaps', async () => {
    const out = join(tmp, 'pairs.png');
    const r = await lrp('render', '--relevance', relevance, '--input', input, '--cmap', 'jet', '--scale', '2', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote 3 heatmaps of \[3, 8, 8, 1\] \(106 × 16 px\)/);
    const img = png(out);
    expect([img.width, img.height]).toEqual([6 * 16 + 5 * 2, 16]);
    for (let k = 1; k < 6; k++) expect(blackColumns(img, k * 18 - 2, 2)).toBe(true);
    // Heatmap tiles are exactly the library's heatmaps (per-sample scaling, jet, ×2).
    const maps = heatmaps(R, { scale: 2, layout: 'NHWC' });
    for (let s = 0; s < 3; s++) expect(tile(img, (2 * s + 1) * 18, 16)).toEqual(maps[s]!.data);
    // Input tiles, whole: binary after min-max scaling (each sample spans 0..1 already), ×2 nearest neighbour.
    for (let s = 0; s < 3; s++) {
      const big = Array.from({ length: 256 }, (_, p) => X[s * 64 + Math.floor(p / 16 / 2) * 8 + Math.floor((p % 16) / 2)]!);
      expect(maxByteDifference(tile(img, 2 * s * 18, 16), binaryOfUnit(big)), `input tile ${s}`).toBeLessThanOrEqual(1);
    }
    expect(pixel(img, 0, 0)).toEqual([255, 255, 255, 255]); // X[0] = 0 is white
  });

  it('without --input writes the heatmaps alone, ×3 by default; flat [N, D] samples are shown square', async () => {
    const out = join(tmp, 'flat.png');
    const flat = save('flat.npy', Float64Array.from(R.data.subarray(0, 128)), [2, 64]);
    expect((await lrp('render', '--relevance', flat, '--out', out)).code).toBe(0);
    const img = png(out);
    expect([img.width, img.height]).toEqual([2 * 24 + 2, 24]);
    expect(blackColumns(img, 24, 2)).toBe(true);
    expect(tile(img, 0, 24)).toEqual(heatmaps(R, { scale: 3, layout: 'NHWC' })[0]!.data);
  });

  it('--normalize batch scales every map by the batch maximum', async () => {
    const [a, b] = [join(tmp, 'sample.png'), join(tmp, 'batch.png')];
    expect((await lrp('render', '--relevance', relevance, '--scale', '1', '--out', a)).code).toBe(0);
    expect((await lrp('render', '--relevance', relevance, '--scale', '1', '--normalize', 'batch', '--out', b)).code).toBe(0);
    const [sample, batch] = [png(a), png(b)];
    expect(tile(batch, 2 * 10, 8)).toEqual(tile(sample, 2 * 10, 8)); // the largest map is the same
    expect(tile(batch, 0, 8)).not.toEqual(tile(sample, 0, 8)); // the smallest one is paler
    expect(tile(batch, 0, 8)).toEqual(heatmaps(R, { scale: 1, layout: 'NHWC', normalize: 'batch' })[0]!.data);
  });

  const inputTensor = { data: X, shape: [3, 8, 8, 1] };
  it.each([
    [['--percentile', '90'], { percentile: 90 }],
    [['--reduce', 'maxabs'], { reduce: 'maxabs' }],
    [['--outline'], { outline: inputTensor }],
    [['--cmap', 'gray-red'], { cmap: 'gray-red' }],
    [['--cmap', 'coldnhot'], { cmap: 'coldnhot' }],
  ] as const)('%j draws the heatmaps of the library option %j', async (opt, options) => {
    const out = join(tmp, `opt-${opt.join('-')}.png`);
    const r = await lrp('render', '--relevance', relevance, '--input', input, ...opt, '--out', out);
    expect(r.err).not.toMatch(/^lrp: E_/);
    expect(r.code).toBe(0);
    const img = png(out);
    expect(img.width).toBe(6 * 24 + 5 * 2);
    const maps = heatmaps(R, { scale: 3, layout: 'NHWC', ...options });
    const plain = heatmaps(R, { scale: 3, layout: 'NHWC' });
    for (let s = 0; s < 3; s++) expect(tile(img, (2 * s + 1) * 26, 24), `sample ${s}`).toEqual(maps[s]!.data);
    // the option changes the picture (reduce is the exception: one channel, so maxabs = sum)
    if (opt[0] !== '--reduce') expect(maps.some((m, s) => maxByteDifference(m.data, plain[s]!.data) > 0)).toBe(true);
  });

  const nan = save('nan.npy', Float64Array.from({ length: 16 }, (_, i) => (i === 5 ? NaN : i)), [1, 4, 4, 1]);
  const other = save('other.npy', new Float64Array(2 * 9), [2, 3, 3, 1]);
  const out = join(tmp, 'bad.png');
  it.each([
    [['--relevance', join(tmp, 'missing.npy'), '--out', out], 'E_IO', /missing\.npy: cannot read: ENOENT/],
    [['--relevance', relevance, '--cmap', 'rainbow', '--out', out], 'E_RULE', /unknown colormap 'rainbow'/],
    [['--relevance', nan, '--out', out], 'E_INPUT', /NaN at element 5/],
    [['--relevance', relevance, '--input', other, '--out', out], 'E_SHAPE', /input \[2, 3, 3, 1\] does not match relevance \[3, 8, 8, 1\]/],
    [['--relevance', relevance, '--normalize', 'global', '--out', out], 'E_USAGE', /--normalize must be sample or batch/],
    [['--relevance', relevance, '--reduce', 'mean2', '--out', out], 'E_USAGE', /--reduce/],
    [['--relevance', relevance, '--scale', '0', '--out', out], 'E_USAGE', /--scale/],
    [['--relevance', relevance, '--percentile', '150', '--out', out], 'E_USAGE', /--percentile/],
    [['--relevance', relevance, '--outline', '--out', out], 'E_USAGE', /--outline needs --input/],
    [['--relevance', relevance, '--out', join(tmp, 'r.jpg')], 'E_USAGE', /\.png/],
    [['--relevance', relevance], 'E_USAGE', /missing --out/],
  ])('%j fails with exit 2 and one line', async (argv, code, message) => {
    const r = await lrp('render', ...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^lrp: ${code} `));
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('lrp explain --heatmap', () => {
  it('writes <index>_heatmap.png per sample: input | heatmap of a CNN', async () => {
    const { model, inShape } = randomCnn(5);
    const modelPath = join(tmp, 'cnn.txt');
    writeFileSync(modelPath, writeTextModel(model));
    const x = randomInput(6, 3, inShape);
    const xPath = save('cnn-x.npy', Float64Array.from(x.data), [3, ...inShape]);
    const dir = join(tmp, 'heat-cnn');
    const r = await lrp('explain', '--model', modelPath, '--input', xPath, '--rule', 'epsilon=0.01', '--out', join(tmp, 'cnn-r.npy'), '--heatmap', dir);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`wrote 3 heatmaps to ${dir}`);
    expect(readdirSync(dir).sort()).toEqual(['0_heatmap.png', '1_heatmap.png', '2_heatmap.png']);
    const side = inShape[0]! * 3;
    // each strip's heatmap half is the library's heatmap of the relevance the command wrote
    const written = toFloat64(readNpy(new Uint8Array(readFileSync(join(tmp, 'cnn-r.npy')))));
    const maps = heatmaps(written, { scale: 3, layout: 'NHWC' });
    for (let s = 0; s < 3; s++) {
      const img = png(join(dir, `${s}_heatmap.png`));
      expect([img.width, img.height]).toEqual([2 * side + 2, side]);
      expect(blackColumns(img, side, 2)).toBe(true);
      expect(tile(img, side + 2, side), `sample ${s}`).toEqual(maps[s]!.data);
    }
  });

  it('works with relevance printed to stdout and flat MLP inputs shown square', async () => {
    const modelPath = join(tmp, 'mlp16.txt');
    writeFileSync(modelPath, writeTextModel(randomMlp(2, [16, 8, 3])));
    const xPath = save('mlp-x.npy', Float64Array.from(randomInput(7, 2, [16]).data), [2, 16]);
    const dir = join(tmp, 'heat-mlp');
    const r = await lrp('explain', '--model', modelPath, '--input', xPath, '--heatmap', dir);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(2);
    expect(readdirSync(dir).sort()).toEqual(['0_heatmap.png', '1_heatmap.png']);
    expect([png(join(dir, '1_heatmap.png')).width, png(join(dir, '1_heatmap.png')).height]).toEqual([2 * 12 + 2, 12]);
  });
});
