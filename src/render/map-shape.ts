/** Reading a tensor as one 2-D map, as render.py's `vec2im` does (given shape, else square). */
import { LrpError } from '../errors.js';
import { showShape, sizeOf, type Tensor } from '../tensor.js';

/** Height and width of a 2-D map. */
export type MapShape = readonly [height: number, width: number];

/**
 * The 2-D shape a tensor is rendered with: `shape` when given, else the tensor's shape without
 * its size-1 axes when that leaves two axes, else a square (`vec2im`: side `sqrt(size)`).
 * @throws LrpError `E_SHAPE` when the sizes do not fit.
 */
export function mapShapeOf(tensor: Tensor, shape?: MapShape, what = 'map'): MapShape {
  const size = sizeOf(tensor.shape);
  if (shape) {
    if (shape[0] * shape[1] !== size || !Number.isInteger(shape[0]) || !Number.isInteger(shape[1])) {
      throw new LrpError('E_SHAPE', `${what} of shape ${showShape(tensor.shape)} cannot be viewed as ${showShape([...shape])}`, 'render');
    }
    return shape;
  }
  const axes = tensor.shape.filter((d) => d !== 1);
  if (axes.length === 2) return [axes[0]!, axes[1]!];
  const side = Math.round(Math.sqrt(size));
  if (side * side !== size || size === 0) {
    throw new LrpError('E_SHAPE', `${what} of shape ${showShape(tensor.shape)} is not square; pass its 2-D shape`, 'render');
  }
  return [side, side];
}
