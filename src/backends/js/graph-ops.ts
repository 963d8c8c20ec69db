import { LrpError } from '../../errors.js';
import { showShape, sizeOf } from '../../tensor.js';
import { type JsTensor, jsTensor } from './js-tensor.js';

/**
 * The js backend's graph primitives: per-channel affine maps and the data movement of concat,
 * slice, pad and crop. Plain float64 loops; the wasm backend moves the same elements.
 */

/** `x[..., c]·scale[c] (+ shift[c])` on the last axis. */
export function affine(x: JsTensor, scale: JsTensor, shift: JsTensor | null): JsTensor {
  const c = scale.data.length;
  if (x.shape[x.shape.length - 1] !== c || (shift && shift.data.length !== c)) {
    throw new LrpError('E_SHAPE', `affine: ${c} channels do not fit ${showShape(x.shape)}`);
  }
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i]! * scale.data[i % c]! + (shift ? shift.data[i % c]! : 0);
  return jsTensor(out, x.shape);
}

/** Rows before `axis` and elements from `axis` on: the shape seen as `[outer, shape[axis], inner]`. */
export function splitAt(shape: readonly number[], axis: number): { outer: number; inner: number } {
  if (!Number.isInteger(axis) || axis < 1 || axis >= shape.length) throw new LrpError('E_SHAPE', `axis ${axis} is out of range for ${showShape(shape)}`);
  return { outer: sizeOf(shape.slice(0, axis)), inner: sizeOf(shape.slice(axis + 1)) };
}

/** Concatenation along `axis` (batch-first shapes, equal but along `axis`). */
export function concat(parts: readonly JsTensor[], axis: number): JsTensor {
  const first = parts[0]!.shape;
  const { outer, inner } = splitAt(first, axis);
  const sizes = parts.map((p) => {
    if (p.shape.length !== first.length || p.shape.some((d, j) => j !== axis && d !== first[j])) {
      throw new LrpError('E_SHAPE', `concat: ${showShape(p.shape)} does not fit ${showShape(first)} along axis ${axis}`);
    }
    return p.shape[axis]! * inner;
  });
  const row = sizes.reduce((a, b) => a + b, 0);
  const out = new Float64Array(outer * row);
  for (let o = 0; o < outer; o++) {
    let at = o * row;
    parts.forEach((p, k) => {
      out.set(p.data.subarray(o * sizes[k]!, (o + 1) * sizes[k]!), at);
      at += sizes[k]!;
    });
  }
  return jsTensor(out, first.map((d, j) => (j === axis ? row / inner : d)));
}

/** Elements `[start, start + size)` along `axis`. */
export function slice(x: JsTensor, axis: number, start: number, size: number): JsTensor {
  const { outer, inner } = splitAt(x.shape, axis);
  const len = x.shape[axis]!;
  if (!(start >= 0 && size >= 0 && start + size <= len)) throw new LrpError('E_SHAPE', `slice: [${start}, ${start + size}) is outside axis ${axis} of ${showShape(x.shape)}`);
  const out = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * len + start) * inner, (o * len + start + size) * inner), o * size * inner);
  return jsTensor(out, x.shape.map((d, j) => (j === axis ? size : d)));
}

function nhwc(x: JsTensor, op: string): [number, number, number, number] {
  if (x.shape.length !== 4) throw new LrpError('E_SHAPE', `${op}: expects [N, H, W, C], got ${showShape(x.shape)}`);
  return x.shape as unknown as [number, number, number, number];
}

/** Zero padding of H and W. */
export function pad(x: JsTensor, p: readonly [number, number, number, number]): JsTensor {
  const [n, h, w, c] = nhwc(x, 'pad');
  const oh = h + p[0] + p[1];
  const ow = w + p[2] + p[3];
  const out = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const src = ((b * h + y) * w) * c;
      out.set(x.data.subarray(src, src + w * c), ((b * oh + y + p[0]) * ow + p[2]) * c);
    }
  }
  return jsTensor(out, [n, oh, ow, c]);
}

/** Removes the padding `p` of H and W (the transpose of {@link pad}). */
export function crop(x: JsTensor, p: readonly [number, number, number, number]): JsTensor {
  const [n, oh, ow, c] = nhwc(x, 'crop');
  const h = oh - p[0] - p[1];
  const w = ow - p[2] - p[3];
  if (!(h >= 0 && w >= 0)) throw new LrpError('E_SHAPE', `crop: [${p.join(', ')}] is more than ${showShape(x.shape)}`);
  const out = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const src = ((b * oh + y + p[0]) * ow + p[2]) * c;
      out.set(x.data.subarray(src, src + w * c), ((b * h + y) * w) * c);
    }
  }
  return jsTensor(out, [n, h, w, c]);
}
