import { LrpError } from '../errors.js';
import { showShape } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import type { Model } from './layers.js';

function like(src: Tensor['data']): Float32Array | Float64Array {
  return src instanceof Float32Array ? new Float32Array(src.length) : new Float64Array(src.length);
}

/** An `[N, C, H, W]` tensor as `[N, H, W, C]` (same array type). */
export function nchwToNhwc(t: Tensor): Tensor {
  const [N, C, H, W] = t.shape as [number, number, number, number];
  const out = like(t.data);
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    const base = n * C * plane;
    for (let c = 0; c < C; c++) for (let p = 0; p < plane; p++) out[base + p * C + c] = t.data[base + c * plane + p]!;
  }
  return { data: out, shape: [N, H, W, C] };
}

/** An `[N, H, W, C]` tensor as `[N, C, H, W]` (same array type). */
export function nhwcToNchw(t: Tensor): Tensor {
  const [N, H, W, C] = t.shape as [number, number, number, number];
  const out = like(t.data);
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    const base = n * C * plane;
    for (let c = 0; c < C; c++) for (let p = 0; p < plane; p++) out[base + c * plane + p] = t.data[base + p * C + c]!;
  }
  return { data: out, shape: [N, C, H, W] };
}

/** A tensor the caller gives in the model's layout (`model.inputLayout`) as the nodes take it: 4-D NCHW → NHWC. */
export function toNodeLayout(model: Model, t: Tensor): Tensor {
  if (model.inputLayout !== 'nchw' || t.shape.length !== 4) return t;
  return nchwToNhwc(t);
}

/** A 4-D tensor of the nodes (NHWC) in the model's layout (NCHW for `inputLayout: 'nchw'`); others unchanged. */
export function toModelLayout(model: Model, t: Tensor): Tensor {
  if (model.inputLayout !== 'nchw' || t.shape.length !== 4) return t;
  return nhwcToNchw(t);
}

/** Checks that an input for an NCHW model is 4-D with the model's channels second (`E_SHAPE` naming `what`). */
export function checkLayoutRank(model: Model, t: Tensor, what: string): void {
  if (model.inputLayout !== 'nchw' || model.inputShape?.length !== 3) return;
  const [H, W, C] = model.inputShape as [number, number, number];
  if (t.shape.length !== 4 || t.shape[1] !== C) {
    const hint = t.shape.length === 4 && t.shape[3] === C ? ' (channels last: transpose it to NCHW)' : '';
    throw new LrpError('E_SHAPE', `this model takes images [N, C, H, W] (NCHW, e.g. ${showShape([1, C, H, W])}), got ${showShape(t.shape)}${hint}`, what);
  }
}

/** A per-sample shape in the model's layout as the nodes take it: `[C, H, W]` → `[H, W, C]` for NCHW models. */
export function nodeSampleShape(model: Model, shape: readonly number[]): number[] {
  return model.inputLayout === 'nchw' && shape.length === 3 ? [shape[1]!, shape[2]!, shape[0]!] : [...shape];
}

/** A per-sample shape of the nodes in the model's layout: `[H, W, C]` → `[C, H, W]` for NCHW models. */
export function modelSampleShape(model: Model, shape: readonly number[]): number[] {
  return model.inputLayout === 'nchw' && shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : [...shape];
}
