/**
 * Splitting a relevance tensor into 2-D maps: batch and channel axes by layout, channels reduced
 * to one value per pixel.
 */
import { LrpError } from '../errors.js';
import { showShape, sizeOf, type Tensor } from '../tensor.js';
import type { MapShape } from './map-shape.js';

/**
 * Axis layout of a relevance tensor: `H` height, `W` width, `C` channels, `N` batch, `D` a flat
 * feature vector per sample (shown as `shape`, else square, as render.py's `vec2im`).
 */
export type Layout = 'HW' | 'HWC' | 'NHW' | 'NHWC' | 'CHW' | 'NCHW' | 'ND';

/** How channels become one value per pixel: their sum, their mean, or the value of largest magnitude (sign kept). */
export type ChannelReduction = 'sum' | 'mean' | 'maxabs';

/** One 2-D map of a batch. */
export interface Map2d {
  readonly height: number;
  readonly width: number;
  readonly data: Float64Array;
}

/** The default layout of a rank: 2 → `HW`, 3 → `HWC`, 4 → `NHWC` (the toolbox's NHWC convention). */
export function defaultLayout(rank: number): Layout {
  if (rank === 2) return 'HW';
  if (rank === 3) return 'HWC';
  if (rank === 4) return 'NHWC';
  throw new LrpError('E_SHAPE', `cannot render a tensor of rank ${rank}; pass a layout`, 'render');
}

function squareOrGiven(d: number, shape: MapShape | undefined): MapShape {
  if (shape) {
    if (shape[0] * shape[1] !== d) throw new LrpError('E_SHAPE', `${d} features cannot be viewed as ${showShape([...shape])}`, 'render');
    return shape;
  }
  const side = Math.round(Math.sqrt(d));
  if (side * side !== d) throw new LrpError('E_SHAPE', `${d} features are not a square map; pass shape`, 'render');
  return [side, side];
}

/**
 * The 2-D maps of `tensor` read with `layout`, channels reduced by `reduce`.
 * @throws LrpError `E_SHAPE` when the rank does not fit the layout or the data length the shape.
 */
export function splitMaps(tensor: Tensor, layout: Layout, reduce: ChannelReduction, shape?: MapShape): Map2d[] {
  const dims = tensor.shape;
  if (dims.length !== layout.length) {
    throw new LrpError('E_SHAPE', `layout ${layout} needs rank ${layout.length}, got shape ${showShape([...dims])}`, 'render');
  }
  if (tensor.data.length !== sizeOf(dims)) throw new LrpError('E_SHAPE', `data length ${tensor.data.length} does not fit ${showShape([...dims])}`, 'render');
  const dim = (axis: string, fallback = 1) => (layout.includes(axis) ? dims[layout.indexOf(axis)]! : fallback);
  const n = dim('N');
  const [h, w] = layout === 'ND' ? squareOrGiven(dim('D'), shape) : [dim('H'), dim('W')];
  const c = dim('C');
  const channelsLast = !layout.endsWith('HW');
  const maps: Map2d[] = [];
  for (let s = 0; s < n; s++) {
    const base = s * h * w * c;
    const data = new Float64Array(h * w);
    for (let p = 0; p < h * w; p++) {
      let acc = 0;
      for (let k = 0; k < c; k++) {
        const v = tensor.data[channelsLast ? base + p * c + k : base + k * h * w + p]!;
        acc = reduce === 'maxabs' ? (Math.abs(v) > Math.abs(acc) ? v : acc) : acc + v;
      }
      data[p] = reduce === 'mean' ? acc / c : acc;
    }
    maps.push({ height: h, width: w, data });
  }
  return maps;
}
