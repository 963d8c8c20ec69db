import type { MaxTies } from '../../engine/ops.js';
import type { WindowGeometry } from '../../model/shapes.js';
import type { TfTensor, TfTensor4D, TfjsCore } from './tfjs-api.js';

/**
 * The window primitives of the tfjs backend (convolution, depthwise convolution, pooling and their
 * transposes) as tfjs ops, to be called inside `tf.tidy`. Every window layer is run on the input
 * padded explicitly with `valid` windows and, where dilated, with the kernel dilated explicitly:
 * the same geometry on every tfjs backend (cpu, wasm, webgl, webgpu), whatever padding and
 * dilation forms each of them supports natively.
 */

type Pair = [number, number];
type Shape4 = [number, number, number, number];

/** Height and width of the padded input. */
function paddedSize(g: WindowGeometry): Pair {
  return [g.inH + g.pad[0] + g.pad[1], g.inW + g.pad[2] + g.pad[3]];
}

function hasPadding(g: WindowGeometry): boolean {
  return g.pad.some((p) => p !== 0);
}

/** `x[N, H, W, C]` padded per `g` with `value` (the same tensor where `g` has no padding). */
function padInput(tf: TfjsCore, x: TfTensor4D, g: WindowGeometry, value = 0): TfTensor4D {
  if (!hasPadding(g)) return x;
  return tf.pad(x, [[0, 0], [g.pad[0], g.pad[1]], [g.pad[2], g.pad[3]], [0, 0]], value);
}

/** Removes the padding of `g` from a tensor of the padded input's shape. */
function cropPadding(tf: TfjsCore, x: TfTensor4D, g: WindowGeometry): TfTensor4D {
  if (!hasPadding(g)) return x;
  return tf.slice(x, [0, g.pad[0], g.pad[2], 0], [-1, g.inH, g.inW, -1]);
}

/**
 * `v[A, B, ...rest]` with `d − 1` zero rows inserted after each of the B rows of every A block:
 * `[A, B·d, ...rest]` (rank-3 pads only, which every tfjs backend runs).
 */
function spreadAxis1(tf: TfjsCore, v: TfTensor, d: number): TfTensor {
  if (d === 1) return v;
  const [a, b, ...rest] = v.shape;
  const inner = rest.reduce((p, q) => p * q, 1);
  const spread = tf.pad(tf.reshape(v, [a! * b!, 1, inner]), [[0, 0], [0, d - 1], [0, 0]]);
  return tf.reshape(spread, [a!, b! * d, ...rest]);
}

/**
 * The kernel `w[kh, kw, a, b]` with its dilation written out: `[(kh − 1)·dH + 1, (kw − 1)·dW + 1, a, b]`,
 * zeros between the taps. A dilated window then runs as a plain one.
 */
export function dilateKernel(tf: TfjsCore, w: TfTensor4D, g: WindowGeometry): TfTensor4D {
  if (g.dH === 1 && g.dW === 1) return w;
  const [kh, kw, a, b] = w.shape;
  const spanH = (kh - 1) * g.dH + 1;
  const spanW = (kw - 1) * g.dW + 1;
  // rows: [kh, 1, kw·a·b] → [kh, dH, kw·a·b] → [kh·dH, kw, a, b], then the trailing zero rows cut
  const rows = tf.slice(tf.reshape(spreadAxis1(tf, tf.reshape(w, [kh, 1, kw * a * b]), g.dH), [kh * g.dH, kw, a, b]), 0, [spanH, kw, a, b]);
  const cols = tf.reshape(spreadAxis1(tf, tf.reshape(rows, [spanH * kw, 1, a * b]), g.dW), [spanH, kw * g.dW, a, b]);
  return tf.slice(cols, 0, [spanH, spanW, a, b]) as TfTensor4D;
}

/** Cross-correlation of `x[N, H, W, C]` with HWIO `w` (+ `b`) → `[N, oh, ow, nf]`. */
export function conv(tf: TfjsCore, x: TfTensor4D, w: TfTensor4D, b: TfTensor | null, g: WindowGeometry): TfTensor4D {
  const y = tf.conv2d(padInput(tf, x, g), dilateKernel(tf, w, g), [g.sH, g.sW], 'valid');
  return b ? tf.add(y, b) : y;
}

