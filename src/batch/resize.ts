/**
 * Image geometry for batch inputs: scale so the image covers the target size (keeping its aspect
 * ratio), then cut the centre out. Bilinear sampling at pixel centres (half-pixel offsets, edges
 * clamped), on float planes with any number of channels. Pure.
 */

/** A float image, row-major `[height, width, channels]`. */
export interface FloatImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Float64Array;
}

/** Bilinear resampling of `image` to `width × height` (pixel-centre aligned, edges clamped). */
export function resizeBilinear(image: FloatImage, width: number, height: number): FloatImage {
  const { width: w0, height: h0, channels: c, data } = image;
  if (w0 === width && h0 === height) return image;
  const out = new Float64Array(width * height * c);
  const sy = h0 / height;
  const sx = w0 / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h0 - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h0 - 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w0 - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w0 - 1);
      const tx = fx - x0;
      for (let k = 0; k < c; k++) {
        const a = data[(y0 * w0 + x0) * c + k]!;
        const b = data[(y0 * w0 + x1) * c + k]!;
        const d = data[(y1 * w0 + x0) * c + k]!;
        const e = data[(y1 * w0 + x1) * c + k]!;
        const top = a + (b - a) * tx;
        const bottom = d + (e - d) * tx;
        out[(y * width + x) * c + k] = top + (bottom - top) * ty;
      }
    }
  }
  return { width, height, channels: c, data: out };
}

/** The centre `width × height` window of `image` (which is at least that large). */
export function cropCentre(image: FloatImage, width: number, height: number): FloatImage {
  if (image.width === width && image.height === height) return image;
  const left = Math.floor((image.width - width) / 2);
  const top = Math.floor((image.height - height) / 2);
  const c = image.channels;
  const out = new Float64Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * c;
    out.set(image.data.subarray(from, from + width * c), y * width * c);
  }
  return { width, height, channels: c, data: out };
}

/**
 * Scales `image` so it covers `width × height` with its aspect ratio kept (the shorter side fits),
 * then crops the centre: the usual resize-and-centre-crop of image classifiers. An image of the
 * target size is returned as it is.
 */
export function fitToInput(image: FloatImage, width: number, height: number): FloatImage {
  if (image.width === width && image.height === height) return image;
  const scale = Math.max(width / image.width, height / image.height);
  const w = Math.max(width, Math.round(image.width * scale));
  const h = Math.max(height, Math.round(image.height * scale));
  return cropCentre(resizeBilinear(image, w, h), width, height);
}
