/**
 * Heatmaps of a batch as render.py's demo shows them: each sample's input (when given) left of its
 * heatmap, tiles joined with a 2-px black gap (`save_image`). Shared by `lrp render`,
 * `lrp explain --heatmap` and `lrp demo`.
 */
import { LrpError } from '../errors.js';
import { type HeatmapOptions, heatmaps } from './heatmap.js';
import type { RgbaImage } from './images.js';
import { stripImages } from './strip.js';
import type { Tensor } from '../tensor.js';
import { batchLayout, inputImages, viewLike } from './input-images.js';

/** Options of {@link sampleTiles}, {@link batchStrip} and {@link sampleStrips}. */
export interface StripOptions extends Omit<HeatmapOptions, 'outline' | 'layout' | 'scale' | 'shape'> {
  /** The explained input (same sample count and size per sample): drawn left of each heatmap. */
  input?: Tensor;
  /** Paint the input's Canny outline onto the heatmap (needs `input`). */
  outline?: boolean;
  /** Integer nearest-neighbour enlargement (default 3, render.py's `scaling`). */
  scale?: number;
  /** Black gap between tiles in pixels (default 2, render.py's `save_image`). */
  gap?: number;
}

/** Default enlargement of the strips (render.py's `hm_to_rgb` / `digit_to_rgb` default). */
export const DEFAULT_STRIP_SCALE = 3;

/**
 * The tiles of every sample of a batch-first relevance tensor (`[N, D]`, `[N, H, W]` or
 * `[N, H, W, C]`): `[input, heatmap]` when `options.input` is given, else `[heatmap]`.
 * @throws LrpError `E_SHAPE` for shapes that do not fit, `E_INPUT` for NaN/Inf, `E_RULE` for an
 *   unknown colormap, `E_USAGE` for bad option values (an outline without an input included).
 */
export function sampleTiles(relevance: Tensor, options: StripOptions = {}): RgbaImage[][] {
  const layout = batchLayout(relevance.shape);
  const scale = options.scale ?? DEFAULT_STRIP_SCALE;
  const input = options.input ? viewLike(options.input, relevance) : undefined;
  if (options.outline && !input) throw new LrpError('E_USAGE', 'an outline needs the input', 'render');
  const { cmap, normalize, percentile, reduce, sigma } = options;
  const maps = heatmaps(relevance, { cmap, normalize, percentile, reduce, sigma, layout, scale, outline: options.outline ? input : undefined });
  if (!input) return maps.map((m) => [m]);
  const pictures = inputImages(input, layout, scale);
  return maps.map((m, i) => [pictures[i]!, m]);
}

/** The whole batch as one strip: input | heatmap pairs (or heatmaps alone) left to right. */
export function batchStrip(relevance: Tensor, options: StripOptions = {}): RgbaImage {
  return stripImages(sampleTiles(relevance, options).flat(), options.gap ?? 2);
}

/** One strip per sample: its input | heatmap pair (or its heatmap alone). */
export function sampleStrips(relevance: Tensor, options: StripOptions = {}): RgbaImage[] {
  return sampleTiles(relevance, options).map((tiles) => stripImages(tiles, options.gap ?? 2));
}
