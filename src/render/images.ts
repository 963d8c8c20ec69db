import { LrpError } from '../errors.js';

/**
 * The two image forms of the render pipeline.
 *
 * render.py works on float RGB arrays `[H, W, 3]` in [0, 1] and only at the end (`save_image`)
 * multiplies by 255 and truncates to `uint8`. lrpjs keeps the same two stages: {@link RgbFloatImage}
 * (what `hm_to_rgb` / `digit_to_rgb` return) and {@link RgbaImage} (8-bit, ImageData-compatible).
 */

/** Float RGB image, row-major `[height, width, 3]`, channel values in [0, 1] (render.py's `rgb`). */
export interface RgbFloatImage {
  readonly width: number;
  readonly height: number;
  /** `height · width · 3` values, pixel (y, x) channel c at `(y · width + x) · 3 + c`. */
  readonly data: Float64Array;
}

/**
 * 8-bit RGBA image, row-major `[height, width, 4]`, alpha 255. The fields match the DOM's
 * `ImageData`, so in browsers `new ImageData(image.data, image.width, image.height)` works.
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** `height · width · 4` bytes, pixel (y, x) channel c at `(y · width + x) · 4 + c`. */
  readonly data: Uint8ClampedArray;
}

/**
 * Converts a float RGB image to 8-bit RGBA the way render.py's `save_image` does: `×255`, then
 * truncation towards zero (`astype(np.uint8)`); values outside [0, 1] are clamped first.
 */
export function toRgba(image: RgbFloatImage): RgbaImage {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, n = width * height; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const v = data[p * 3 + c]!;
      out[p * 4 + c] = v >= 1 ? 255 : v > 0 ? Math.floor(v * 255) : 0;
    }
    out[p * 4 + 3] = 255;
  }
  return { width, height, data: out };
}


/**
 * The image as a DOM `ImageData` (browsers, Deno, workers with `OffscreenCanvas`), ready for
 * `ctx.putImageData`. Throws `E_BACKEND` where the runtime has no `ImageData` (Node: use
 * `encodePng` from `lrpjs/png`).
 */
export function toImageData(image: RgbaImage): ImageData {
  if (typeof ImageData === 'undefined') {
    throw new LrpError('E_BACKEND', 'this runtime has no ImageData; encode a PNG with encodePng from lrpjs/png instead', 'render');
  }
  return new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
}
