import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import { heatmaps } from '../src/render/heatmap.js';
import { conv2dLayer, linearLayer, sequential, simpleLayer } from '../src/model/build.js';
import { classBars } from '../web/src/class-scores.js';
import { emptyGrid, gridFromValues, hasInk, paintSegment } from '../web/src/ink-grid.js';
import { layerRows } from '../web/src/layer-table.js';
import { gridToInput, heatmapLayout, inputGeometry, rgbaToInput } from '../web/src/model-input.js';
import { projectRoot } from './fixtures.js';
import { expectLrpError } from './support/expect-error.js';
import { onnxBytes } from './support/onnx-builder.js';
import { onnxCases } from './support/onnx-cases.js';

// The demo page's pure parts: the ink grid, the model's input as an image, the class bars, the layer table.
describe('web demo: the ink grid', () => {
  it('paints a dab and a stroke about three cells wide, full ink on the line, none far from it, never above 1', () => {
    const dab = paintSegment(emptyGrid(), { x: 14.5, y: 14.5 }, { x: 14.5, y: 14.5 });
    expect(dab.ink[14 * 28 + 14]).toBe(1);
    expect(dab.ink[14 * 28 + 16]).toBe(0);
    expect(dab.ink[14 * 28 + 15]).toBeGreaterThan(0.5);
    const line = paintSegment(emptyGrid(), { x: 4.5, y: 10.5 }, { x: 20.5, y: 10.5 });
    for (let x = 4; x <= 20; x++) expect(line.ink[10 * 28 + x], `x=${x}`).toBe(1);
    expect(line.ink[10 * 28 + 23]).toBe(0);
    expect(line.ink[13 * 28 + 12]).toBe(0);
    expect(Math.max(...line.ink)).toBe(1);
    expect(hasInk(emptyGrid())).toBe(false);
    expect(hasInk(line)).toBe(true);
  });

  it('keeps the larger ink where strokes cross, leaves the old grid untouched and clips at the edges', () => {
    const a = paintSegment(emptyGrid(), { x: 0, y: 0 }, { x: 27.9, y: 27.9 });
    const before = a.ink.slice();
    const b = paintSegment(a, { x: 27.9, y: 0 }, { x: 0, y: 27.9 });
    expect(a.ink).toEqual(before);
    for (let i = 0; i < b.ink.length; i++) expect(b.ink[i]).toBeGreaterThanOrEqual(a.ink[i]!);
    expect(paintSegment(emptyGrid(), { x: -5, y: -5 }, { x: -5, y: -5 }).ink.every((v) => v === 0)).toBe(true);
  });

  it('reads sample values clamped to [0, 1]', () => {
    expect(Array.from(gridFromValues([-1, 0.5, 2, Number.NaN], 2).ink)).toEqual([0, 0.5, 1, 0]);
  });
});

