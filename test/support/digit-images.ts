import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { encodePng } from '../../src/render/png.js';
import { projectRoot } from '../fixtures.js';

// Digit images for the batch tests: the MNIST digits of models/digits.npy as 28 x 28 grey PNGs, and
// the same pixels (byte / 255) as one stacked .npy for `lrp explain`, so the two paths can be compared.

/** The LeNet-5 demo model (28 x 28 x 1 inputs). */
export const digitModel = join(projectRoot, 'models', 'mnist-cnn.txt');

const digits = readNpy(readFileSync(join(projectRoot, 'models', 'digits.npy')), 'digits.npy');
const PER = 28 * 28;

/** The 8-bit pixels of image `i` (digit `i mod 32`). */
export function digitBytes(i: number): Uint8Array {
  const d = i % digits.shape[0]!;
  return Uint8Array.from((digits.data as Float32Array).subarray(d * PER, (d + 1) * PER), (v) => Math.round(v * 255));
}

/** Grey 8-bit pixels as RGBA. */
export function greyRgba(bytes: Uint8Array): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(bytes.length * 4);
  bytes.forEach((v, p) => rgba.set([v, v, v, 255], 4 * p));
  return rgba;
}

/** Writes `count` digit PNGs as `<dir>/<sub>/d<i>.png`; returns their paths relative to `dir`. */
export function writeDigitPngs(dir: string, count: number, sub = 'imgs'): string[] {
  mkdirSync(join(dir, sub), { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const rel = `${sub}/d${i}.png`;
    writeFileSync(join(dir, rel), encodePng({ width: 28, height: 28, data: greyRgba(digitBytes(i)) }));
    return rel;
  });
}

/** The pixels of digits `0 … count-1` as `lrp batch` feeds them to the model: `[N, 28, 28, 1]`, byte / 255, float64. */
export function writeDigitStack(path: string, count: number): void {
  const data = new Float64Array(count * PER);
  for (let i = 0; i < count; i++) data.set(Array.from(digitBytes(i), (v) => v / 255), i * PER);
  writeFileSync(path, writeNpy({ dtype: 'float64', data, shape: [count, 28, 28, 1] }));
}

/** Every file under `dir` (relative paths, sorted) except atomic-write temporaries, with its bytes. */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.tmp')) out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
