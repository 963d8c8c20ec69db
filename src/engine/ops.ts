import type { WindowGeometry } from '../model/shapes.js';

/** Elementwise maps every backend provides. `step` is `x > 0 ? 1 : 0`; `ones` ignores x. */
export type UnaryOp =
  | 'relu'
  | 'tanh'
  | 'sigmoid'
  | 'pos'
  | 'neg'
  | 'square'
  | 'abs'
  | 'sqrt'
  | 'step'
  | 'ones'
  | 'tanhGrad'
  | 'sigmoidGrad';

/** How {@link Ops.maxRoute} treats tied maxima: split equally, or all to the first in window order. */
export type MaxTies = 'split' | 'first';

/** Elementwise binary maps on equal shapes. */
export type BinaryOp = 'add' | 'sub' | 'mul';

/**
 * Division stabiliser of the LRP rules: `r / (z + eps·sgn0(z))` with `sgn0(z) = z >= 0 ? 1 : −1`
 * (toolbox convention, so `eps` also shields z = 0). Where the stabilised denominator is exactly 0
 * (eps = 0 and z = 0) the quotient is 0, never NaN.
 */
export interface Stabilizer {
  readonly eps: number;
}

/** Where a backend runs and why it was chosen (the tfjs backend: its tfjs backend, e.g. `webgpu`). */
export interface BackendPlacement {
  /** The device or sub-backend the kernels run on: `webgpu`, `webgl`, `wasm`, `cpu`, ... */
  readonly device: string;
  /** Why that one: what was asked for and what was looked at. */
  readonly reason: string;
}

/**
 * The primitive kernels a backend provides. The relevance engine (`engine/relevance.ts`) is written
 * once over this interface; the js (float64), wasm (float32 SIMD) and tfjs backends implement it.
 * Handles `T` are opaque: host arrays, arena offsets or `tf.Tensor`s. Every op returns a new handle
 * and leaves its arguments untouched. All tensors carry the batch as their first dimension except
 * weights. Activation layout is NHWC; weights are linear `[m, n]` and conv HWIO.
 */
