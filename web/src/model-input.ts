/**
 * What a model takes as one sample, seen as an image (height, width, channels), and the
 * conversions of the page's inputs (the ink grid, a decoded image) into that shape. Pure.
 */
import { LrpError } from '../../src/errors.js';
import { expectedInput } from '../../src/model/expected-input.js';
import type { Model } from '../../src/model/layers.js';
import { inferShapes } from '../../src/model/shapes.js';
import type { HeatmapOptions } from '../../src/render/heatmap.js';
import { showShape, type Tensor } from '../../src/tensor.js';
import type { InkGrid } from './ink-grid.js';

/** A model's per-sample input as an image. */
export interface InputGeometry {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** The per-sample shape the model is given: `[H, W, C]`, `[C, H, W]` (ONNX), `[H, W]`, or `[H · W]` for a flat input. */
  readonly sampleShape: readonly number[];
  /** Channels first (`[C, H, W]`, an ONNX model's NCHW); default channels last. */
  readonly channelsFirst?: boolean;
}

/** Where value (y, x, c) of a sample lies in its data. */
function offsetOf(g: InputGeometry): (y: number, x: number, c: number) => number {
  const { height, width, channels } = g;
  return g.channelsFirst ? (y, x, c) => (c * height + y) * width + x : (y, x, c) => (y * width + x) * channels + c;
}

/**
 * The image geometry of `model`'s input: the shape its file declares, else the one its layers fix
 * (`[784]` is read as a 28 × 28 image; `[C, H, W]` for a model taking NCHW), 28 × 28 for an image
 * model that takes any size from a smaller minimum. `E_SHAPE` where no image fits (a flat input
 * that is not a square number of values, an unknown size).
 */
export function inputGeometry(model: Model): InputGeometry {
  const expected = expectedInput(model);
  const shape = drawingSize(model, expected.example);
  if (!shape) throw new LrpError('E_SHAPE', `the model takes input ${expected.shape}; the page needs a known image size`, 'model input');
  if (shape.length === 3 && model.inputLayout === 'nchw') return { height: shape[1]!, width: shape[2]!, channels: shape[0]!, sampleShape: shape, channelsFirst: true };
  if (shape.length === 3) return { height: shape[0]!, width: shape[1]!, channels: shape[2]!, sampleShape: shape };
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1, sampleShape: shape };
  if (shape.length === 1) {
    const side = Math.round(Math.sqrt(shape[0]!));
    if (side * side === shape[0]) return { height: side, width: side, channels: 1, sampleShape: shape };
  }
  throw new LrpError('E_SHAPE', `the model takes input ${showShape(shape)}, which the page cannot show as an image`, 'model input');
}

/** The pad's side: an image model that takes any size from a minimum is shown it at this size (where it fits). */
const PAD_SIDE = 28;

/** `example`, or for an image model whose size is not fixed (no declared input), the same at the pad's size where that fits. */
function drawingSize(model: Model, example: readonly number[] | undefined): readonly number[] | undefined {
  if (model.inputShape || example?.length !== 3 || model.inputLayout === 'nchw') return example;
  const padSized = [PAD_SIDE, PAD_SIDE, example[2]!];
  try {
    inferShapes(model, padSized);
    return padSized;
  } catch (e) {
    if (e instanceof LrpError) return example;
    throw e;
  }
}

/** Bilinear sample of a `side × side` grid at (x, y) in cell units (centres at i + 0.5), edges clamped. */
function sample(ink: Float32Array, side: number, x: number, y: number): number {
  const fx = Math.max(0, Math.min(side - 1, x - 0.5));
  const fy = Math.max(0, Math.min(side - 1, y - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(side - 1, x0 + 1);
  const y1 = Math.min(side - 1, y0 + 1);
  const tx = fx - x0;
  const ty = fy - y0;
  const top = ink[y0 * side + x0]! * (1 - tx) + ink[y0 * side + x1]! * tx;
  const bottom = ink[y1 * side + x0]! * (1 - tx) + ink[y1 * side + x1]! * tx;
  return top * (1 - ty) + bottom * ty;
}

/** The ink grid as one sample of `geometry` (resampled bilinearly where sizes differ, ink copied to every channel), batch of one. */
export function gridToInput(grid: InkGrid, geometry: InputGeometry): Tensor {
  const { height, width, channels } = geometry;
  const data = new Float32Array(height * width * channels);
  const at = offsetOf(geometry);
  const same = height === grid.side && width === grid.side;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = same ? grid.ink[y * width + x]! : sample(grid.ink, grid.side, ((x + 0.5) * grid.side) / width, ((y + 0.5) * grid.side) / height);
      for (let c = 0; c < channels; c++) data[at(y, x, c)] = v;
    }
  }
  return { data, shape: [1, ...geometry.sampleShape] };
}

/**
 * An RGBA image already scaled to the geometry's height and width (as a canvas hands it over) as
 * one sample in [0, 1]: grey (the mean of R, G, B) for one channel, R, G, B for three, each
 * weighted by alpha (transparent is black). `E_SHAPE` for other channel counts or sizes.
 */
export function rgbaToInput(rgba: Uint8ClampedArray, geometry: InputGeometry): Tensor {
  const { height, width, channels } = geometry;
  if (rgba.length !== height * width * 4) throw new LrpError('E_SHAPE', `image data holds ${rgba.length} bytes, not ${height} × ${width} RGBA`, 'image');
  if (channels !== 1 && channels !== 3) throw new LrpError('E_SHAPE', `the model takes ${channels} channels; images give 1 (grey) or 3 (RGB)`, 'image');
  const data = new Float32Array(height * width * channels);
  const at = offsetOf(geometry);
  for (let p = 0; p < height * width; p++) {
    const [y, x] = [Math.floor(p / width), p % width];
    const a = rgba[p * 4 + 3]! / 255;
    const [r, g, b] = [rgba[p * 4]! / 255, rgba[p * 4 + 1]! / 255, rgba[p * 4 + 2]! / 255];
    if (channels === 1) data[at(y, x, 0)] = ((r + g + b) / 3) * a;
    else (data[at(y, x, 0)] = r * a), (data[at(y, x, 1)] = g * a), (data[at(y, x, 2)] = b * a);
  }
  return { data, shape: [1, ...geometry.sampleShape] };
}

/** How the heatmaps of a batch of relevances for this input are laid out (`render.heatmaps`' `layout` and `shape`). */
export function heatmapLayout(geometry: InputGeometry): Pick<HeatmapOptions, 'layout' | 'shape'> {
  if (geometry.sampleShape.length === 1) return { layout: 'ND', shape: [geometry.height, geometry.width] };
  if (geometry.sampleShape.length === 2) return { layout: 'NHW' };
  return { layout: geometry.channelsFirst ? 'NCHW' : 'NHWC' };
}
