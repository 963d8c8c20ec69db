import { Rng } from '../../src/rng.js';
import { conv2dLayer, linearLayer, poolLayer, simpleLayer } from '../../src/model/build.js';
import type { Layer, Model, Padding } from '../../src/model/layers.js';
import { inferShapes } from '../../src/model/shapes.js';
import type { Tensor } from '../../src/tensor.js';

/** Seeded uniform generator in [0, 1) for tests. */
export function uniform(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Seeded standard normal generator for tests. */
export function gaussian(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.normal();
}

/** Random array of n normal values times `scale`. */
export function randomArray(rand: () => number, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rand() * scale);
}

/** Options of {@link randomCnn}. */
export interface CnnOptions {
  readonly bias?: boolean;
  readonly pool?: 'sumpool' | 'avgpool' | 'maxpool';
  readonly activation?: 'relu' | 'tanh' | 'sigmoid';
  readonly stride?: number;
  readonly padding?: Padding;
  readonly softmax?: boolean;
}

/** A small random CNN: conv → act → pool → conv → act → flatten → linear → act → linear (→ softmax). */
export function randomCnn(seed: number, o: CnnOptions = {}): { model: Model; inShape: number[] } {
  const r = gaussian(seed);
  const b = (n: number) => (o.bias === false ? new Float64Array(n) : randomArray(r, n, 0.1));
  const act = (): Layer => simpleLayer(o.activation ?? 'relu');
  const s = o.stride ?? 1;
  const pad = o.padding ?? 'valid';
  const layers: Layer[] = [
    conv2dLayer([3, 3, 2, 4], [s, s], randomArray(r, 72, 0.4), b(4), pad),
    act(),
    poolLayer(o.pool ?? 'sumpool', [2, 2], [2, 2]),
    conv2dLayer([2, 2, 4, 5], [1, 1], randomArray(r, 80, 0.4), b(5), pad),
    act(),
    simpleLayer('flatten'),
  ];
  const inShape = [9 + s, 9 + s, 2];
  const flat = inferShapes({ layers }, inShape).at(-1)![0];
  layers.push(linearLayer(flat, 6, randomArray(r, flat * 6, 0.3), b(6)), act(), linearLayer(6, 3, randomArray(r, 18, 0.5), b(3)));
  if (o.softmax) layers.push(simpleLayer('softmax'));
  return { model: { layers }, inShape };
}

/** A random MLP `sizes[0] → … → sizes[k]` with activations between layers. */
export function randomMlp(seed: number, sizes: number[], o: { bias?: boolean; activation?: 'relu' | 'tanh' | 'sigmoid' } = {}): Model {
  const r = gaussian(seed);
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [m, n] = [sizes[i], sizes[i + 1]];
    layers.push(linearLayer(m, n, randomArray(r, m * n, 1 / Math.sqrt(m)), o.bias === false ? new Float64Array(n) : randomArray(r, n, 0.1)));
    if (i + 2 < sizes.length) layers.push(simpleLayer(o.activation ?? 'relu'));
  }
  return { layers };
}

/** A random input batch `[n, ...shape]`. */
export function randomInput(seed: number, n: number, shape: readonly number[]): Tensor {
  const r = gaussian(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { data: randomArray(r, n * size), shape: [n, ...shape] };
}

/** Sum of an array. */
export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** max|a − b| / max|b|. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}
