/** The input's edge outline painted black on a heatmap (render.py `hm_to_rgb` with `X`). */
import { LrpError } from '../errors.js';
import { showShape } from '../tensor.js';
import { canny } from './canny.js';
import type { RgbFloatImage } from './images.js';

/**
 * Multiplies the pixels of `image` on the Canny edges (σ = `sigma`) of `input` by 0, as render.py
 * does with `rgb *= invert(edges)`. `input` is a row-major grey map of the image's size.
 * @throws LrpError `E_SHAPE` when the sizes differ (render.py prints a warning and skips).
 */
export function paintOutline(image: RgbFloatImage, input: ArrayLike<number>, inputShape: readonly [number, number], sigma = 2): RgbFloatImage {
  if (inputShape[0] !== image.height || inputShape[1] !== image.width) {
    throw new LrpError(
      'E_SHAPE',
      `outline input ${showShape([...inputShape])} differs from heatmap ${showShape([image.height, image.width])}`,
      'render',
    );
  }
  const edges = canny({ height: image.height, width: image.width, data: Float64Array.from(input) }, { sigma });
  const data = Float64Array.from(image.data);
  for (let p = 0; p < edges.length; p++) {
    if (edges[p]) data[p * 3] = data[p * 3 + 1] = data[p * 3 + 2] = 0;
  }
  return { width: image.width, height: image.height, data };
}
