import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { readNpy } from '../src/io/npy.js';
import { toFloat64, type Tensor } from '../src/tensor.js';
import { canny, digitToRgb, heatmap, heatmaps, hmToRgb, stripImages, toRgba, type RgbaImage } from '../src/render/index.js';
import { decodePng } from '../src/render/png.js';
import { fixture } from './fixtures.js';
import { binaryRgba, greys, maxByteDifference } from './support/binary-bytes.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';

const loadNpy = (...parts: string[]) => toFloat64(readNpy(new Uint8Array(readFileSync(fixture(...parts)))));
const t = (data: number[], shape: number[]): Tensor => ({ data: Float64Array.from(data), shape });

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LrpError) return e.code;
    throw e;
  }
  return undefined;
}

const pixel = (img: RgbaImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));


describe('heatmap pipeline', () => {
  it('normalises by max |R| and maps 0 to the centre', () => {
    const img = heatmap(t([-2, 0, 1, 2], [2, 2]), { cmap: 'binary' });
    expect([img.width, img.height]).toEqual([2, 2]);
    // -1 → v 0 → white; 0 → v .5 → entry 128 = 1 − 128/255 → 127; .5 → entry 192 → 63; 1 → entry 255 → black
    expect(img.data).toEqual(greys([255, 127, 63, 0]));
  });

  it('renders an all-zero map as the colormap centre without NaN', () => {
    for (const cmap of ['jet', 'bwr', 'black-firered', 'gray-red', 'gray-red2', 'black-green', 'blue-black-yellow']) {
      const f = hmToRgb(t([0, 0, 0, 0], [2, 2]), { cmap, scaling: 1 });
      expect(f.data.every(Number.isFinite), cmap).toBe(true);
      const img = heatmap(t([0, 0, 0, 0], [2, 2]), { cmap });
      expect(img.data, cmap).toEqual(Uint8ClampedArray.from([0, 1, 2, 3].flatMap(() => pixel(img, 0, 0))));
    }
    // Zennit's imgify maps 0.5 to uint8 127, whose bwr palette entry is just short of white (128)
    expect(pixel(heatmap(t([0, 0], [1, 2]), { cmap: 'bwr' }), 0, 0)).toEqual([253, 253, 255, 255]);
    expect(pixel(heatmap(t([0, 0], [1, 2]), { cmap: 'seismic' }), 0, 0)).toEqual([255, 253, 253, 255]);
    expect(pixel(heatmap(t([0, 0], [1, 2]), { cmap: 'black-firered' }), 0, 0)).toEqual([0, 0, 0, 255]);
  });

  it('rejects NaN and Inf with E_INPUT', () => {
    expect(code(() => heatmap(t([0, NaN, 1, 2], [2, 2])))).toBe('E_INPUT');
    expect(code(() => heatmap(t([0, Infinity, 1, 2], [2, 2])))).toBe('E_INPUT');
    expect(code(() => hmToRgb(t([0, -Infinity, 1, 2], [2, 2])))).toBe('E_INPUT');
    expect(code(() => heatmap(t([0, 1, 1, 2], [2, 2]), { outline: t([0, NaN, 1, 2], [2, 2]) }))).toBe('E_INPUT');
  });

  it('rejects bad shapes and options', () => {
    expect(code(() => heatmap(t([1, 2, 3], [3])))).toBe('E_SHAPE');
    expect(code(() => heatmap(t([1, 2, 3], [1, 3]), { layout: 'ND' }))).toBe('E_SHAPE');
    expect(code(() => heatmap(t([1, 2, 3, 4], [2, 2]), { layout: 'NHWC' }))).toBe('E_SHAPE');
    expect(code(() => heatmap({ data: new Float64Array(3), shape: [2, 2] }))).toBe('E_SHAPE');
    expect(code(() => heatmap(t([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), { layout: 'NHW' }))).toBe('E_SHAPE');
    expect(code(() => heatmap(t([1, 2, 3, 4], [2, 2]), { cmap: 'nope' }))).toBe('E_RULE');
    expect(code(() => heatmap(t([1, 2, 3, 4], [2, 2]), { scale: 1.5 }))).toBe('E_USAGE');
    expect(code(() => heatmap(t([1, 2, 3, 4], [2, 2]), { scale: 0 }))).toBe('E_USAGE');
    expect(code(() => heatmap(t([1, 2, 3, 4], [2, 2]), { percentile: 101 }))).toBe('E_USAGE');
    expect(code(() => heatmap(t([1, 2, 3, 4], [2, 2]), { reduce: 'median' as 'sum' }))).toBe('E_USAGE');
    expect(code(() => heatmap(t([1, 2, 3, 4], [2, 2]), { outline: t([1, 2, 3, 4, 5, 6], [2, 3]) }))).toBe('E_SHAPE');
    expect(code(() => hmToRgb(t([1, 2, 3], [3])))).toBe('E_SHAPE');
    expect(code(() => hmToRgb(t([1, 2, 3, 4], [2, 2]), { input: t([1, 2, 3, 4], [2, 2]), sigma: 0 }))).toBe('E_USAGE');
  });

  it('reduces channels by sum or max-abs', () => {
    // one pixel per sample, channels (3, -5): sum -2, maxabs -5; second pixel (1, 1)
    const r = t([3, -5, 1, 1], [1, 2, 2]);
    const sum = heatmap(r, { cmap: 'binary' }); // -2 and 2 → white and black
    expect(sum.data).toEqual(greys([255, 0]));
    const maxabs = heatmap(r, { cmap: 'binary', reduce: 'maxabs' }); // -5 and 1 → white and v .6 → entry 153 → 102
    expect(maxabs.data).toEqual(greys([255, 102]));
    expect(heatmap(r, { cmap: 'binary', reduce: 'mean' }).data).toEqual(sum.data); // same scale-free map
    const chw = heatmap(t([3, 1, -5, 1], [2, 1, 2]), { cmap: 'binary', layout: 'CHW' });
    expect(chw.data).toEqual(sum.data);
  });

  it('normalises per sample or per batch', () => {
    const r = t([1, -1, 4, -4], [2, 1, 2]); // NHW
    const [a, b] = heatmaps(r, { cmap: 'binary', layout: 'NHW' });
    expect(a!.data).toEqual(greys([0, 255]));
    expect(b!.data).toEqual(greys([0, 255]));
    const [c, d] = heatmaps(r, { cmap: 'binary', layout: 'NHW', normalize: 'batch' });
    expect(d!.data).toEqual(greys([0, 255]));
    expect(c!.data).toEqual(greys([95, 159])); // ±1/4 → v .625 / .375 → entries 160 / 96
    const [e, f] = heatmaps(r, { cmap: 'black-green', layout: 'NHW', normalize: 'batch' });
    expect(pixel(f!, 0, 0)).toEqual([0, 255, 0, 255]);
    expect(pixel(e!, 0, 0)).toEqual([0, 63, 0, 255]);
    expect(code(() => heatmap(r, { layout: 'NHW' }))).toBe('E_SHAPE');
  });

  it('clips at a percentile of |R|', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i === 99 ? 1000 : i / 100));
    const img = heatmap(t(values, [10, 10]), { cmap: 'binary', percentile: 50 });
    // numpy's p50 of |R|: halfway between the 50th and 51st smallest, (0.49 + 0.50) / 2; beyond it saturates
    const p50 = (0.49 + 0.5) / 2;
    // every pixel within one level of the hand computation (⌊255 · (1 − k/255)⌋ sits on integers, where
    // the table's rounding decides), and every value beyond p50 exactly black
    const want = binaryRgba(values.map((v) => v / p50));
    expect(maxByteDifference(img.data, want)).toBeLessThanOrEqual(1);
    values.forEach((v, i) => v >= p50 && expect(pixel(img, i % 10, Math.floor(i / 10)), `R = ${v}`).toEqual([0, 0, 0, 255]));
    expect(values.filter((v) => v >= p50)).toHaveLength(50);
    expect(pixel(img, 0, 0)).toEqual([127, 127, 127, 255]); // 0 stays at the centre
    const plain = heatmap(t(values, [10, 10]), { cmap: 'binary' });
    const wantPlain = binaryRgba(values.map((v) => v / 1000));
    expect(maxByteDifference(plain.data, wantPlain)).toBeLessThanOrEqual(1);
  });

  it('enlarges by an integer factor and reads flat samples', () => {
    const img = heatmap(t([-1, 1, 1, -1], [1, 4]), { cmap: 'binary', layout: 'ND', scale: 3 });
    expect([img.width, img.height]).toEqual([6, 6]);
    // pixel (x, y) of the ×3 image is source pixel (⌊x/3⌋, ⌊y/3⌋) of the 2×2 map [[-1, 1], [1, -1]]
    const big = Array.from({ length: 36 }, (_, p) => [-1, 1, 1, -1][Math.floor(p / 6 / 3) * 2 + Math.floor((p % 6) / 3)]!);
    expect(img.data).toEqual(binaryRgba(big));
    const wide = heatmap(t([-1, 1, 1, -1, 0, 0], [1, 6]), { cmap: 'binary', layout: 'ND', shape: [2, 3] });
    expect([wide.width, wide.height]).toEqual([3, 2]);
    expect(wide.data).toEqual(greys([255, 0, 0, 255, 127, 127]));
  });

  it('canny finds the border of a square', () => {
    const n = 24;
    const data = new Float64Array(n * n);
    for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) data[y * n + x] = 1;
    const edges = canny({ height: n, width: n, data }, { sigma: 1 });
    expect(edges[12 * n + 12]).toBe(0); // centre is flat
    expect(edges[0]).toBe(0);
    const count = edges.reduce((s, v) => s + v, 0);
    expect(count).toBeGreaterThan(20);
    expect(count).toBeLessThan(60);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (edges[y * n + x]) expect(Math.abs(y - 11.5) > 2 || Math.abs(x - 11.5) > 2).toBe(true);
  });

  it('joins images with a 2-px black gap', () => {
    const a = toRgba({ width: 1, height: 2, data: Float64Array.from([1, 1, 1, 0.5, 0.5, 0.5]) });
    const b = toRgba({ width: 2, height: 2, data: new Float64Array(12).fill(1) });
    const s = stripImages([a, b]);
    expect([s.width, s.height]).toEqual([5, 2]);
    // row by row: a's pixel, the 2-px gap, b's two pixels (0.5 → ⌊127.5⌋)
    expect(s.data).toEqual(greys([255, 0, 0, 255, 255, 127, 0, 0, 255, 255]));
    expect(stripImages([a, b], 0).data).toEqual(greys([255, 255, 255, 127, 255, 255]));
    expect(code(() => stripImages([]))).toBe('E_SHAPE');
    expect(code(() => stripImages([a, toRgba({ width: 1, height: 1, data: new Float64Array(3) })]))).toBe('E_SHAPE');
    expect(code(() => stripImages([a], -1))).toBe('E_USAGE');
  });
});

