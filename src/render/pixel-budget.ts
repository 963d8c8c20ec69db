import { LrpError } from '../errors.js';

/** Default pixel budget of one rendering call: 2^24 pixels (e.g. 4096 × 4096, or 1000 maps of 128 × 128). */
export const DEFAULT_MAX_PIXELS = 2 ** 24;

/**
 * Refuses, before anything is allocated, `count` images of `height` × `width` pixels that add up to
 * more than `maxPixels`: `E_RANGE` (where `render`) naming the size they would have had.
 */
export function checkPixelBudget(count: number, height: number, width: number, maxPixels: number = DEFAULT_MAX_PIXELS): void {
  if (!(maxPixels >= 1)) throw new LrpError('E_USAGE', `maxPixels must be a positive number, got ${maxPixels}`, 'render');
  const total = count * height * width;
  if (total <= maxPixels) return;
  const what = count === 1 ? 'an image' : `${count} images`;
  throw new LrpError('E_RANGE', `would make ${what} of ${width} × ${height} pixels (${total} pixels), over the pixel budget of ${maxPixels} (maxPixels)`, 'render');
}
