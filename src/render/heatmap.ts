/**
 * The high-level heatmap API: a relevance tensor (one map or a batch, with or without channels)
 * to 8-bit RGBA images, with render.py's pipeline as the default (symmetric max-abs scaling,
 * `(R + 1) / 2`, `jet`, optional Canny outline of the input) and a few options on top.
 */
import { LrpError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { applyLut } from './apply-colormap.js';
import type { Colormap } from './colormap.js';
import { getColormap } from './colormaps.js';
import { checkScaling, enlarge } from './enlarge.js';
import { type RgbaImage, type RgbFloatImage, toRgba } from './images.js';
import { type ChannelReduction, defaultLayout, type Layout, type Map2d, splitMaps } from './layout.js';
import type { MapShape } from './map-shape.js';
import { assertFinite, clipSymmetric, symmetricScale, toUnitSymmetric } from './normalize.js';
import { paintOutline } from './outline.js';
import { DEFAULT_MAX_PIXELS, checkPixelBudget } from './pixel-budget.js';

/** Options of {@link heatmaps} / {@link heatmap}. */
export interface HeatmapOptions {
  /** Colormap name or object (default `'jet'`, render.py's default). See `colormapNames`. */
  cmap?: string | Colormap;
  /** Axis layout of the tensor (default by rank: `HW`, `HWC`, `NHWC`). */
  layout?: Layout;
  /** 2-D shape of flat samples (layout `ND`); default square. */
  shape?: MapShape;
  /** Scale each map by its own maximum (`'sample'`, render.py) or all by the batch's (`'batch'`). */
  normalize?: 'sample' | 'batch';
  /** Scale by this percentile (0–100) of |R| instead of the maximum; larger values saturate. */
  percentile?: number;
  /** How channels become one value per pixel (default `'sum'`). */
  reduce?: ChannelReduction;
  /** Integer nearest-neighbour enlargement (default 1). */
  scale?: number;
  /** The input, same layout and shape as the relevance: its Canny outline (channels averaged) is painted black. */
  outline?: Tensor;
  /** Canny σ of the outline (default 2, as render.py). */
  sigma?: number;
  /**
   * Most pixels the images of one call may have in total (default 2^24); more is refused with
   * `E_RANGE` naming the size they would have had, before anything is enlarged.
   */
  maxPixels?: number;
}

function concat(maps: readonly Map2d[]): Float64Array {
  const all = new Float64Array(maps.reduce((n, m) => n + m.data.length, 0));
  let at = 0;
  for (const m of maps) {
    all.set(m.data, at);
    at += m.data.length;
  }
  return all;
}

/**
 * Colours maps as float RGB. Table maps get `(clip(R / s, −1, 1) + 1) / 2` with s the max |R| (or
 * percentile) of the map or of the batch. Relevance maps get R clipped to ±s when a percentile is
 * set, and with batch normalisation the largest of the maps' own scales.
 */
function colourMaps(maps: readonly Map2d[], cmap: Colormap, options: HeatmapOptions): RgbFloatImage[] {
  const batch = options.normalize === 'batch';
  const common = batch ? symmetricScale(concat(maps), options.percentile) : 0;
  const scaleOf = (m: Map2d) => (batch ? common : symmetricScale(m.data, options.percentile));
  if (cmap.kind === 'lut') {
    return maps.map((m) => ({ width: m.width, height: m.height, data: applyLut(cmap, toUnitSymmetric(m.data, scaleOf(m))) }));
  }
  const values = maps.map((m) => (options.percentile === undefined ? m.data : clipSymmetric(m.data, scaleOf(m))));
  const override = batch ? Math.max(...values.map((v) => cmap.scaleOf(v))) : undefined;
  return maps.map((m, i) => ({ width: m.width, height: m.height, data: cmap.colorize(values[i]!, override) }));
}

/**
 * Renders every map of a relevance tensor as an 8-bit RGBA image (`ImageData`-compatible).
 * @throws LrpError `E_INPUT` for NaN/Inf, `E_SHAPE` for shapes that do not fit the layout or the
 *   outline, `E_RULE` for an unknown colormap, `E_USAGE` for bad option values, `E_RANGE` for
 *   images over the pixel budget (`maxPixels`).
 */
export function heatmaps(relevance: Tensor, options: HeatmapOptions = {}): RgbaImage[] {
  const layout = options.layout ?? defaultLayout(relevance.shape.length);
  const reduce = options.reduce ?? 'sum';
  if (reduce !== 'sum' && reduce !== 'mean' && reduce !== 'maxabs') {
    throw new LrpError('E_USAGE', `reduce must be 'sum', 'mean' or 'maxabs', got '${reduce}'`, 'render');
  }
  if (options.normalize !== undefined && options.normalize !== 'sample' && options.normalize !== 'batch') {
    throw new LrpError('E_USAGE', `normalize must be 'sample' or 'batch', got '${options.normalize}'`, 'render');
  }
  const cmap = getColormap(options.cmap ?? 'jet');
  assertFinite(relevance.data, 'relevance');
  const maps = splitMaps(relevance, layout, reduce, options.shape);
  const scale = options.scale ?? 1;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  checkScaling(scale);
  const first = maps[0];
  if (first) checkPixelBudget(maps.length, first.height * scale, first.width * scale, maxPixels);
  const big = maps.map((m) => ({ height: m.height * scale, width: m.width * scale, data: enlarge(m.data, m.height, m.width, 1, scale, maxPixels) }));
  let images = colourMaps(big, cmap, options);
  if (options.outline) {
    assertFinite(options.outline.data, 'outline input');
    const inputs = splitMaps(options.outline, options.layout ?? defaultLayout(options.outline.shape.length), 'mean', options.shape);
    if (inputs.length !== maps.length) throw new LrpError('E_SHAPE', `outline holds ${inputs.length} maps, relevance ${maps.length}`, 'render');
    images = images.map((img, i) => {
      const x = inputs[i]!;
      return paintOutline(img, enlarge(x.data, x.height, x.width, 1, scale, maxPixels), [x.height * scale, x.width * scale], options.sigma ?? 2);
    });
  }
  return images.map(toRgba);
}

/**
 * Renders one relevance map (a batch of exactly one is accepted) as an 8-bit RGBA image.
 * @throws LrpError `E_SHAPE` when the tensor holds more than one map; see {@link heatmaps}.
 */
export function heatmap(relevance: Tensor, options: HeatmapOptions = {}): RgbaImage {
  const images = heatmaps(relevance, options);
  if (images.length !== 1) throw new LrpError('E_SHAPE', `expected one map, got ${images.length}; use heatmaps()`, 'render');
  return images[0]!;
}
