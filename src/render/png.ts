/**
 * PNG encoding and decoding of {@link RgbaImage}s through pngjs (the only file of `render/` that
 * depends on it). render.py writes its strips with `skimage.io.imsave`; lrpjs writes 8-bit RGBA.
 */
import { Buffer } from 'node:buffer';
import pngjs from 'pngjs';
import { LrpError } from '../errors.js';
import type { RgbaImage } from './images.js';

const { PNG } = pngjs;

/**
 * Encodes an image as an 8-bit RGBA PNG.
 * @throws LrpError `E_SHAPE` when `data` does not hold `width · height` RGBA pixels.
 */
export function encodePng(image: RgbaImage): Uint8Array {
  const { width, height, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || data.length !== width * height * 4) {
    throw new LrpError('E_SHAPE', `image of ${width} × ${height} px needs ${width * height * 4} RGBA bytes, has ${data.length}`, 'png');
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bytes = PNG.sync.write(png, { colorType: 6 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Largest image {@link decodePng} accepts (64 Mpixel, 256 MiB of RGBA). */
export const MAX_PNG_PIXELS = 64 * 2 ** 20;

/**
 * Decodes a PNG of any colour type and bit depth to 8-bit RGBA (grey and palette images are
 * expanded, 16-bit samples scaled down by pngjs).
 * @throws LrpError `E_FORMAT` for bytes that are not a valid PNG (bad signature, truncated, bad CRC).
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  // Bounded memory: the header's dimensions are checked before pngjs allocates the image.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    if (width * height > MAX_PNG_PIXELS) {
      throw new LrpError('E_FORMAT', `PNG header claims ${width}x${height} pixels, more than the ${MAX_PNG_PIXELS} lrpjs decodes`, 'png, byte 16');
    }
  }
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const data = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.width * png.height * 4);
    return { width: png.width, height: png.height, data: new Uint8ClampedArray(data) };
  } catch (err) {
    throw new LrpError('E_FORMAT', `not a readable PNG: ${(err as Error).message}`, 'png');
  }
}
