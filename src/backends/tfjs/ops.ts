import { LrpError } from '../../errors.js';
import type { BackendPlacement, BinaryOp, MaxTies, Ops, Stabilizer, UnaryOp } from '../../engine/ops.js';
import { firstNonFiniteValue } from '../../engine/numeric-check.js';
import type { WindowGeometry } from '../../model/shapes.js';
import { showShape, sizeOf } from '../../tensor.js';
import type { TfTensor, TfTensor4D, TfjsCore } from './tfjs-api.js';
import * as win from './window-ops.js';

/** Where a tfjs backend runs (its tfjs backend: `webgpu`, `webgl`, `wasm`, `cpu`) and why it was chosen. */
export type TfjsPlacement = BackendPlacement;

function shapeError(op: string, msg: string): LrpError {
  return new LrpError('E_SHAPE', `tfjs ${op}: ${msg}`);
}

function nhwc(t: TfTensor, op: string): TfTensor4D {
  if (t.rank !== 4) throw shapeError(op, `expects [N, H, W, C], got ${showShape(t.shape)}`);
  return t as TfTensor4D;
}

function checkWindowInput(t: TfTensor, h: number, w: number, c: number, op: string): TfTensor4D {
  const s = t.shape;
  if (s.length !== 4 || s[1] !== h || s[2] !== w || s[3] !== c) throw shapeError(op, `expects [N, ${h}, ${w}, ${c}], got ${showShape(s)}`);
  return t as TfTensor4D;
}

/**
 * The tfjs backend's primitives in float32: each one a few tfjs ops in a `tf.tidy`, on whichever
 * tfjs backend is active (webgpu or webgl on a GPU, wasm or cpu otherwise). Tensors stay on the
 * device between layers; only {@link TfjsOps.read} and {@link TfjsOps.firstNonFinite} download, and
 * the engine's checks fold into one value per pass ({@link TfjsOps.foldFinite}).
 * Parameters are kept (`tf.keep`) until {@link TfjsOps.dispose}; every other tensor is tracked and
 * disposed by {@link TfjsOps.release} or {@link TfjsOps.endScope}, so `tf.memory().numTensors`
 * returns to where it was after every explanation.
 */
export class TfjsOps implements Ops<TfTensor> {
  readonly name = 'tfjs';
  readonly precision = 'float32' as const;
  /** Run tensors in creation order (marks are indices into it). */
  private run: TfTensor[] = [];
  /** Every tensor this backend handed out (run tensors and parameters). */
  private readonly known = new WeakSet<TfTensor>();

  constructor(
    /** The tfjs instance the ops run on. */
    readonly tf: TfjsCore,
    /** The tfjs backend and why it was chosen. */
    readonly placement: TfjsPlacement,
  ) {}

  /** Makes this explainer's tfjs backend the active one again where the caller switched it meanwhile. */
  private activate(): void {
    if (this.tf.getBackend() !== this.placement.device) void this.tf.setBackend(this.placement.device);
  }

  /** Runs `f` in a tidy scope and tracks its result as a run tensor. */
  private op(f: () => TfTensor): TfTensor {
    let t = this.tf.tidy(f);
    // an op that handed back one of its arguments gets its own handle, so freeing one frees only it
    if (this.known.has(t)) t = this.tf.clone(t);
    this.known.add(t);
    this.run.push(t);
    return t;
  }

