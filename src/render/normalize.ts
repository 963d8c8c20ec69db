/**
 * Relevance normalisation for table colormaps. render.py's `hm_to_rgb` divides by the largest
 * magnitude and shifts to [0, 1]: `R / max|R|`, then `(R + 1) / 2`, so 0 maps to the colormap's
 * centre. lrpjs adds percentile clipping and guards the all-zero map (NaN in render.py).
 */
import { LrpError } from '../errors.js';

/** Largest magnitude of the values (0 for none). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > m) m = a;
  }
  return m;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of the values, interpolated linearly between order statistics
 * as numpy's default `np.percentile(a, p)` does.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new LrpError('E_USAGE', `percentile must lie in [0, 100], got ${p}`, 'render');
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The scale a map is divided by: `max|R|`, or with `clipPercentile` the p-th percentile of `|R|`
 * (values beyond it then saturate the colormap's ends).
 */
export function symmetricScale(values: ArrayLike<number>, clipPercentile?: number): number {
  if (clipPercentile === undefined) return maxAbs(values);
  const magnitudes = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) magnitudes[i] = Math.abs(values[i]!);
  return percentile(magnitudes, clipPercentile);
}

/**
 * Maps values to [0, 1] with 0 at 0.5: `(clip(R / scale, −1, 1) + 1) / 2` (render.py without the clip,
 * which only acts when the scale is below max|R|). A zero scale maps everything to 0.5.
 */
export function toUnitSymmetric(values: ArrayLike<number>, scale: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const r = scale === 0 ? 0 : values[i]! / scale;
    out[i] = (Math.min(1, Math.max(-1, r)) + 1) / 2;
  }
  return out;
}

/** Clips values to `[−scale, scale]` (percentile clipping before a map that scales itself). */
export function clipSymmetric(values: ArrayLike<number>, scale: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(scale, Math.max(-scale, values[i]!));
  return out;
}

/** Throws `E_INPUT` when any value is NaN or ±Inf, naming the first such element. */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new LrpError('E_INPUT', `${what} holds ${values[i]} at element ${i}; only finite values can be rendered`, 'render');
    }
  }
}