describe('web demo: the model input as an image', () => {
  const models = join(projectRoot, 'models');

  it('reads the shipped CNN as 28 × 28 × 1 and the MLP as a flat 784 shown 28 × 28', async () => {
    const cnn = inputGeometry(await loadModel(join(models, 'mnist-cnn.txt')));
    expect(cnn).toEqual({ height: 28, width: 28, channels: 1, sampleShape: [28, 28, 1] });
    expect(heatmapLayout(cnn)).toEqual({ layout: 'NHWC' });
    const mlp = inputGeometry(await loadModel(join(models, 'mnist-mlp.txt')));
    expect(mlp).toEqual({ height: 28, width: 28, channels: 1, sampleShape: [784] });
    expect(heatmapLayout(mlp)).toEqual({ layout: 'ND', shape: [28, 28] });
  });

  it('reads an ONNX image model as channels first [C, H, W], writes inputs in that order and lays heatmaps out NCHW', async () => {
    const model = await loadModel({ bytes: onnxBytes(onnxCases()[0]!.graph), name: 'rgb.onnx' });
    const g = inputGeometry(model);
    expect(g).toEqual({ height: 8, width: 8, channels: 3, sampleShape: [3, 8, 8], channelsFirst: true });
    expect(heatmapLayout(g)).toEqual({ layout: 'NCHW' });
    // the left half inked: channel planes of 64 values, each with ink in columns 0..3
    const grid = gridFromValues(Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0)), 8);
    const x = gridToInput(grid, g);
    expect(x.shape).toEqual([1, 3, 8, 8]);
    for (let c = 0; c < 3; c++) expect(Array.from(x.data.subarray(c * 64, c * 64 + 8))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    // one red pixel at (0, 1): the red plane holds it, green and blue do not
    const rgba = new Uint8ClampedArray(64 * 4);
    rgba.set([255, 0, 0, 255], 4);
    const rgb = rgbaToInput(rgba, g);
    expect([rgb.data[1], rgb.data[64 + 1], rgb.data[128 + 1]]).toEqual([1, 0, 0]);
    const explainer = await createExplainer(model, { backend: 'js' });
    const { relevance } = explainer.explain(x, { rule: 'epsilon' });
    expect(relevance.shape).toEqual([1, 3, 8, 8]);
    expect(heatmaps(relevance, { ...heatmapLayout(g) })[0]).toMatchObject({ width: 8, height: 8 });
    explainer.dispose();
    expect(layerRows(model, g.sampleShape)[0]).toMatchObject({ name: 'Convolution (conv1)', output: '[8, 8, 4]' });
  });

  it('shows an image model that takes any size from a minimum the 28 × 28 pad; where 28 does not fit, its smallest size', () => {
    const conv = (k: number) => conv2dLayer([k, k, 1, 2], [1, 1], new Float64Array(k * k * 2).fill(0.1), new Float64Array(2));
    expect(inputGeometry(sequential([conv(3), simpleLayer('relu')]))).toMatchObject({ height: 28, width: 28, channels: 1, sampleShape: [28, 28, 1] });
    expect(inputGeometry(sequential([conv(31)]))).toMatchObject({ height: 31, width: 31, sampleShape: [31, 31, 1] });
  });

  it('refuses a flat input that is no square image, naming the shape', () => {
    const model = sequential([linearLayer(10, 2, new Float64Array(10 * 2), new Float64Array(2)), simpleLayer('relu')]);
    expectLrpError(() => inputGeometry(model), 'E_SHAPE', /\[10\]/);
  });

  it('hands the grid over unchanged at its own size, resampled at another, copied to every channel', () => {
    const grid = gridFromValues(
      Array.from({ length: 28 * 28 }, (_, i) => (i % 28 < 14 ? 1 : 0)),
      28,
    );
    const same = gridToInput(grid, { height: 28, width: 28, channels: 1, sampleShape: [784] });
    expect(same.shape).toEqual([1, 784]);
    expect(Array.from(same.data)).toEqual(Array.from(grid.ink));
    const half = gridToInput(grid, { height: 14, width: 14, channels: 3, sampleShape: [14, 14, 3] });
    expect(half.shape).toEqual([1, 14, 14, 3]);
    expect(half.data[0]).toBe(1); // left half inked
    expect(half.data[(13 * 14 + 13) * 3 + 2]).toBe(0); // right half not
    expect(half.data[(3 * 14 + 6) * 3]).toBe(half.data[(3 * 14 + 6) * 3 + 1]);
    const bigger = gridToInput(grid, { height: 56, width: 56, channels: 1, sampleShape: [56, 56, 1] });
    expect(bigger.data[5 * 56 + 27]).toBeGreaterThan(0);
    expect(bigger.data[5 * 56 + 27]).toBeLessThan(1); // the edge is interpolated
  });

  it('turns RGBA pixels into grey or RGB in [0, 1], weighted by alpha; other sizes and channel counts are refused', () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 255, 255, 0, 0, 255, 0, 0, 255, 0, 51, 102, 153, 255]);
    const grey = rgbaToInput(rgba, { height: 2, width: 2, channels: 1, sampleShape: [2, 2, 1] });
    expect(Array.from(grey.data)).toEqual([1, 1 / 3, 0, 0.4].map((v) => Math.fround(v)));
    const rgb = rgbaToInput(rgba, { height: 2, width: 2, channels: 3, sampleShape: [2, 2, 3] });
    expect(Array.from(rgb.data.subarray(3, 6))).toEqual([1, 0, 0]);
    expectLrpError(() => rgbaToInput(rgba, { height: 3, width: 2, channels: 1, sampleShape: [3, 2, 1] }), 'E_SHAPE', /16 bytes/);
    expectLrpError(() => rgbaToInput(rgba, { height: 2, width: 2, channels: 2, sampleShape: [2, 2, 2] }), 'E_SHAPE', /2 channels/);
  });
});

describe('web demo: class bars and the layer table', () => {
  it('bars are softmax probabilities of the scores, the largest marked, stable for large scores', () => {
    const { bars, best } = classBars([1, 3, 2]);
    expect(best).toBe(1);
    expect(bars.map((b) => b.label)).toEqual(['0', '1', '2']);
    expect(bars.reduce((s, b) => s + b.probability, 0)).toBeCloseTo(1, 12);
    expect(bars[1]!.probability).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
    const big = classBars([1000, 999]);
    expect(big.bars[0]!.probability).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });

  it('rows name each layer, its inputs where it is a graph node, its output shape and parameters', async () => {
    const rows = layerRows(await loadModel(join(projectRoot, 'models', 'mnist-cnn.txt')), [28, 28, 1]);
    expect(rows[0]).toEqual({ index: 0, name: 'Convolution', inputs: '', output: '[24, 24, 16]', outputSize: 24 * 24 * 16, parameters: 416 });
    expect(rows.map((r) => r.name).slice(-2)).toEqual(['Linear', 'SoftMax']);
    const graph = { layers: [simpleLayer('relu'), { ...simpleLayer('relu'), from: [-1] }] } as Parameters<typeof layerRows>[0];
    expect(layerRows(graph, [4]).map((r) => r.inputs)).toEqual(['', 'input']);
  });
});