  tensor(data: Float32Array | Float64Array, shape: readonly number[]): TfTensor {
    if (data.length !== sizeOf(shape)) throw shapeError('tensor', `${data.length} values do not fill shape ${showShape(shape)}`);
    return this.op(() => this.tf.tensor(Float32Array.from(data), [...shape], 'float32'));
  }
  param(data: Float64Array, shape: readonly number[]): TfTensor {
    if (data.length !== sizeOf(shape)) throw shapeError('param', `${data.length} values do not fill shape ${showShape(shape)}`);
    const t = this.tf.keep(this.tf.tensor(Float32Array.from(data), [...shape], 'float32'));
    this.known.add(t);
    return t;
  }
  beginScope(): void {
    this.activate();
  }
  endScope(): void {
    this.release(0);
  }
  mark(): number {
    return this.run.length;
  }
  release(mark: number): void {
    for (const t of this.run.splice(mark)) t.dispose();
  }
  read(t: TfTensor): Float32Array {
    return Float32Array.from(t.dataSync() as Float32Array);
  }
  firstNonFinite(t: TfTensor): number {
    const all = this.tf.tidy(() => this.tf.all(this.tf.isFinite(t)));
    const finite = all.dataSync()[0] !== 0;
    all.dispose();
    return finite ? -1 : firstNonFiniteValue(this.read(t));
  }
  /** Folds `Σ t·0` (0, or NaN where `t` holds a NaN or ±Infinity) into `acc` on the device: no readback. */
  foldFinite(acc: TfTensor | null, t: TfTensor): TfTensor {
    return this.op(() => {
      const s = this.tf.sum(this.tf.mul(t, 0));
      return acc ? this.tf.add(acc, s) : s;
    });
  }
  shape(t: TfTensor): readonly number[] {
    return t.shape;
  }
  reshape(t: TfTensor, shape: readonly number[]): TfTensor {
    if (sizeOf(shape) !== t.size) throw shapeError('reshape', `cannot reshape ${showShape(t.shape)} to ${showShape(shape)}`);
    return this.op(() => this.tf.reshape(t, [...shape]));
  }

