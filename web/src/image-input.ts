/** An image the user opens (DOM edge): decoded by the browser and drawn at the model's input size. */
import { LrpError } from '../../src/errors.js';

/** Decodes image bytes (PNG, JPEG, WebP, ... whatever the browser reads). `E_FORMAT` naming the file where it cannot. */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  } catch {
    throw new LrpError('E_FORMAT', 'the browser cannot decode this image', name);
  }
}

/** The image's RGBA pixels resized (stretched, smoothed) to `width × height`. */
export function imagePixels(image: ImageBitmap, width: number, height: number): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}
