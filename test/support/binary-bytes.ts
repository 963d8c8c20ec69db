/**
 * render.py's `binary` colormap computed by hand, as RGBA bytes: the independent expectation that
 * rendering tests compare whole images with (never the renderer itself).
 */

/**
 * RGBA bytes of values in [−1, 1] (relevance already divided by its scale; clipped):
 * v = (r + 1) / 2, table entry k = min(255, ⌊256 v⌋), grey 1 − k/255, byte ⌊255 · grey⌋.
 */
export function binaryRgba(scaled: readonly number[]): Uint8ClampedArray {
  return binaryOfUnit(scaled.map((r) => (Math.min(1, Math.max(-1, r)) + 1) / 2));
}

/** RGBA bytes of values already in [0, 1] (0 white, 1 black), as `digit_to_rgb` draws inputs. */
export function binaryOfUnit(unit: readonly number[]): Uint8ClampedArray {
  return Uint8ClampedArray.from(unit.flatMap((v) => {
    const k = Math.min(255, Math.floor(v * 256));
    const grey = 1 - k / 255;
    const byte = grey >= 1 ? 255 : grey > 0 ? Math.floor(grey * 255) : 0;
    return [byte, byte, byte, 255];
  }));
}

/** RGBA bytes of grey levels (alpha 255). */
export function greys(levels: readonly number[]): Uint8ClampedArray {
  return Uint8ClampedArray.from(levels.flatMap((g) => [g, g, g, 255]));
}

/** Largest difference between two byte arrays of equal length (Infinity when the lengths differ). */
export function maxByteDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