  dense(x: TfTensor, w: TfTensor, b: TfTensor | null): TfTensor {
    const [m] = w.shape as [number, number];
    if (x.size % m !== 0) throw shapeError('dense', `${showShape(x.shape)} does not fit weights ${showShape(w.shape)}`);
    return this.op(() => {
      const y = this.tf.matMul(this.tf.reshape(x, [-1, m]), w as never);
      return b ? this.tf.add(y, b) : y;
    });
  }
  denseT(s: TfTensor, w: TfTensor): TfTensor {
    const [, k] = w.shape as [number, number];
    if (s.size % k !== 0) throw shapeError('denseT', `${showShape(s.shape)} does not fit weights ${showShape(w.shape)}`);
    return this.op(() => this.tf.matMul(this.tf.reshape(s, [-1, k]), w as never, false, true));
  }
  denseGradW(x: TfTensor, s: TfTensor): TfTensor {
    const n = x.shape[0]!;
    if (s.shape[0] !== n || n === 0) throw shapeError('denseGradW', `batch sizes of ${showShape(x.shape)} and ${showShape(s.shape)} differ`);
    return this.op(() => this.tf.matMul(this.tf.reshape(x, [n, -1]), this.tf.reshape(s, [n, -1]), true, false));
  }
  conv(x: TfTensor, w: TfTensor, b: TfTensor | null, g: WindowGeometry): TfTensor {
    const x4 = checkWindowInput(x, g.inH, g.inW, g.inC, 'conv');
    return this.op(() => win.conv(this.tf, x4, nhwc(w, 'conv weights'), b, g));
  }
  convT(s: TfTensor, w: TfTensor, g: WindowGeometry): TfTensor {
    const s4 = checkWindowInput(s, g.outH, g.outW, w.shape[3]!, 'convT');
    return this.op(() => win.convT(this.tf, s4, nhwc(w, 'convT weights'), g));
  }
  convGradW(x: TfTensor, s: TfTensor, g: WindowGeometry): TfTensor {
    const x4 = checkWindowInput(x, g.inH, g.inW, g.inC, 'convGradW');
    const s4 = nhwc(s, 'convGradW');
    if (s4.shape[0] !== x4.shape[0] || s4.shape[1] !== g.outH || s4.shape[2] !== g.outW) {
      throw shapeError('convGradW', `signal ${showShape(s.shape)} does not fit input ${showShape(x.shape)}`);
    }
    return this.op(() => win.convGradW(this.tf, x4, s4, g));
  }
  windowSum(x: TfTensor, g: WindowGeometry): TfTensor {
    const x4 = checkWindowInput(x, g.inH, g.inW, g.inC, 'windowSum');
    return this.op(() => win.windowSum(this.tf, x4, g));
  }
  windowSumT(s: TfTensor, g: WindowGeometry): TfTensor {
    const s4 = checkWindowInput(s, g.outH, g.outW, g.inC, 'windowSumT');
    return this.op(() => win.windowSumT(this.tf, s4, g));
  }
  maxPool(x: TfTensor, g: WindowGeometry): TfTensor {
    const x4 = checkWindowInput(x, g.inH, g.inW, g.inC, 'maxPool');
    return this.op(() => win.maxPool(this.tf, x4, g));
  }
  maxRoute(x: TfTensor, y: TfTensor, s: TfTensor, g: WindowGeometry, ties: MaxTies = 'split'): TfTensor {
    const x4 = checkWindowInput(x, g.inH, g.inW, g.inC, 'maxRoute');
    const y4 = checkWindowInput(y, g.outH, g.outW, g.inC, 'maxRoute');
    const s4 = checkWindowInput(s, g.outH, g.outW, g.inC, 'maxRoute');
    return this.op(() => win.maxRoute(this.tf, x4, y4, s4, g, ties));
  }
  unary(op: UnaryOp, x: TfTensor): TfTensor {
    const { tf } = this;
    return this.op((): TfTensor => {
      switch (op) {
        case 'relu':
        case 'pos':
          return tf.relu(x);
        case 'neg': return tf.minimum(x, 0);
        case 'tanh': return tf.tanh(x);
        case 'sigmoid': return tf.sigmoid(x);
        case 'square': return tf.square(x);
        case 'abs': return tf.abs(x);
        case 'sqrt': return tf.sqrt(x);
        case 'step': return tf.cast(tf.greater(x, 0), 'float32');
        case 'ones': return tf.onesLike(x);
        case 'tanhGrad': return tf.sub(1, tf.square(x));
        case 'sigmoidGrad': return tf.mul(x, tf.sub(1, x));
      }
    });
  }
  binary(op: BinaryOp, a: TfTensor, b: TfTensor): TfTensor {
    if (a.size !== b.size) throw shapeError(op, `shapes ${showShape(a.shape)} and ${showShape(b.shape)} differ`);
    const { tf } = this;
    return this.op(() => {
      const bb = tf.reshape(b, a.shape);
      return op === 'add' ? tf.add(a, bb) : op === 'sub' ? tf.sub(a, bb) : tf.mul(a, bb);
    });
  }
  scale(x: TfTensor, c: number): TfTensor {
    return this.op(() => this.tf.mul(x, c));
  }
  divStab(r: TfTensor, z: TfTensor, stab: Stabilizer): TfTensor {
    if (r.size !== z.size) throw shapeError('divStab', `shapes ${showShape(r.shape)} and ${showShape(z.shape)} differ`);
    const { tf } = this;
    return this.op(() => {
      // z + eps·sgn0(z), sgn0(0) = 1; a zero denominator gives 0
      const sign = tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0), 'float32'), 2), 1);
      const d = stab.eps === 0 ? z : tf.add(z, tf.mul(sign, stab.eps));
      return tf.divNoNan(r, tf.reshape(d, r.shape));
    });
  }
  softmax(x: TfTensor): TfTensor {
    return this.op(() => this.tf.softmax(x));
  }
  softmaxT(y: TfTensor, s: TfTensor): TfTensor {
    if (y.size !== s.size) throw shapeError('softmaxT', `shapes ${showShape(y.shape)} and ${showShape(s.shape)} differ`);
    const { tf } = this;
    return this.op(() => {
      const s2 = tf.reshape(s, y.shape);
      return tf.mul(y, tf.sub(s2, tf.sum(tf.mul(y, s2), -1, true)));
    });
  }
  affine(x: TfTensor, scale: TfTensor, shift: TfTensor | null): TfTensor {
    const c = scale.size;
    if (x.shape[x.rank - 1] !== c || (shift && shift.size !== c)) throw shapeError('affine', `${c} channels do not fit ${showShape(x.shape)}`);
    return this.op(() => {
      const y = this.tf.mul(x, scale);
      return shift ? this.tf.add(y, shift) : y;
    });
  }
  depthwiseConv(x: TfTensor, w: TfTensor, b: TfTensor | null, g: WindowGeometry): TfTensor {
    const x4 = checkWindowInput(x, g.inH, g.inW, g.inC, 'depthwiseConv');
    return this.op(() => win.depthwiseConv(this.tf, x4, nhwc(w, 'depthwiseConv weights'), b, g));
  }
  depthwiseConvT(s: TfTensor, w: TfTensor, g: WindowGeometry): TfTensor {
    const w4 = nhwc(w, 'depthwiseConvT weights');
    const s4 = checkWindowInput(s, g.outH, g.outW, w4.shape[2] * w4.shape[3], 'depthwiseConvT');
    return this.op(() => win.depthwiseConvT(this.tf, s4, w4, g));
  }
  clip(x: TfTensor, lo: number, hi: number): TfTensor {
    return this.op(() => this.tf.clipByValue(x, lo, hi));
  }
  inside(x: TfTensor, lo: number, hi: number): TfTensor {
    const { tf } = this;
    return this.op(() => tf.cast(tf.logicalAnd(tf.greater(x, lo), tf.less(x, hi)), 'float32'));
  }
  concat(parts: readonly TfTensor[], axis: number): TfTensor {
    const first = parts[0]!.shape;
    if (!Number.isInteger(axis) || axis < 1 || axis >= first.length) throw shapeError('concat', `axis ${axis} is out of range for ${showShape(first)}`);
    for (const p of parts) {
      if (p.rank !== first.length || p.shape.some((d, j) => j !== axis && d !== first[j])) {
        throw shapeError('concat', `${showShape(p.shape)} does not fit ${showShape(first)} along axis ${axis}`);
      }
    }
    return this.op(() => this.tf.concat([...parts], axis));
  }
  slice(x: TfTensor, axis: number, start: number, size: number): TfTensor {
    if (!Number.isInteger(axis) || axis < 1 || axis >= x.rank) throw shapeError('slice', `axis ${axis} is out of range for ${showShape(x.shape)}`);
    if (!(start >= 0 && size >= 0 && start + size <= x.shape[axis]!)) {
      throw shapeError('slice', `[${start}, ${start + size}) is outside axis ${axis} of ${showShape(x.shape)}`);
    }
    const begin = x.shape.map((_, j) => (j === axis ? start : 0));
    const sizes = x.shape.map((d, j) => (j === axis ? size : d));
    return this.op(() => this.tf.slice(x, begin, sizes));
  }
  pad(x: TfTensor, p: readonly [number, number, number, number]): TfTensor {
    const x4 = nhwc(x, 'pad');
    return this.op(() => this.tf.pad(x4, [[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]]));
  }
  crop(x: TfTensor, p: readonly [number, number, number, number]): TfTensor {
    const [n, oh, ow, c] = nhwc(x, 'crop').shape;
    const h = oh - p[0] - p[1];
    const w = ow - p[2] - p[3];
    if (!(h >= 0 && w >= 0)) throw shapeError('crop', `[${p.join(', ')}] is more than ${showShape(x.shape)}`);
    return this.op(() => this.tf.slice(x, [0, p[0], p[2], 0], [n, h, w, c]));
  }
  /** Frees `t` now (a parameter, or a run tensor before its scope ends). */
  dispose(t: TfTensor): void {
    t.dispose();
  }
}
