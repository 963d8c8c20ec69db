/**
 * Inputs as pictures beside their heatmaps: each sample scaled to [0, 1] by its own minimum and
 * maximum, single-channel maps through `binary` (render.py's `digit_to_rgb`: 0 white, 1 black),
 * three-channel images as colour.
 */
import { LrpError } from '../errors.js';
import { digitToRgb } from './hm-to-rgb.js';
import { enlarge } from './enlarge.js';
import { type RgbaImage, toRgba } from './images.js';
import { type Layout, splitMaps } from './layout.js';
import { showShape, sizeOf, type Tensor } from '../tensor.js';

/**
 * The layout of a batch-first tensor as `lrp explain` writes it: rank 2 → `ND` (flat samples shown
 * square), 3 → `NHW`, 4 → `NHWC` (the toolbox's convention).
 * @throws LrpError `E_SHAPE` for other ranks.
 */
export function batchLayout(shape: readonly number[]): Layout {
  if (shape.length === 2) return 'ND';
  if (shape.length === 3) return 'NHW';
  if (shape.length === 4) return 'NHWC';
  throw new LrpError('E_SHAPE', `cannot render a batch of shape ${showShape(shape)}; expected [N, D], [N, H, W] or [N, H, W, C]`, 'render');
}

/**
 * Views `input` with the shape of `relevance` (same sample count, same size per sample), so an
 * input stored flat (`[N, 784]`) pairs with a map stored as an image (`[N, 28, 28, 1]`).
 * @throws LrpError `E_SHAPE` when the sizes differ.
 */
export function viewLike(input: Tensor, relevance: Tensor): Tensor {
  if (input.shape[0] !== relevance.shape[0] || sizeOf(input.shape) !== sizeOf(relevance.shape) || input.data.length !== sizeOf(input.shape)) {
    throw new LrpError('E_SHAPE', `input ${showShape(input.shape)} does not match relevance ${showShape(relevance.shape)}`, 'render');
  }
  return { data: input.data, shape: relevance.shape };
}

function unitRange(data: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (!Number.isFinite(v)) throw new LrpError('E_INPUT', `input holds ${v}; only finite values can be rendered`, 'render');
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo;
  return data.map((v) => (span > 0 ? (v - lo) / span : 0));
}

function colourImage(data: Float64Array, h: number, w: number, scale: number): RgbaImage {
  const big = enlarge(unitRange(data), h, w, 3, scale);
  return toRgba({ width: w * scale, height: h * scale, data: big });
}

/**
 * Renders every sample of a batch-first `input` read with `layout` as an 8-bit RGBA image enlarged
 * `scale` times (nearest neighbour). Channel-last images with three channels keep their colours;
 * other channel counts are averaged into one grey map.
 * @throws LrpError `E_SHAPE` when the shape does not fit the layout, `E_INPUT` for NaN/Inf.
 */
export function inputImages(input: Tensor, layout: Layout, scale: number): RgbaImage[] {
  const channels = layout.endsWith('C') ? input.shape[input.shape.length - 1]! : 1;
  const maps = splitMaps(input, layout, 'mean');
  if (channels === 3) {
    const per = sizeOf(input.shape.slice(1));
    return maps.map((m, s) => colourImage(Float64Array.from(input.data.subarray(s * per, (s + 1) * per)), m.height, m.width, scale));
  }
  return maps.map((m) => toRgba(digitToRgb({ data: unitRange(m.data), shape: [m.height, m.width] }, { scaling: scale })));
}
