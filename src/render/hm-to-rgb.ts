/**
 * render.py's two rendering functions with their defaults: `hm_to_rgb` (heatmap, optionally with
 * the input's outline) and `digit_to_rgb` (the input itself through `binary`).
 */
import type { Tensor } from '../tensor.js';
import { applyColormap } from './apply-colormap.js';
import type { Colormap } from './colormap.js';
import { getColormap } from './colormaps.js';
import { enlarge } from './enlarge.js';
import type { RgbFloatImage } from './images.js';
import { type MapShape, mapShapeOf } from './map-shape.js';
import { assertFinite, maxAbs, toUnitSymmetric } from './normalize.js';
import { paintOutline } from './outline.js';

/** Options of {@link hmToRgb}, named and defaulted as render.py's `hm_to_rgb` parameters. */
export interface HmToRgbOptions {
  /** The input whose Canny outline is painted black (render.py's `X`); same size as the map. */
  input?: Tensor;
  /** Integer enlargement factor (default 3). */
  scaling?: number;
  /** 2-D shape of the map (default: its own 2-D shape, else square). */
  shape?: MapShape;
  /** Canny σ of the outline (default 2). */
  sigma?: number;
  /** Colormap name or object (default `'jet'`). */
  cmap?: string | Colormap;
  /** Table maps only: `R / max|R|` then `(R + 1) / 2` (default true); false expects values in [0, 1]. */
  normalize?: boolean;
}

/**
 * Float RGB heatmap of one relevance map, as render.py's `hm_to_rgb(R, X, scaling, shape, sigma,
 * cmap, normalize)`. Differences: NaN/Inf → `E_INPUT`; an all-zero map gives the colormap's centre.
 */
export function hmToRgb(relevance: Tensor, options: HmToRgbOptions = {}): RgbFloatImage {
  const scaling = options.scaling ?? 3;
  const cmap = getColormap(options.cmap ?? 'jet');
  const [h, w] = mapShapeOf(relevance, options.shape, 'relevance');
  assertFinite(relevance.data, 'relevance');
  const big = enlarge(relevance.data, h, w, 1, scaling);
  const normalize = options.normalize ?? true;
  const unit = () => (normalize ? toUnitSymmetric(big, maxAbs(big)) : big);
  const image: RgbFloatImage = { width: w * scaling, height: h * scaling, data: applyColormap(cmap, big, unit) };
  if (!options.input) return image;
  const [xh, xw] = mapShapeOf(options.input, options.shape, 'outline input');
  assertFinite(options.input.data, 'outline input');
  return paintOutline(image, enlarge(options.input.data, xh, xw, 1, scaling), [xh * scaling, xw * scaling], options.sigma ?? 2);
}

/** Options of {@link digitToRgb}, as render.py's `digit_to_rgb` parameters. */
export interface DigitToRgbOptions {
  /** Integer enlargement factor (default 3). */
  scaling?: number;
  /** 2-D shape of the input (default: its own 2-D shape, else square). */
  shape?: MapShape;
  /** Colormap name or object (default `'binary'`: 0 white, 1 black). */
  cmap?: string | Colormap;
}

/**
 * Float RGB image of an input through a colormap without normalisation, as render.py's
 * `digit_to_rgb(X, scaling, shape, cmap)`: values are expected in [0, 1] and clamped by the table.
 */
export function digitToRgb(input: Tensor, options: DigitToRgbOptions = {}): RgbFloatImage {
  const scaling = options.scaling ?? 3;
  const cmap = getColormap(options.cmap ?? 'binary');
  const [h, w] = mapShapeOf(input, options.shape, 'input');
  assertFinite(input.data, 'input');
  const big = enlarge(input.data, h, w, 1, scaling);
  return { width: w * scaling, height: h * scaling, data: applyColormap(cmap, big, () => big) };
}