export interface Ops<T> {
  /** Backend name, e.g. `js`, `wasm`, `tfjs`. */
  readonly name: string;
  /** Element type of the computations. */
  readonly precision: 'float64' | 'float32';
  /** Optional: where the kernels run and why (backends that choose among devices: tfjs). */
  readonly placement?: BackendPlacement;
  /** Uploads host data (copied) as a tensor of `shape`. */
  tensor(data: Float32Array | Float64Array, shape: readonly number[]): T;
  /**
   * Uploads model parameters (weights, biases and their rule variants). They live in persistent
   * storage until {@link Ops.dispose} releases them; run scopes never free them.
   */
  param(data: Float64Array, shape: readonly number[]): T;
  /**
   * Opens a run scope: every tensor created until the matching {@link Ops.endScope} (other than
   * params) is released there at once (an arena reset in wasm, `tf.engine().endScope()` in tfjs).
   * Scopes do not nest.
   */
  beginScope(): void;
  /** Closes the run scope and frees its tensors; handles created inside become invalid. */
  endScope(): void;
  /**
   * Optional: pre-sizes run storage to `bytes` (the plan's estimate, `estimateRunBytes` in `engine/memory-plan.ts`), so a
   * run grows memory at most once, before it starts.
   */
  reserve?(bytes: number): void;
  /**
   * Optional: caps the backend's storage at `bytes` (`maxMemory`). A growth beyond it fails with
   * `E_RANGE` and leaves the backend as it was.
   */
  limitMemory?(bytes: number): void;
  /**
   * Optional: gives storage back while no run scope is open, when it holds more than `keepBytes`
   * (wasm: a fresh instance replaces one whose memory grew). Parameters stay valid. Returns whether it did.
   */
  trim?(keepBytes: number): boolean;
  /** Optional: a mark of the run storage, so {@link Ops.release} can free what was created after it. */
  mark?(): number;
  /** Optional: frees every run tensor created since `mark` (one explanation's temporaries). */
  release?(mark: number): void;
  /** Downloads a tensor's data (a copy the caller owns) in the backend's precision. */
  read(t: T): Float32Array | Float64Array;
  /** Index of the first NaN or ±Infinity in a tensor (flat, C order), or −1 when every value is finite. */
  firstNonFinite(t: T): number;
  /**
   * Optional, for backends where every readback stalls the device (tfjs on a GPU): folds `t` into the
   * check value `acc` (`null` to start), a tensor that is non-finite exactly when some folded tensor
   * holds a NaN or ±Infinity. A pass then reads one value instead of every tensor it checks.
   */
  foldFinite?(acc: T | null, t: T): T;
  /** Shape of a tensor. */
  shape(t: T): readonly number[];
  /** Same data, new shape of equal size (may share storage). */
  reshape(t: T, shape: readonly number[]): T;
  /** `x[N, m] · w[m, n] (+ b[n])` → `[N, n]`. */
  dense(x: T, w: T, b: T | null): T;
  /** `s[N, n] · wᵀ` → `[N, m]`. */
  denseT(s: T, w: T): T;
  /**
   * Weight gradient of {@link Ops.dense}: `xᵀ · s` for `x[N, m]` and `s[N, n]` → `[m, n]` (summed
   * over the batch). With `x` a column of ones (`[N, 1]`) it gives the bias gradient `[1, n]`.
   */
  denseGradW(x: T, s: T): T;
  /** Cross-correlation of `x[N, H, W, C]` with HWIO `w` (+ `b[nf]`), zero padding per `g` → `[N, oh, ow, nf]`. */
  conv(x: T, w: T, b: T | null, g: WindowGeometry): T;
  /** Transpose of {@link Ops.conv} (gradient w.r.t. its input): `s[N, oh, ow, nf]` → `[N, H, W, C]`. */
  convT(s: T, w: T, g: WindowGeometry): T;
  /**
   * Weight gradient of {@link Ops.conv}: for input `x[N, H, W, C]` and the signal `s[N, oh, ow, nf]`
   * at its output, `Σ_{n, oy, ox} x[n, window(oy, ox)] ⊗ s[n, oy, ox]` → HWIO `[kh, kw, C, nf]`
   * (padding contributes nothing). Summed over the batch.
   */
  convGradW(x: T, s: T, g: WindowGeometry): T;
  /** Per-channel window sum of `x[N, H, W, C]` (zero padding) → `[N, oh, ow, C]`. */
  windowSum(x: T, g: WindowGeometry): T;
  /** Transpose of {@link Ops.windowSum}: adds `s` to every input element of its window → `[N, H, W, C]`. */
  windowSumT(s: T, g: WindowGeometry): T;
  /** Per-channel window maximum (padding never wins) → `[N, oh, ow, C]`. */
  maxPool(x: T, g: WindowGeometry): T;
  /**
   * Sends `s[N, oh, ow, C]` to the window elements of `x` equal to the window's maximum `y`
   * (`y = maxPool(x)`) → `[N, H, W, C]`: split equally between tied maxima (`ties` `'split'`, the
   * default), or all to the first of them in window order, row by row (`'first'`: PyTorch's gradient,
   * for `compat: 'zennit'`).
   */
  maxRoute(x: T, y: T, s: T, g: WindowGeometry, ties?: MaxTies): T;
  /** Elementwise map. */
  unary(op: UnaryOp, x: T): T;
  /** Elementwise binary map on equal shapes. */
  binary(op: BinaryOp, a: T, b: T): T;
  /** `c · x`. */
  scale(x: T, c: number): T;
  /** `r / (z + eps·sgn0(z))`, 0 where that denominator is 0. */
  divStab(r: T, z: T, stab: Stabilizer): T;
  /** Row softmax of `x[N, D]` with the row maximum subtracted. */
  softmax(x: T): T;
  /** Vector-Jacobian product of softmax: `y ⊙ (s − Σ_j y_j s_j)` per row, `y = softmax(x)`. */
  softmaxT(y: T, s: T): T;
  /** Per-channel affine map on the last axis: `x[..., c]·scale[c] (+ shift[c])` (BatchNorm, diagonal layers). */
  affine(x: T, scale: T, shift: T | null): T;
  /**
   * Depthwise cross-correlation of `x[N, H, W, C]` with `w[kh, kw, C, M]` (+ `b[C·M]`) → `[N, oh, ow, C·M]`,
   * output channel `c·M + m` (zero padding and dilation per `g`).
   */
  depthwiseConv(x: T, w: T, b: T | null, g: WindowGeometry): T;
  /** Transpose of {@link Ops.depthwiseConv}: `s[N, oh, ow, C·M]` → `[N, H, W, C]`. */
  depthwiseConvT(s: T, w: T, g: WindowGeometry): T;
  /** `min(max(x, lo), hi)` elementwise. */
  clip(x: T, lo: number, hi: number): T;
  /** `lo < x < hi ? 1 : 0` elementwise: the derivative of {@link Ops.clip}. */
  inside(x: T, lo: number, hi: number): T;
  /** Concatenation along `axis` of the full (batch-first) shape, `axis ≥ 1`; the parts agree elsewhere. */
  concat(parts: readonly T[], axis: number): T;
  /** Elements `[start, start + size)` along `axis` of the full shape. */
  slice(x: T, axis: number, start: number, size: number): T;
  /** Zero padding of H and W of `x[N, H, W, C]` by `[top, bottom, left, right]`. */
  pad(x: T, padding: readonly [number, number, number, number]): T;
  /** Inverse of {@link Ops.pad}: removes `[top, bottom, left, right]` rows and columns of `x[N, H, W, C]`. */
  crop(x: T, padding: readonly [number, number, number, number]): T;
  /** Releases a tensor (no-op where memory is reclaimed otherwise). */
  dispose(t: T): void;
}
