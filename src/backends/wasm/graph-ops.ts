import { LrpError } from '../../errors.js';
import type { WindowGeometry } from '../../model/shapes.js';
import { showShape, sizeOf } from '../../tensor.js';
import type { WasmMemory } from './memory.js';
import type { WasmExports } from './module.js';
import type { WasmTensor } from './wasm-tensor.js';

/**
 * The wasm backend's graph primitives: per-channel affine, depthwise convolution and clip run in
 * the wasm core (assembly/graph.ts); concat, slice, pad and crop move float32 rows with
 * `TypedArray.set` over linear memory (exact copies, no arithmetic).
 */
export interface WasmKernelContext {
  readonly ex: WasmExports;
  readonly mem: WasmMemory;
  /** Allocates an arena tensor of `shape`. */
  out(shape: readonly number[]): WasmTensor;
}

function shapeError(op: string, msg: string): LrpError {
  return new LrpError('E_SHAPE', `wasm ${op}: ${msg}`);
}

/** `x[..., c]·scale[c] (+ shift[c])`. */
export function affine(k: WasmKernelContext, x: WasmTensor, scale: WasmTensor, shift: WasmTensor | null): WasmTensor {
  const c = scale.size;
  if (x.shape[x.shape.length - 1] !== c || (shift && shift.size !== c)) throw shapeError('affine', `${c} channels do not fit ${showShape(x.shape)}`);
  const out = k.out(x.shape);
  k.ex.affine(x.ptr, scale.ptr, shift ? shift.ptr : 0, out.ptr, c === 0 ? 0 : x.size / c, c, shift ? 1 : 0);
  return out;
}

function depthwiseFilter(op: string, w: WasmTensor, g: WindowGeometry): number {
  const s = w.shape;
  if (s.length !== 4 || s[0] !== g.kH || s[1] !== g.kW || s[2] !== g.inC) {
    throw shapeError(op, `filter ${showShape(s)} does not fit window ${g.kH}x${g.kW} over ${g.inC} channels`);
  }
  return s[3]!;
}

function batchOf(op: string, t: WasmTensor, h: number, w: number, c: number): number {
  const s = t.shape;
  if (s.length !== 4 || s[1] !== h || s[2] !== w || s[3] !== c) throw shapeError(op, `expects [N, ${h}, ${w}, ${c}], got ${showShape(s)}`);
  return s[0]!;
}

/** Depthwise convolution → `[N, oh, ow, C·M]`. */
export function depthwiseConv(k: WasmKernelContext, x: WasmTensor, w: WasmTensor, b: WasmTensor | null, g: WindowGeometry): WasmTensor {
  const m = depthwiseFilter('depthwiseConv', w, g);
  const n = batchOf('depthwiseConv', x, g.inH, g.inW, g.inC);
  if (b && b.size !== g.inC * m) throw shapeError('depthwiseConv', `bias ${showShape(b.shape)} does not fit ${g.inC * m} channels`);
  const out = k.out([n, g.outH, g.outW, g.inC * m]);
  k.ex.depthwise(x.ptr, w.ptr, b ? b.ptr : 0, out.ptr, n, g.inH, g.inW, g.inC, m, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, g.dH, g.dW, g.pad[0], g.pad[2], b ? 1 : 0);
  return out;
}

/** Transpose of {@link depthwiseConv} → `[N, H, W, C]`. */
export function depthwiseConvT(k: WasmKernelContext, s: WasmTensor, w: WasmTensor, g: WindowGeometry): WasmTensor {
  const m = depthwiseFilter('depthwiseConvT', w, g);
  const n = batchOf('depthwiseConvT', s, g.outH, g.outW, g.inC * m);
  const out = k.out([n, g.inH, g.inW, g.inC]);
  k.ex.depthwiseT(s.ptr, w.ptr, out.ptr, n, g.inH, g.inW, g.inC, m, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, g.dH, g.dW, g.pad[0], g.pad[2]);
  return out;
}

