/**
 * Seeded random models for the oracle comparisons: a grid of small CNNs in which every conv stride
 * 1–3 meets every padding kind (valid, same, explicit) and every pool kind (sum, average, max) with
 * its own window, stride and padding, plus MLPs. Inputs are standard normal (negative values
 * included). Built with the public model builders (plain data), checked with the oracle's shapes.
 */
import { conv2dLayer, linearLayer, poolLayer, simpleLayer } from '../../src/model/build.js';
import type { Layer, Model, Padding } from '../../src/model/layers.js';
import { gaussian, randomArray } from '../support/random-model.js';
import { outShapeOf } from './wiring.js';

/** The options of one grid model. */
export interface GridCase {
  readonly name: string;
  readonly stride: number;
  readonly padding: Padding;
  readonly pool: 'sumpool' | 'avgpool' | 'maxpool';
  readonly poolWindow: number;
  readonly poolStride: number;
  readonly poolPadding: Padding;
  readonly activation: 'relu' | 'tanh' | 'sigmoid';
  readonly bias: boolean;
}

const paddings: Padding[] = ['valid', 'same', [1, 0, 2, 1]];
/** The second convolution's explicit padding: smaller than its 2×2 window, so no window lies wholly in padding. */
const innerPadding: Padding = [1, 0, 0, 1];
const pools = ['sumpool', 'avgpool', 'maxpool'] as const;
const poolGeometry: [number, number, Padding][] = [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, [1, 1, 0, 1]]];

/**
 * The 9 stride × padding combinations, each with a pool kind chosen so every (stride, pool) and
 * (padding, pool) pair occurs; the activation is ReLU except in two cases (tanh, sigmoid).
 */
export function gridCases(bias = true): GridCase[] {
  const out: GridCase[] = [];
  for (let s = 0; s < 3; s++) {
    for (let p = 0; p < 3; p++) {
      const pool = pools[(s + p) % 3];
      const [poolWindow, poolStride, poolPadding] = poolGeometry[(2 * s + p) % 3];
      const activation = s === 1 && p === 2 ? 'tanh' : s === 2 && p === 0 ? 'sigmoid' : 'relu';
      const name = `conv stride ${s + 1} ${JSON.stringify(paddings[p])}, ${pool} ${poolWindow}/${poolStride} ${JSON.stringify(poolPadding)}, ${activation}`;
      out.push({ name, stride: s + 1, padding: paddings[p], pool, poolWindow, poolStride, poolPadding, activation, bias });
    }
  }
  return out;
}

/** conv(3×3×2×4, stride s) → act → pool → conv(2×2×4×3, stride 1 or 2; explicit padding [1, 0, 0, 1]) → act → flatten → linear 5 → act → linear 3 (→ softmax). */
export function gridModel(seed: number, c: GridCase, softmax = false): { model: Model; inShape: number[] } {
  const r = gaussian(seed);
  const b = (n: number): Float64Array => (c.bias ? randomArray(r, n, 0.1) : new Float64Array(n));
  const act = (): Layer => simpleLayer(c.activation);
  const layers: Layer[] = [
    conv2dLayer([3, 3, 2, 4], [c.stride, c.stride], randomArray(r, 72, 0.4), b(4), c.padding),
    act(),
    poolLayer(c.pool, [c.poolWindow, c.poolWindow], [c.poolStride, c.poolStride], c.poolPadding),
    conv2dLayer([2, 2, 4, 3], [1 + (seed % 2), 1], randomArray(r, 48, 0.4), b(3), c.padding === 'valid' || c.padding === 'same' ? c.padding : innerPadding),
    act(),
    simpleLayer('flatten'),
  ];
  const inShape = [11, 10, 2];
  let shape = inShape;
  for (const l of layers) {
    shape = outShapeOf(l, shape);
    if (shape.some((d) => !(d >= 1))) throw new Error(`oracle grid model ${c.name} does not fit its input`);
  }
  const flat = shape[0];
  layers.push(linearLayer(flat, 5, randomArray(r, flat * 5, 0.4), b(5)), act(), linearLayer(5, 3, randomArray(r, 15, 0.6), b(3)));
  if (softmax) layers.push(simpleLayer('softmax'));
  return { model: { layers }, inShape };
}

/** A random MLP `sizes[0] → … → sizes[k]` with ReLU between layers. */
export function oracleMlp(seed: number, sizes: readonly number[], bias = true): Model {
  const r = gaussian(seed);
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [m, n] = [sizes[i], sizes[i + 1]];
    layers.push(linearLayer(m, n, randomArray(r, m * n, 1 / Math.sqrt(m)), bias ? randomArray(r, n, 0.1) : new Float64Array(n)));
    if (i + 2 < sizes.length) layers.push(simpleLayer('relu'));
  }
  return { layers };
}
