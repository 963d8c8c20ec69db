/**
 * Preprocessing of decoded images for a model: grey or RGB by the model's channel count, resized and
 * centre-cropped to its input, pixel values mapped from [0, 255] to a range (default [0, 1]), then a
 * mean subtracted (per channel, or a mean image). Pure.
 */
import { LrpError } from '../errors.js';
import type { RgbaImage } from '../render/images.js';
import { type Tensor, showShape, sizeOf } from '../tensor.js';
import { type FloatImage, fitToInput } from './resize.js';

/** How images become samples. */
export interface Preprocessing {
  /** The sample shape the model takes: `[H, W, C]`, or `[D]` with {@link imageSize} giving `H × W × C = D`. */
  readonly sampleShape: readonly number[];
  /** `[H, W, C]` of the image before it is reshaped to {@link sampleShape}. */
  readonly imageSize: readonly [number, number, number];
  /** Pixel 0 maps to `range[0]`, pixel 255 to `range[1]` (default [0, 1]). */
  readonly range: readonly [number, number];
  /** Subtracted after the mapping: one value per channel, or a mean image of the {@link imageSize}. */
  readonly mean?: Float64Array;
}

/** Luma of 8-bit RGB (ITU-R BT.601), the usual grey conversion; grey pixels stay as they are. */
function grey(r: number, g: number, b: number): number {
  return r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
}

/** The pixels of `image` as floats in [0, 255] with 1 (grey) or 3 (RGB) channels. */
export function imagePlanes(image: RgbaImage, channels: number): FloatImage {
  const n = image.width * image.height;
  const data = new Float64Array(n * channels);
  const px = image.data;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [px[4 * i]!, px[4 * i + 1]!, px[4 * i + 2]!];
    if (channels === 1) data[i] = grey(r, g, b);
    else {
      data[3 * i] = r;
      data[3 * i + 1] = g;
      data[3 * i + 2] = b;
    }
  }
  return { width: image.width, height: image.height, channels, data };
}

/**
 * The image sizes `[H, W, C]` a sample shape allows: `[H, W, C]` itself (C = 1 or 3), or for a flat
 * `[D]` the `size` given (`[H, W]`) or else a square grey (D = S²) or RGB (D = 3S²) image.
 * @throws LrpError `E_SHAPE` when no image fits the shape, naming `where`.
 */
export function imageSizeFor(sampleShape: readonly number[], size: readonly [number, number] | undefined, where: string): [number, number, number] {
  if (sampleShape.length === 3) {
    const [h, w, c] = sampleShape as [number, number, number];
    if (c !== 1 && c !== 3) throw new LrpError('E_SHAPE', `the model takes ${showShape(sampleShape)}: images have 1 (grey) or 3 (RGB) channels, not ${c}`, where);
    return size ? [size[0], size[1], c] : [h, w, c];
  }
  const d = sizeOf(sampleShape);
  if (size) {
    const c = d / (size[0] * size[1]);
    if (c === 1 || c === 3) return [size[0], size[1], c];
    throw new LrpError('E_SHAPE', `an image of ${size[0]}x${size[1]} does not give the model's ${showShape(sampleShape)} (${d} values) in grey or RGB`, where);
  }
  for (const c of [1, 3]) {
    const s = Math.round(Math.sqrt(d / c));
    if (s * s * c === d) return [s, s, c];
  }
  throw new LrpError('E_SHAPE', `the model takes ${showShape(sampleShape)}, not a square grey or RGB image: give its size with --input-size HxW`, where);
}

/** Turns a decoded image into one sample (shape {@link Preprocessing.sampleShape}). */
export function preprocessImage(image: RgbaImage, p: Preprocessing): Tensor & { data: Float64Array } {
  const [h, w, c] = p.imageSize;
  const fitted = fitToInput(imagePlanes(image, c), w, h);
  const [lo, hi] = p.range;
  const data = new Float64Array(fitted.data.length);
  const mean = p.mean;
  for (let i = 0; i < data.length; i++) {
    const v = lo + ((hi - lo) * fitted.data[i]!) / 255;
    data[i] = mean === undefined ? v : v - mean[mean.length === c ? i % c : i]!;
  }
  return { data, shape: [...p.sampleShape] };
}