/** `min(max(x, lo), hi)`, or with `mask` the derivative `lo < x < hi ? 1 : 0`. */
export function clip(k: WasmKernelContext, x: WasmTensor, lo: number, hi: number, mask: boolean): WasmTensor {
  const out = k.out(x.shape);
  (mask ? k.ex.inside : k.ex.clip)(x.ptr, lo, hi, out.ptr, x.size);
  return out;
}

function outerInner(op: string, shape: readonly number[], axis: number): { outer: number; inner: number } {
  if (!Number.isInteger(axis) || axis < 1 || axis >= shape.length) throw shapeError(op, `axis ${axis} is out of range for ${showShape(shape)}`);
  return { outer: sizeOf(shape.slice(0, axis)), inner: sizeOf(shape.slice(axis + 1)) };
}

/** Concatenation along `axis`. */
export function concat(k: WasmKernelContext, parts: readonly WasmTensor[], axis: number): WasmTensor {
  const first = parts[0]!.shape;
  const { outer, inner } = outerInner('concat', first, axis);
  const sizes = parts.map((p) => {
    if (p.shape.length !== first.length || p.shape.some((d, j) => j !== axis && d !== first[j])) {
      throw shapeError('concat', `${showShape(p.shape)} does not fit ${showShape(first)} along axis ${axis}`);
    }
    return p.shape[axis]! * inner;
  });
  const row = sizes.reduce((a, b) => a + b, 0);
  const out = k.out(first.map((d, j) => (j === axis ? row / inner : d)));
  const dst = k.mem.f32(out.ptr, out.size);
  parts.forEach((p, idx) => {
    const src = k.mem.f32(p.ptr, p.size);
    const len = sizes[idx]!;
    const at = sizes.slice(0, idx).reduce((a, b) => a + b, 0);
    for (let o = 0; o < outer; o++) dst.set(src.subarray(o * len, (o + 1) * len), o * row + at);
  });
  return out;
}

/** Elements `[start, start + size)` along `axis`. */
export function slice(k: WasmKernelContext, x: WasmTensor, axis: number, start: number, size: number): WasmTensor {
  const { outer, inner } = outerInner('slice', x.shape, axis);
  const len = x.shape[axis]!;
  if (!(start >= 0 && size >= 0 && start + size <= len)) throw shapeError('slice', `[${start}, ${start + size}) is outside axis ${axis} of ${showShape(x.shape)}`);
  const out = k.out(x.shape.map((d, j) => (j === axis ? size : d)));
  const dst = k.mem.f32(out.ptr, out.size);
  const src = k.mem.f32(x.ptr, x.size);
  for (let o = 0; o < outer; o++) dst.set(src.subarray((o * len + start) * inner, (o * len + start + size) * inner), o * size * inner);
  return out;
}

/** Zero padding of H and W (`crop` false) or its inverse, cropping (`crop` true). */
export function padOrCrop(k: WasmKernelContext, x: WasmTensor, p: readonly [number, number, number, number], crop: boolean): WasmTensor {
  const op = crop ? 'crop' : 'pad';
  if (x.shape.length !== 4) throw shapeError(op, `expects [N, H, W, C], got ${showShape(x.shape)}`);
  const [n, h0, w0, c] = x.shape as [number, number, number, number];
  const sign = crop ? -1 : 1;
  const h1 = h0 + sign * (p[0] + p[1]);
  const w1 = w0 + sign * (p[2] + p[3]);
  if (!(h1 >= 0 && w1 >= 0)) throw shapeError(op, `[${p.join(', ')}] is more than ${showShape(x.shape)}`);
  const out = k.out([n, h1, w1, c]);
  const dst = k.mem.f32(out.ptr, out.size);
  if (!crop) dst.fill(0);
  const src = k.mem.f32(x.ptr, x.size);
  // Rows of the smaller (unpadded) tensor, each w·c contiguous floats in both.
  const [h, w] = crop ? [h1, w1] : [h0, w0];
  const [bh, bw] = crop ? [h0, w0] : [h1, w1];
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const small = (b * h + y) * w * c;
      const big = ((b * bh + y + p[0]) * bw + p[2]) * c;
      if (crop) dst.set(src.subarray(big, big + w * c), small);
      else dst.set(src.subarray(small, small + w * c), big);
    }
  }
  return out;
}