/** Transpose of {@link conv}: `s[N, oh, ow, nf]` → `[N, H, W, C]`. */
export function convT(tf: TfjsCore, s: TfTensor4D, w: TfTensor4D, g: WindowGeometry): TfTensor4D {
  const [hp, wp] = paddedSize(g);
  const full = tf.conv2dTranspose(s, dilateKernel(tf, w, g), [s.shape[0], hp, wp, g.inC], [g.sH, g.sW], 'valid');
  return cropPadding(tf, full, g);
}

/** The input elements tap `(ky, kx)` of every window reads: `[N, oh, ow, C]` of the padded input `xp`. */
function gatherTap(tf: TfjsCore, xp: TfTensor4D, g: WindowGeometry, ky: number, kx: number): TfTensor4D {
  const y0 = ky * g.dH;
  const x0 = kx * g.dW;
  return tf.stridedSlice(xp, [0, y0, x0, 0], [xp.shape[0], y0 + (g.outH - 1) * g.sH + 1, x0 + (g.outW - 1) * g.sW + 1, xp.shape[3]], [1, g.sH, g.sW, 1]) as TfTensor4D;
}

/** Transpose of {@link gatherTap}: `c[N, oh, ow, C]` placed where tap `(ky, kx)` reads, zeros elsewhere → padded input shape. */
function scatterTap(tf: TfjsCore, c: TfTensor4D, g: WindowGeometry, ky: number, kx: number): TfTensor4D {
  const [hp, wp] = paddedSize(g);
  const [n, oh, ow, ch] = c.shape;
  const spread = tf.reshape(spreadAxis1(tf, tf.reshape(spreadAxis1(tf, c, g.sH), [n * oh * g.sH, ow, ch]), g.sW), [n, oh * g.sH, ow * g.sW, ch]);
  const top = ky * g.dH;
  const left = kx * g.dW;
  // the spread rows after the last window's row are zeros; cut those that fall outside the input
  const h = Math.min(oh * g.sH, hp - top);
  const w = Math.min(ow * g.sW, wp - left);
  const cut = h === oh * g.sH && w === ow * g.sW ? spread : tf.slice(spread, 0, [n, h, w, ch]);
  return tf.pad(cut, [[0, 0], [top, hp - top - h], [left, wp - left - w], [0, 0]]) as TfTensor4D;
}

/** Weight gradient of {@link conv}: `Σ x[window] ⊗ s` → HWIO `[kh, kw, C, nf]`, one matrix product per tap. */
export function convGradW(tf: TfjsCore, x: TfTensor4D, s: TfTensor4D, g: WindowGeometry): TfTensor4D {
  const xp = padInput(tf, x, g);
  const nf = s.shape[3];
  const s2 = tf.reshape(s, [-1, nf]);
  const taps: TfTensor[] = [];
  for (let ky = 0; ky < g.kH; ky++) {
    for (let kx = 0; kx < g.kW; kx++) taps.push(tf.matMul(tf.reshape(gatherTap(tf, xp, g, ky, kx), [-1, g.inC]), s2, true, false));
  }
  return tf.reshape(tf.stack(taps), [g.kH, g.kW, g.inC, nf]) as TfTensor4D;
}

/** Per-channel window sum (zero padding) → `[N, oh, ow, C]`. */
export function windowSum(tf: TfjsCore, x: TfTensor4D, g: WindowGeometry): TfTensor4D {
  return tf.mul(tf.avgPool(padInput(tf, x, g), [g.kH, g.kW], [g.sH, g.sW], 'valid'), g.kH * g.kW);
}

/** Transpose of {@link windowSum}: `s` added to every element of its window → `[N, H, W, C]` (tfjs's AvgPoolGrad kernel). */
export function windowSumT(tf: TfjsCore, s: TfTensor4D, g: WindowGeometry): TfTensor4D {
  const [hp, wp] = paddedSize(g);
  const input = tf.zeros([s.shape[0], hp, wp, g.inC]);
  const attrs = { filterSize: [g.kH, g.kW], strides: [g.sH, g.sW], pad: 'valid' };
  const full = tf.engine().runKernel<TfTensor4D>('AvgPoolGrad', { dy: s, input }, attrs);
  return cropPadding(tf, tf.mul(full, g.kH * g.kW), g);
}

