import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import type { Model } from '../src/model/layers.js';
import { checkLayoutRank, modelSampleShape, nchwToNhwc, nhwcToNchw, nodeSampleShape, toModelLayout, toNodeLayout } from '../src/model/layout.js';

// The NCHW boundary of ONNX models: the transposes element by element, both array types, and
// which tensors and shapes they apply to.

const nchw: Model = { layers: [], inputLayout: 'nchw', inputShape: [2, 3, 4] }; // nodes take [H=2, W=3, C=4]
const plain: Model = { layers: [], inputShape: [2, 3, 4] };

/** [N, C, H, W] with value n·1000 + c·100 + h·10 + w, so every element says where it belongs. */
function labelled(N: number, C: number, H: number, W: number, f64 = true): { data: Float64Array | Float32Array; shape: number[] } {
  const data = f64 ? new Float64Array(N * C * H * W) : new Float32Array(N * C * H * W);
  let i = 0;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) data[i++] = n * 1000 + c * 100 + h * 10 + w;
  return { data, shape: [N, C, H, W] };
}

describe('NCHW ↔ NHWC transposes', () => {
  it('move every element of every sample to [n, h, w, c], and back', () => {
    const t = labelled(2, 3, 2, 4);
    const nhwc = nchwToNhwc(t);
    expect(nhwc.shape).toEqual([2, 2, 4, 3]);
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 2; h++)
        for (let w = 0; w < 4; w++)
          for (let c = 0; c < 3; c++) expect(nhwc.data[((n * 2 + h) * 4 + w) * 3 + c]).toBe(n * 1000 + c * 100 + h * 10 + w);
    const back = nhwcToNchw(nhwc);
    expect(back.shape).toEqual([2, 3, 2, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(t.data));
  });

  it('keep the array type (float32 stays float32, float64 stays float64)', () => {
    expect(nchwToNhwc(labelled(1, 2, 1, 1, false)).data).toBeInstanceOf(Float32Array);
    expect(nhwcToNchw(labelled(1, 1, 1, 2, false)).data).toBeInstanceOf(Float32Array);
    expect(nchwToNhwc(labelled(1, 2, 1, 1)).data).toBeInstanceOf(Float64Array);
  });
});

describe('model layout boundary', () => {
  it('transposes only 4-D tensors of NCHW models', () => {
    const t = labelled(1, 4, 2, 3);
    expect(toNodeLayout(nchw, t).shape).toEqual([1, 2, 3, 4]);
    expect(toModelLayout(nchw, toNodeLayout(nchw, t)).data).toEqual(t.data);
    expect(toNodeLayout(plain, t)).toBe(t);
    expect(toModelLayout(plain, t)).toBe(t);
    const flat = { data: new Float64Array(6), shape: [2, 3] };
    expect(toNodeLayout(nchw, flat)).toBe(flat);
    expect(toModelLayout(nchw, flat)).toBe(flat);
  });

  it('per-sample shapes: [C, H, W] ↔ [H, W, C] for NCHW models only, and only for rank 3', () => {
    expect(nodeSampleShape(nchw, [4, 2, 3])).toEqual([2, 3, 4]);
    expect(modelSampleShape(nchw, [2, 3, 4])).toEqual([4, 2, 3]);
    expect(nodeSampleShape(nchw, [784])).toEqual([784]);
    expect(modelSampleShape(nchw, [5, 6])).toEqual([5, 6]);
    expect(nodeSampleShape(plain, [4, 2, 3])).toEqual([4, 2, 3]);
    expect(modelSampleShape(plain, [2, 3, 4])).toEqual([2, 3, 4]);
    const shape = [1, 2, 3];
    expect(modelSampleShape(plain, shape)).not.toBe(shape); // a copy, never the caller's array
  });

  it('checkLayoutRank refuses a non-4-D input and channels in the wrong place, naming the place and the NCHW shape', () => {
    const refusal = (shape: number[]): LrpError => {
      try {
        checkLayoutRank(nchw, { data: new Float64Array(shape.reduce((a, b) => a * b, 1)), shape }, 'input');
      } catch (e) {
        return e as LrpError;
      }
      throw new Error(`accepted ${shape}`);
    };
    const last = refusal([1, 2, 3, 4]);
    expect(last).toBeInstanceOf(LrpError);
    expect(last.code).toBe('E_SHAPE');
    expect(last.message).toMatch(/^input: this model takes images \[N, C, H, W\] \(NCHW, e\.g\. \[1, 4, 2, 3\]\), got \[1, 2, 3, 4\] \(channels last: transpose it to NCHW\)$/);
    const flat = refusal([1, 24]);
    expect(flat.message).toMatch(/got \[1, 24\]$/);
    expect(refusal([1, 3, 2, 2]).message).toMatch(/got \[1, 3, 2, 2\]$/); // 4-D but neither position holds C
    // accepted: the model's channels second; any input for models without the NCHW layout or an image input shape
    expect(() => checkLayoutRank(nchw, labelled(2, 4, 2, 3), 'input')).not.toThrow();
    expect(() => checkLayoutRank(plain, { data: new Float64Array(24), shape: [1, 2, 3, 4] }, 'input')).not.toThrow();
    expect(() => checkLayoutRank({ layers: [], inputLayout: 'nchw', inputShape: [784] }, { data: new Float64Array(784), shape: [1, 784] }, 'input')).not.toThrow();
  });
});
