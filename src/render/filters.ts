/**
 * The two linear filters behind render.py's edge outline, as scipy.ndimage computes them:
 * `gaussian_filter` (kernel `exp(−x²/2σ²)` normalised, radius `int(4σ + 0.5)`) and `sobel`
 * (`correlate1d` with `[−1, 0, 1]` along one axis and `[1, 2, 1]` along the other).
 */

/** How a 1-D correlation reads past the border: scipy's `'constant'` (zeros) or `'reflect'` (d c b a | a b c d). */
export type BorderMode = 'constant' | 'reflect';

/** A 2-D float image, row-major. */
export interface Plane {
  readonly height: number;
  readonly width: number;
  readonly data: Float64Array;
}

/** scipy's 1-D Gaussian weights for `sigma` with `truncate` 4: length `2·int(4σ + 0.5) + 1`, summing to 1. */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 / (sigma * sigma)) * i * i);
    w[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < w.length; i++) w[i]! /= sum;
  return w;
}

function readAt(data: Float64Array, base: number, stride: number, n: number, i: number, mode: BorderMode): number {
  if (i < 0 || i >= n) {
    if (mode === 'constant') return 0;
    const period = 2 * n;
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - 1 - j;
    i = j;
  }
  return data[base + i * stride]!;
}

/** Correlates every line along `axis` (0: columns, 1: rows) with centred `weights`. */
export function correlate1d(plane: Plane, weights: ArrayLike<number>, axis: 0 | 1, mode: BorderMode): Plane {
  const { height, width, data } = plane;
  const out = new Float64Array(data.length);
  const n = axis === 0 ? height : width;
  const lines = axis === 0 ? width : height;
  const stride = axis === 0 ? width : 1;
  const half = (weights.length - 1) >> 1;
  for (let line = 0; line < lines; line++) {
    const base = axis === 0 ? line : line * width;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0; k < weights.length; k++) acc += weights[k]! * readAt(data, base, stride, n, i + k - half, mode);
      out[base + i * stride] = acc;
    }
  }
  return { height, width, data: out };
}

/** scipy `gaussian_filter(image, sigma, mode)`: axis 0, then axis 1. */
export function gaussianFilter(plane: Plane, sigma: number, mode: BorderMode): Plane {
  const w = gaussianKernel(sigma);
  return correlate1d(correlate1d(plane, w, 0, mode), w, 1, mode);
}

/** scipy `sobel(image, axis)` with its default `'reflect'` border: derivative along `axis`, smoothing across. */
export function sobel(plane: Plane, axis: 0 | 1): Plane {
  const derivative = correlate1d(plane, [-1, 0, 1], axis, 'reflect');
  return correlate1d(derivative, [1, 2, 1], axis === 0 ? 1 : 0, 'reflect');
}