/** Per-channel window maximum; padding never wins. */
export function maxPool(tf: TfjsCore, x: TfTensor4D, g: WindowGeometry): TfTensor4D {
  return tf.maxPool(padInput(tf, x, g, -Infinity), [g.kH, g.kW], [g.sH, g.sW], 'valid');
}

/**
 * Sends `s[N, oh, ow, C]` to the elements of each window of `x` equal to its maximum `y` → `[N, H, W, C]`:
 * split equally between tied maxima (`split`), or all to the first of them in window order
 * (`first`). tfjs's own MaxPoolGrad would give all to its argmax, whatever the tie rule.
 */
export function maxRoute(tf: TfjsCore, x: TfTensor4D, y: TfTensor4D, s: TfTensor4D, g: WindowGeometry, ties: MaxTies): TfTensor4D {
  const xp = padInput(tf, x, g, -Infinity);
  const hits: TfTensor4D[] = [];
  // `first`: a tap takes a window only where no earlier tap did (`taken` counts the earlier hits)
  let taken: TfTensor4D | null = null;
  for (let ky = 0; ky < g.kH; ky++) {
    for (let kx = 0; kx < g.kW; kx++) {
      let hit = tf.cast(tf.equal(gatherTap(tf, xp, g, ky, kx), y), 'float32') as TfTensor4D;
      if (ties === 'first') {
        if (taken) hit = tf.mul(hit, tf.cast(tf.equal(taken, 0), 'float32'));
        taken = taken ? tf.add(taken, hit) : hit;
      }
      hits.push(hit);
    }
  }
  const share = ties === 'first' ? s : tf.divNoNan(s, hits.length === 1 ? hits[0]! : tf.addN(hits));
  const parts = hits.map((hit, t) => scatterTap(tf, tf.mul(hit, share), g, Math.floor(t / g.kW), t % g.kW));
  return cropPadding(tf, parts.length === 1 ? parts[0]! : tf.addN(parts), g);
}

/** Depthwise cross-correlation of `x[N, H, W, C]` with `w[kh, kw, C, M]` (+ `b[C·M]`) → `[N, oh, ow, C·M]`. */
export function depthwiseConv(tf: TfjsCore, x: TfTensor4D, w: TfTensor4D, b: TfTensor | null, g: WindowGeometry): TfTensor4D {
  const y = tf.depthwiseConv2d(padInput(tf, x, g), dilateKernel(tf, w, g), [g.sH, g.sW], 'valid');
  return b ? tf.add(y, b) : y;
}

/**
 * Transpose of {@link depthwiseConv}: `s[N, oh, ow, C·M]` → `[N, H, W, C]`, by the tfjs backend's
 * DepthwiseConv2dNativeBackpropInput kernel where it has one, else one product per tap (tfjs-wasm).
 */
export function depthwiseConvT(tf: TfjsCore, s: TfTensor4D, w: TfTensor4D, g: WindowGeometry): TfTensor4D {
  const [hp, wp] = paddedSize(g);
  const n = s.shape[0];
  const [, , c, m] = w.shape;
  if (tf.getKernel('DepthwiseConv2dNativeBackpropInput', tf.getBackend()) !== undefined) {
    const attrs = { strides: [g.sH, g.sW], pad: 'valid', dilations: [1, 1], inputShape: [n, hp, wp, c] as Shape4 };
    return cropPadding(tf, tf.engine().runKernel<TfTensor4D>('DepthwiseConv2dNativeBackpropInput', { dy: s, filter: dilateKernel(tf, w, g) }, attrs), g);
  }
  const s3 = tf.reshape(s, [-1, c, m]);
  const parts: TfTensor4D[] = [];
  for (let ky = 0; ky < g.kH; ky++) {
    for (let kx = 0; kx < g.kW; kx++) {
      const tap = tf.reshape(tf.slice(w, [ky, kx, 0, 0], [1, 1, c, m]), [1, c, m]);
      parts.push(scatterTap(tf, tf.reshape(tf.sum(tf.mul(s3, tap), 2), [n, g.outH, g.outW, c]), g, ky, kx));
    }
  }
  return cropPadding(tf, parts.length === 1 ? parts[0]! : tf.addN(parts), g);
}