describeWith(toolboxFixtures, 'render.py outputs in fixtures/render', () => {

  it('digit_to_rgb(X, scaling=3) matches digit_binary_x3.npy', () => {
    const ref = loadNpy('render', 'digit_binary_x3.npy');
    const img = digitToRgb(loadNpy('render', 'X.npy'), { scaling: 3 });
    expect([img.height, img.width, 3]).toEqual(ref.shape);
    let err = 0;
    for (let i = 0; i < ref.data.length; i++) err = Math.max(err, Math.abs(img.data[i]! - ref.data[i]!));
    console.log(`[render] digit_binary_x3: max |error| = ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1 / 255);
  });

  it('hm_to_rgb(R, X, scaling=3, sigma=2) matches hm_jet_x3_edges.npy', () => {
    const ref = loadNpy('render', 'hm_jet_x3_edges.npy');
    const img = hmToRgb(loadNpy('render', 'R.npy'), { input: loadNpy('render', 'X.npy'), scaling: 3, sigma: 2 });
    expect([img.height, img.width, 3]).toEqual(ref.shape);
    const pixels = img.width * img.height;
    let agree = 0;
    let refEdges = 0;
    let ourEdges = 0;
    let err = 0;
    for (let p = 0; p < pixels; p++) {
      const isEdge = (d: ArrayLike<number>) => d[p * 3] === 0 && d[p * 3 + 1] === 0 && d[p * 3 + 2] === 0;
      const a = isEdge(ref.data);
      const b = isEdge(img.data);
      refEdges += +a;
      ourEdges += +b;
      agree += +(a === b);
      for (let c = 0; c < 3; c++) err = Math.max(err, Math.abs(img.data[p * 3 + c]! - ref.data[p * 3 + c]!));
    }
    console.log(`[render] canny outline: ${agree}/${pixels} pixels agree (toolbox ${refEdges} edge px, lrpjs ${ourEdges}); max |error| ${err}`);
    expect(agree / pixels).toBeGreaterThanOrEqual(0.98);
    expect(Math.abs(ourEdges - refEdges)).toBeLessThanOrEqual(0.2 * refEdges);
  });

  it('strip.png equals the strip of digit_to_rgb and the outlined heatmap', () => {
    const ref = decodePng(new Uint8Array(readFileSync(fixture('render', 'strip.png'))));
    const X = loadNpy('render', 'X.npy');
    const R = loadNpy('render', 'R.npy');
    const ours = stripImages([toRgba(digitToRgb(X, { scaling: 3 })), toRgba(hmToRgb(R, { input: X, scaling: 3, sigma: 2 }))]);
    expect([ours.width, ours.height]).toEqual([ref.width, ref.height]);
    let worst = 0;
    let differing = 0;
    for (let i = 0; i < ref.data.length; i++) {
      const d = Math.abs(ours.data[i]! - ref.data[i]!);
      worst = Math.max(worst, d);
      differing += +(d > 0);
    }
    console.log(`[render] strip.png: ${ref.width}x${ref.height}, ${differing} differing channel values, max difference ${worst}/255`);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("heatmap(R, {scale: 3, outline: X}) gives the toolbox's own bytes: the heatmap half of strip.png and hm_jet_x3_edges.npy", () => {
    const R = loadNpy('render', 'R.npy');
    const X = loadNpy('render', 'X.npy');
    const ours = heatmap(R, { scale: 3, outline: X });
    const strip = decodePng(new Uint8Array(readFileSync(fixture('render', 'strip.png'))));
    const edges = loadNpy('render', 'hm_jet_x3_edges.npy');
    expect([ours.height, ours.width, 3]).toEqual(edges.shape);
    const x0 = strip.width - ours.width; // the digit, the 2-px gap, then the heatmap
    let worstStrip = 0;
    let worstNpy = 0;
    for (let y = 0; y < ours.height; y++) {
      for (let x = 0; x < ours.width; x++) {
        for (let c = 0; c < 4; c++) {
          const v = ours.data[(y * ours.width + x) * 4 + c]!;
          worstStrip = Math.max(worstStrip, Math.abs(v - strip.data[(y * strip.width + x0 + x) * 4 + c]!));
          // render.py's save_image: ×255 truncated to uint8
          const want = c === 3 ? 255 : Math.floor(edges.data[(y * ours.width + x) * 3 + c]! * 255);
          worstNpy = Math.max(worstNpy, Math.abs(v - want));
        }
      }
    }
    expect(worstStrip).toBeLessThanOrEqual(1);
    expect(worstNpy).toBeLessThanOrEqual(1);
  });
});
