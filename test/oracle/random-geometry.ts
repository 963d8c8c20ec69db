/**
 * Seeded random geometries for the oracle: non-square windows of 1–4, strides 1–4 (larger than the
 * window too, leaving inputs no window covers), padding valid / same / explicit (each side smaller
 * than the window), every pool kind, 1–3 channels. conv → ReLU → pool → flatten → linear.
 */
import { conv2dLayer, linearLayer, poolLayer, simpleLayer } from '../../src/model/build.js';
import type { Layer, Model, Padding } from '../../src/model/layers.js';
import { Rng } from '../../src/rng.js';
import { outShapeOf } from './wiring.js';

/** A random model and its per-sample input shape; `describe` names its geometry. */
export interface RandomGeometry {
  readonly model: Model;
  readonly inShape: number[];
  readonly describe: string;
}

function padding(rng: Rng, kh: number, kw: number): Padding {
  const kind = rng.int(3);
  if (kind === 0) return 'valid';
  if (kind === 1) return 'same';
  return [rng.int(kh), rng.int(kh), rng.int(kw), rng.int(kw)];
}

/** A seeded model; redraws until every shape fits. */
export function randomGeometry(seed: number): RandomGeometry {
  const rng = new Rng(seed);
  for (;;) {
    const C = 1 + rng.int(3);
    const nf = 1 + rng.int(3);
    const [kh, kw] = [1 + rng.int(4), 1 + rng.int(4)];
    const [sh, sw] = [1 + rng.int(4), 1 + rng.int(4)];
    const [ph, pw] = [1 + rng.int(3), 1 + rng.int(3)];
    const [qh, qw] = [1 + rng.int(3), 1 + rng.int(3)];
    const pool = (['sumpool', 'avgpool', 'maxpool'] as const)[rng.int(3)];
    const inShape = [6 + rng.int(5), 6 + rng.int(5), C];
    const w = Float64Array.from({ length: kh * kw * C * nf }, () => rng.normal() * 0.5);
    const b = Float64Array.from({ length: nf }, () => rng.normal() * 0.1);
    const convPad = padding(rng, kh, kw);
    const poolPad = padding(rng, ph, pw);
    const layers: Layer[] = [
      conv2dLayer([kh, kw, C, nf], [sh, sw], w, b, convPad),
      simpleLayer('relu'),
      poolLayer(pool, [ph, pw], [qh, qw], poolPad),
      simpleLayer('flatten'),
    ];
    let shape = inShape;
    let fits = true;
    for (const l of layers) {
      shape = outShapeOf(l, shape);
      if (shape.some((d) => !(d >= 1))) fits = false;
    }
    if (!fits) continue;
    const n = shape[0];
    layers.push(linearLayer(n, 3, Float64Array.from({ length: n * 3 }, () => rng.normal() * 0.5), Float64Array.from({ length: 3 }, () => rng.normal() * 0.1)));
    const describe = `conv ${kh}x${kw}x${C}x${nf} stride ${sh}x${sw} ${JSON.stringify(convPad)}, ${pool} ${ph}x${pw} stride ${qh}x${qw} ${JSON.stringify(poolPad)}, input ${inShape.join('x')}`;
    return { model: { layers }, inShape, describe };
  }
}
