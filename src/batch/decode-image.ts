/**
 * PNG and JPEG decoding for batch inputs, told apart by their first bytes. Both decoders are pure
 * JavaScript (pngjs, jpeg-js) and loaded only when an image of their kind arrives.
 */
import { LrpError } from '../errors.js';
import type { RgbaImage } from '../render/images.js';

/** What a file's first bytes say it is. */
export type InputKind = 'png' | 'jpeg' | 'npy' | 'unknown';

/** Largest JPEG decoded, in megapixels (as {@link MAX_PNG_PIXELS} for PNG: 64 Mpixel). */
const MAX_JPEG_MEGAPIXELS = 64;
/** Memory jpeg-js may use while decoding one image (MiB). */
const MAX_JPEG_MEMORY_MB = 512;

/** The kind of an input by its signature. */
export function inputKind(bytes: Uint8Array): InputKind {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 6 && bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY') return 'npy';
  return 'unknown';
}

/**
 * Decodes a PNG or JPEG to 8-bit RGBA.
 * @throws LrpError `E_FORMAT` naming `where` for bytes that are neither, or that do not decode.
 */
export async function decodeImage(bytes: Uint8Array, where: string): Promise<RgbaImage> {
  const kind = inputKind(bytes);
  if (kind === 'png') {
    const { decodePng } = await import('../render/png.js');
    try {
      return decodePng(bytes);
    } catch (e) {
      if (e instanceof LrpError) throw new LrpError(e.code, e.message, where);
      throw e;
    }
  }
  if (kind === 'jpeg') {
    const jpeg = await import('jpeg-js');
    const decode = jpeg.decode ?? (jpeg as unknown as { default: typeof jpeg }).default.decode;
    try {
      const img = decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: MAX_JPEG_MEGAPIXELS, maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB });
      return { width: img.width, height: img.height, data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
    } catch (e) {
      throw new LrpError('E_FORMAT', `not a readable JPEG: ${(e as Error).message ?? String(e)}`, where);
    }
  }
  throw new LrpError('E_FORMAT', 'neither a PNG, a JPEG nor a .npy file (by its first bytes)', where);
}
