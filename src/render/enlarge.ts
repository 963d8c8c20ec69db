/** Nearest-neighbour enlargement by an integer factor (render.py `enlarge_image`). */
import { LrpError } from '../errors.js';
import { DEFAULT_MAX_PIXELS, checkPixelBudget } from './pixel-budget.js';

/** Checks an enlargement factor: a positive integer (render.py only prints a warning). */
export function checkScaling(scaling: number): void {
  if (!Number.isInteger(scaling) || scaling < 1) {
    throw new LrpError('E_USAGE', `scaling must be an integer >= 1, got ${scaling}`, 'render');
  }
}

/**
 * Repeats every pixel of a row-major `[height, width, channels]` array `scaling` times in both
 * directions, giving `[scaling · height, scaling · width, channels]`. An image of more than
 * `maxPixels` pixels (default 2^24) is refused with `E_RANGE` before it is allocated.
 */
export function enlarge(
  values: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  scaling: number,
  maxPixels: number = DEFAULT_MAX_PIXELS,
): Float64Array {
  checkScaling(scaling);
  checkPixelBudget(1, height * scaling, width * scaling, maxPixels);
  const outW = width * scaling;
  const out = new Float64Array(height * scaling * outW * channels);
  for (let y = 0; y < height * scaling; y++) {
    const srcRow = Math.floor(y / scaling) * width;
    for (let x = 0; x < outW; x++) {
      const src = (srcRow + Math.floor(x / scaling)) * channels;
      const dst = (y * outW + x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = values[src + c]!;
    }
  }
  return out;
}
