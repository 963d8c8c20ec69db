/** Images joined side by side with a black gap (render.py `save_image`, before the file write). */
import { LrpError } from '../errors.js';
import type { RgbaImage } from './images.js';

/**
 * Joins images of equal height horizontally with a `gap`-pixel black column between neighbours
 * (render.py's default gap is 2). Since render.py truncates after joining, joining 8-bit images is
 * the same as joining its float images and converting once.
 * @throws LrpError `E_SHAPE` for no images or differing heights (render.py skips such an image),
 *   `E_USAGE` for a negative or fractional gap.
 */
export function stripImages(images: readonly RgbaImage[], gap = 2): RgbaImage {
  if (images.length === 0) throw new LrpError('E_SHAPE', 'no images to join', 'render');
  if (!Number.isInteger(gap) || gap < 0) throw new LrpError('E_USAGE', `gap must be an integer >= 0, got ${gap}`, 'render');
  const height = images[0]!.height;
  images.forEach((img, i) => {
    if (img.height !== height) throw new LrpError('E_SHAPE', `image ${i} is ${img.height} px high, image 0 is ${height}`, 'render');
    if (img.data.length !== img.width * img.height * 4) throw new LrpError('E_SHAPE', `image ${i} data does not hold width × height RGBA pixels`, 'render');
  });
  const width = images.reduce((w, img) => w + img.width, 0) + gap * (images.length - 1);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 3; p < data.length; p += 4) data[p] = 255;
  let left = 0;
  for (const img of images) {
    for (let y = 0; y < height; y++) {
      data.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), (y * width + left) * 4);
    }
    left += img.width + gap;
  }
  return { width, height, data };
}
