/**
 * Applies a colormap to a map of values, the step render.py's `hm_to_rgb` / `digit_to_rgb` perform
 * with `cmap(R.flatten())[..., 0:3]` or a custom map.
 */
import type { Colormap, LutColormap } from './colormap.js';

/** Table lookup of values already in [0, 1]: `values.length · 3` RGB floats. */
export function applyLut(cmap: LutColormap, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const k = cmap.indexOf(values[i]!) * 3;
    out[i * 3] = cmap.table[k]!;
    out[i * 3 + 1] = cmap.table[k + 1]!;
    out[i * 3 + 2] = cmap.table[k + 2]!;
  }
  return out;
}

/**
 * Colours a map: a table colormap looks up `unit` (values normalised to [0, 1]); a relevance
 * colormap colours `raw` itself, with `scale` overriding its own choice when given.
 */
export function applyColormap(
  cmap: Colormap,
  raw: ArrayLike<number>,
  unit: () => ArrayLike<number>,
  scale?: number,
): Float64Array {
  return cmap.kind === 'lut' ? applyLut(cmap, unit()) : cmap.colorize(raw, scale);
}
