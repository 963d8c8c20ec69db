import { describe, expect, it } from 'vitest';
import { activation, chwOrder, orderArray, sameOrder } from '../src/io/onnx/values.js';

describe('ONNX import: how nodes hold an ONNX value (channels-last orders)', () => {
  it('an image value records its channels-last order as two numbers, not an index array', () => {
    expect(activation(0, [64, 224, 224]).order).toEqual({ channels: 64, plane: 224 * 224 });
    expect(chwOrder([1, 5, 5])).toBeNull();
    expect(chwOrder([8, 1, 1])).toBeNull();
  });

  it('materialised, it is the NCHW → NHWC permutation; comparisons agree with the arrays', () => {
    // [C, H, W] = [3, 2, 2]: internal (h·W + w)·C + c holds ONNX c·4 + h·2 + w.
    const o = chwOrder([3, 2, 2]);
    expect(Array.from(orderArray(o, 12)!)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(sameOrder(o, orderArray(o, 12), 12)).toBe(true);
    expect(sameOrder(o, chwOrder([3, 4, 1]), 12)).toBe(true); // same channels and plane size
    expect(sameOrder(o, chwOrder([2, 3, 2]), 12)).toBe(false);
    expect(sameOrder(o, null, 12)).toBe(false);
    expect(sameOrder(null, Int32Array.from({ length: 12 }, (_, k) => k), 12)).toBe(true);
    expect(sameOrder(o, Int32Array.from({ length: 12 }, (_, k) => k), 12)).toBe(false);
  });
});
