import { LrpError } from '../../errors.js';
import type { BinaryOp, MaxTies, Ops, Stabilizer, UnaryOp } from '../../engine/ops.js';
import type { WindowGeometry } from '../../model/shapes.js';
import { showShape, sizeOf } from '../../tensor.js';
import { type MemoryStats, WasmMemory } from './memory.js';
import { BINARY_CODES, UNARY_CODES, type WasmBuild, type WasmCore, type WasmExports, type WasmInitOptions, initWasm, initWasmSync } from './module.js';
import * as graph from './graph-ops.js';
import { WasmTensor } from './wasm-tensor.js';

export { WasmTensor };

/** Target bytes of one im2col chunk of the column matrix (convolutions are run in row chunks). */
const COLS_CHUNK_BYTES = 4 << 20;
/** Fewest rows of a chunk, so the GEMM keeps whole register tiles busy. */
const MIN_CHUNK_ROWS = 64;

function shapeError(op: string, msg: string): LrpError {
  return new LrpError('E_SHAPE', `wasm ${op}: ${msg}`);
}

function checkGeometry(op: string, t: WasmTensor, _g: WindowGeometry, h: number, w: number, c: number): number {
  const s = t.shape;
  if (s.length !== 4 || s[1] !== h || s[2] !== w || s[3] !== c) {
    throw shapeError(op, `expects [N, ${h}, ${w}, ${c}], got ${showShape(s)}`);
  }
  return s[0]!;
}

/**
 * The wasm backend's primitives in float32 over the lrpjs wasm core (relaxed-SIMD, SIMD or scalar build).
 * Params live in a persistent region until {@link WasmOps.dispose}; every other tensor lives in the
 * run arena and is freed at {@link WasmOps.endScope} (see memory.ts for the layout).
 */
export class WasmOps implements Ops<WasmTensor> {
  readonly name = 'wasm';
  readonly precision = 'float32' as const;
  /** Whether a SIMD build (`simd` or `relaxed`) runs. */
  readonly simd: boolean;
  /** Which build runs. */
  readonly build: WasmBuild;
  /** The compiled module (post it to workers). */
  readonly module: WebAssembly.Module;
  private ex: WasmExports;
  private readonly mem: WasmMemory;
  private inScope = false;

  constructor(core: WasmCore) {
    this.ex = core.exports;
    this.simd = core.simd;
    this.build = core.build;
    this.module = core.module;
    this.mem = new WasmMemory(core.exports.memory, core.exports.heapBase());
  }

  /** Instantiates the core (see {@link initWasm}) and wraps it. */
  static async create(opts?: WasmInitOptions): Promise<WasmOps> {
    return new WasmOps(await initWasm(opts));
  }

  /** Synchronous {@link WasmOps.create}. */
  static createSync(opts?: WasmInitOptions): WasmOps {
    return new WasmOps(initWasmSync(opts));
  }

  /** Pre-sizes the run arena to `bytes` (e.g. the plan's estimate) so runs do not grow memory. */
  reserve(bytes: number): void {
    this.mem.reserve(bytes);
  }

  /** Memory statistics. */
  memoryStats(): MemoryStats {
    return this.mem.stats();
  }

  /** Caps linear memory at `bytes` (`maxMemory`): a growth beyond it is `E_RANGE`, and changes nothing. */
  limitMemory(bytes: number): void {
    this.mem.limit = bytes;
  }

  /**
   * Gives memory back when idle: if no run scope is open and linear memory exceeds `keepBytes`, a
   * fresh instance of the same module replaces this one and the parameters move over (same
   * offsets, so prepared models stay valid); the old memory is dropped. Returns whether it did.
   */
  trim(keepBytes: number): boolean {
    if (this.inScope || this.mem.byteLength <= keepBytes) return false;
    const core = initWasmSync({ module: this.module });
    if (core.exports.heapBase() !== this.ex.heapBase()) throw new LrpError('E_BACKEND', 'wasm backend: a fresh instance has another memory layout');
    this.mem.replaceMemory(core.exports.memory);
    this.ex = core.exports;
    return true;
  }

  firstNonFinite(t: WasmTensor): number {
    return this.ex.firstNonFinite(t.ptr, t.size);
  }

  mark(): number {
    return this.mem.mark();
  }

  release(mark: number): void {
    this.mem.release(mark);
  }

  private out(shape: readonly number[]): WasmTensor {
    const size = sizeOf(shape);
    return new WasmTensor(this.mem.alloc(size * 4), [...shape], size);
  }

  private upload(data: Float32Array | Float64Array, shape: readonly number[], persistent: boolean): WasmTensor {
    const size = sizeOf(shape);
    if (data.length !== size) throw shapeError('tensor', `${data.length} values do not fill shape ${showShape(shape)}`);
    const block = persistent ? this.mem.allocParam(size * 4) : this.mem.alloc(size * 4);
    this.mem.f32(block.ptr, size).set(data);
    return new WasmTensor(block, [...shape], size);
  }

  tensor(data: Float32Array | Float64Array, shape: readonly number[]): WasmTensor {
    return this.upload(data, shape, false);
  }

  param(data: Float64Array, shape: readonly number[]): WasmTensor {
    return this.upload(data, shape, true);
  }

  beginScope(): void {
    if (this.inScope) throw new LrpError('E_USAGE', 'wasm backend: run scopes do not nest');
    this.inScope = true;
    this.mem.beginRun();
  }

  endScope(): void {
    this.inScope = false;
    this.mem.reset();
  }

  read(t: WasmTensor): Float32Array {
    return this.mem.f32(t.ptr, t.size).slice();
  }

  shape(t: WasmTensor): readonly number[] {
    return t.shape;
  }

  reshape(t: WasmTensor, shape: readonly number[]): WasmTensor {
    if (sizeOf(shape) !== t.size) throw shapeError('reshape', `cannot reshape ${showShape(t.shape)} to ${showShape(shape)}`);
    return new WasmTensor(t.block, [...shape], t.size);
  }

  /** Runs `fn` with `bytes` of arena scratch, released afterwards. */
  private withScratch(bytes: number, fn: (scratch: number) => void): void {
    const mark = this.mem.mark();
    const scratch = bytes > 0 ? this.mem.alloc(bytes).ptr : 0;
    try {
      fn(scratch);
    } finally {
      this.mem.release(mark);
    }
  }

  dense(x: WasmTensor, w: WasmTensor, b: WasmTensor | null): WasmTensor {
    if (w.shape.length !== 2) throw shapeError('dense', `weights must be [m, n], got ${showShape(w.shape)}`);
    const [m, k] = w.shape as [number, number];
    if (m === 0 || x.size % m !== 0) throw shapeError('dense', `input ${showShape(x.shape)} does not fit weights ${showShape(w.shape)}`);
    if (b && b.size !== k) throw shapeError('dense', `bias ${showShape(b.shape)} does not fit weights ${showShape(w.shape)}`);
    const n = x.size / m;
    const out = this.out([n, k]);
    this.withScratch(this.ex.gemmScratchBytes(n, k, m), (scratch) => {
      if (b) this.ex.fillRows(out.ptr, b.ptr, n, k);
      this.ex.gemm(0, 0, n, k, m, x.ptr, m, w.ptr, k, out.ptr, k, b ? 1 : 0, scratch);
    });
    return out;
  }

  denseT(s: WasmTensor, w: WasmTensor): WasmTensor {
    if (w.shape.length !== 2) throw shapeError('denseT', `weights must be [m, n], got ${showShape(w.shape)}`);
    const [m, k] = w.shape as [number, number];
    if (k === 0 || s.size % k !== 0) throw shapeError('denseT', `input ${showShape(s.shape)} does not fit weights ${showShape(w.shape)}`);
    const n = s.size / k;
    const out = this.out([n, m]);
    this.withScratch(this.ex.gemmScratchBytes(n, m, k), (scratch) => {
      this.ex.gemm(0, 1, n, m, k, s.ptr, k, w.ptr, k, out.ptr, m, 0, scratch);
    });
    return out;
  }

  denseGradW(x: WasmTensor, s: WasmTensor): WasmTensor {
    const n = x.shape[0]!;
    if (x.shape.length < 1 || s.shape[0] !== n || n === 0) {
      throw shapeError('denseGradW', `batch sizes of ${showShape(x.shape)} and ${showShape(s.shape)} differ`);
    }
    const m = x.size / n;
    const k = s.size / n;
    const out = this.out([m, k]);
    this.withScratch(this.ex.gemmScratchBytes(m, k, n), (scratch) => {
      this.ex.gemm(1, 0, m, k, n, x.ptr, m, s.ptr, k, out.ptr, k, 0, scratch);
    });
    return out;
  }

  private convFilter(op: string, w: WasmTensor, g: WindowGeometry): number {
    const s = w.shape;
    if (s.length !== 4 || s[0] !== g.kH || s[1] !== g.kW || s[2] !== g.inC) {
      throw shapeError(op, `filter ${showShape(s)} does not fit window ${g.kH}x${g.kW} over ${g.inC} channels`);
    }
    return s[3]!;
  }

  /** Whether the column matrix of `g` is the input itself (1×1 stride-1 unpadded, or one full window). */
  private static im2colIsIdentity(g: WindowGeometry): boolean {
    const [t, b, l, r] = g.pad;
    if (t !== 0 || b !== 0 || l !== 0 || r !== 0 || g.dH !== 1 || g.dW !== 1) return false;
    return (g.kH === 1 && g.kW === 1 && g.sH === 1 && g.sW === 1) || (g.kH === g.inH && g.kW === g.inW);
  }

  private chunkRows(total: number, rowLen: number): number {
    return Math.min(total, Math.max(MIN_CHUNK_ROWS, Math.floor(COLS_CHUNK_BYTES / (4 * Math.max(rowLen, 1)))));
  }

  /**
   * Runs `fn(cols, scratch, p0, rows)` over row chunks `[p0, p0 + rows)` of the `P × KK` column
   * matrix of a convolution, with one column buffer and the GEMM scratch `gemmBytes(chunk)` for all
   * chunks. Tensor addresses must be read inside `fn` (the allocation may move the arena).
   */
  private overColumnChunks(P: number, KK: number, gemmBytes: (chunk: number) => number, fn: (cols: number, scratch: number, p0: number, rows: number) => void): void {
    const chunk = this.chunkRows(P, KK);
    const colsBytes = chunk * KK * 4;
    this.withScratch(colsBytes + 16 + gemmBytes(chunk), (cols) => {
      const scratch = cols + Math.ceil(colsBytes / 16) * 16;
      for (let p0 = 0; p0 < P; p0 += chunk) fn(cols, scratch, p0, Math.min(chunk, P - p0));
    });
  }

  conv(x: WasmTensor, w: WasmTensor, b: WasmTensor | null, g: WindowGeometry): WasmTensor {
    const nf = this.convFilter('conv', w, g);
    const n = checkGeometry('conv', x, g, g.inH, g.inW, g.inC);
    if (b && b.size !== nf) throw shapeError('conv', `bias ${showShape(b.shape)} does not fit ${nf} filters`);
    const P = n * g.outH * g.outW;
    const KK = g.kH * g.kW * g.inC;
    const out = this.out([n, g.outH, g.outW, nf]);
    if (P === 0 || nf === 0) return out;
    const acc = b ? 1 : 0;
    if (WasmOps.im2colIsIdentity(g)) {
      this.withScratch(this.ex.gemmScratchBytes(P, nf, KK), (scratch) => {
        if (b) this.ex.fillRows(out.ptr, b.ptr, P, nf);
        this.ex.gemm(0, 0, P, nf, KK, x.ptr, KK, w.ptr, nf, out.ptr, nf, acc, scratch);
      });
      return out;
    }
    const [padT, , padL] = g.pad;
    this.overColumnChunks(P, KK, (chunk) => this.ex.gemmScratchBytes(chunk, nf, KK), (cols, scratch, p0, rows) => {
      if (b && p0 === 0) this.ex.fillRows(out.ptr, b.ptr, P, nf);
      this.ex.im2col(x.ptr, cols, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, padT, padL, p0, rows, g.dH, g.dW);
      this.ex.gemm(0, 0, rows, nf, KK, cols, KK, w.ptr, nf, out.ptr + p0 * nf * 4, nf, acc, scratch);
    });
    return out;
  }

  convT(s: WasmTensor, w: WasmTensor, g: WindowGeometry): WasmTensor {
    const nf = this.convFilter('convT', w, g);
    const n = checkGeometry('convT', s, g, g.outH, g.outW, nf);
    const P = n * g.outH * g.outW;
    const KK = g.kH * g.kW * g.inC;
    const out = this.out([n, g.inH, g.inW, g.inC]);
    if (WasmOps.im2colIsIdentity(g)) {
      this.withScratch(this.ex.gemmScratchBytes(P, KK, nf), (scratch) => {
        this.ex.gemm(0, 1, P, KK, nf, s.ptr, nf, w.ptr, nf, out.ptr, KK, 0, scratch);
      });
      return out;
    }
    this.mem.f32(out.ptr, out.size).fill(0);
    if (P === 0 || KK === 0) return out;
    const [padT, , padL] = g.pad;
    this.overColumnChunks(P, KK, (chunk) => this.ex.gemmScratchBytes(chunk, KK, nf), (cols, scratch, p0, rows) => {
      this.ex.gemm(0, 1, rows, KK, nf, s.ptr + p0 * nf * 4, nf, w.ptr, nf, cols, KK, 0, scratch);
      this.ex.col2im(cols, out.ptr, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, padT, padL, p0, rows, g.dH, g.dW);
    });
    return out;
  }

  convGradW(x: WasmTensor, s: WasmTensor, g: WindowGeometry): WasmTensor {
    const n = checkGeometry('convGradW', x, g, g.inH, g.inW, g.inC);
    const nf = s.shape[3] ?? 0;
    if (checkGeometry('convGradW', s, g, g.outH, g.outW, nf) !== n) {
      throw shapeError('convGradW', `batch sizes of ${showShape(x.shape)} and ${showShape(s.shape)} differ`);
    }
    const P = n * g.outH * g.outW;
    const KK = g.kH * g.kW * g.inC;
    const out = this.out([g.kH, g.kW, g.inC, nf]);
    if (KK === 0 || nf === 0) return out;
    if (P === 0) {
      this.mem.f32(out.ptr, out.size).fill(0);
      return out;
    }
    if (WasmOps.im2colIsIdentity(g)) {
      this.withScratch(this.ex.gemmScratchBytes(KK, nf, P), (scratch) => {
        this.ex.gemm(1, 0, KK, nf, P, x.ptr, KK, s.ptr, nf, out.ptr, nf, 0, scratch);
      });
      return out;
    }
    const [padT, , padL] = g.pad;
    this.overColumnChunks(P, KK, (chunk) => this.ex.gemmScratchBytes(KK, nf, chunk), (cols, scratch, p0, rows) => {
      this.ex.im2col(x.ptr, cols, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, padT, padL, p0, rows, g.dH, g.dW);
      this.ex.gemm(1, 0, KK, nf, rows, cols, KK, s.ptr + p0 * nf * 4, nf, out.ptr, nf, p0 > 0 ? 1 : 0, scratch);
    });
    return out;
  }

  private windowReduce(x: WasmTensor, g: WindowGeometry, isMax: number, op: string): WasmTensor {
    const n = checkGeometry(op, x, g, g.inH, g.inW, g.inC);
    const out = this.out([n, g.outH, g.outW, g.inC]);
    const [padT, , padL] = g.pad;
    this.ex.windowReduce(x.ptr, out.ptr, n, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, padT, padL, isMax);
    return out;
  }

  windowSum(x: WasmTensor, g: WindowGeometry): WasmTensor {
    return this.windowReduce(x, g, 0, 'windowSum');
  }

  maxPool(x: WasmTensor, g: WindowGeometry): WasmTensor {
    return this.windowReduce(x, g, 1, 'maxPool');
  }

  windowSumT(s: WasmTensor, g: WindowGeometry): WasmTensor {
    const n = checkGeometry('windowSumT', s, g, g.outH, g.outW, g.inC);
    const out = this.out([n, g.inH, g.inW, g.inC]);
    const [padT, , padL] = g.pad;
    this.ex.windowSumT(s.ptr, out.ptr, n, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, padT, padL);
    return out;
  }

  maxRoute(x: WasmTensor, y: WasmTensor, s: WasmTensor, g: WindowGeometry, ties: MaxTies = 'split'): WasmTensor {
    const n = checkGeometry('maxRoute', x, g, g.inH, g.inW, g.inC);
    if (checkGeometry('maxRoute', y, g, g.outH, g.outW, g.inC) !== n || checkGeometry('maxRoute', s, g, g.outH, g.outW, g.inC) !== n) {
      throw shapeError('maxRoute', `batch sizes of ${showShape(x.shape)}, ${showShape(y.shape)} and ${showShape(s.shape)} differ`);
    }
    const out = this.out([n, g.inH, g.inW, g.inC]);
    const [padT, , padL] = g.pad;
    this.ex.maxRoute(x.ptr, y.ptr, s.ptr, out.ptr, n, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, padT, padL, ties === 'first' ? 1 : 0);
    return out;
  }

  unary(op: UnaryOp, x: WasmTensor): WasmTensor {
    const code = UNARY_CODES[op];
    if (code === undefined) throw new LrpError('E_RULE', `wasm unary: unknown op '${String(op)}'`);
    const out = this.out(x.shape);
    this.ex.unary(code, x.ptr, out.ptr, x.size);
    return out;
  }

  private same(op: string, a: WasmTensor, b: WasmTensor): void {
    if (a.size !== b.size) throw shapeError(op, `shapes ${showShape(a.shape)} and ${showShape(b.shape)} differ`);
  }

  binary(op: BinaryOp, a: WasmTensor, b: WasmTensor): WasmTensor {
    const code = BINARY_CODES[op];
    if (code === undefined) throw new LrpError('E_RULE', `wasm binary: unknown op '${String(op)}'`);
    this.same(op, a, b);
    const out = this.out(a.shape);
    this.ex.binary(code, a.ptr, b.ptr, out.ptr, a.size);
    return out;
  }

  scale(x: WasmTensor, c: number): WasmTensor {
    const out = this.out(x.shape);
    this.ex.scale(x.ptr, c, out.ptr, x.size);
    return out;
  }

  divStab(r: WasmTensor, z: WasmTensor, stab: Stabilizer): WasmTensor {
    this.same('divStab', r, z);
    const out = this.out(r.shape);
    this.ex.divStab(r.ptr, z.ptr, stab.eps, out.ptr, r.size);
    return out;
  }

  private rows(t: WasmTensor): [number, number] {
    const d = t.shape[t.shape.length - 1] ?? 1;
    return [d === 0 ? 0 : t.size / d, d];
  }

  softmax(x: WasmTensor): WasmTensor {
    const [rows, d] = this.rows(x);
    const out = this.out(x.shape);
    this.ex.softmax(x.ptr, out.ptr, rows, d);
    return out;
  }

  softmaxT(y: WasmTensor, s: WasmTensor): WasmTensor {
    this.same('softmaxT', y, s);
    const [rows, d] = this.rows(y);
    const out = this.out(y.shape);
    this.ex.softmaxT(y.ptr, s.ptr, out.ptr, rows, d);
    return out;
  }

  private get kernels(): graph.WasmKernelContext {
    return { ex: this.ex, mem: this.mem, out: (shape) => this.out(shape) };
  }
  affine(x: WasmTensor, scale: WasmTensor, shift: WasmTensor | null): WasmTensor { return graph.affine(this.kernels, x, scale, shift); }
  depthwiseConv(x: WasmTensor, w: WasmTensor, b: WasmTensor | null, g: WindowGeometry): WasmTensor { return graph.depthwiseConv(this.kernels, x, w, b, g); }
  depthwiseConvT(s: WasmTensor, w: WasmTensor, g: WindowGeometry): WasmTensor { return graph.depthwiseConvT(this.kernels, s, w, g); }
  clip(x: WasmTensor, lo: number, hi: number): WasmTensor { return graph.clip(this.kernels, x, lo, hi, false); }
  inside(x: WasmTensor, lo: number, hi: number): WasmTensor { return graph.clip(this.kernels, x, lo, hi, true); }
  concat(parts: readonly WasmTensor[], axis: number): WasmTensor { return graph.concat(this.kernels, parts, axis); }
  slice(x: WasmTensor, axis: number, start: number, size: number): WasmTensor { return graph.slice(this.kernels, x, axis, start, size); }
  pad(x: WasmTensor, p: readonly [number, number, number, number]): WasmTensor { return graph.padOrCrop(this.kernels, x, p, false); }
  crop(x: WasmTensor, p: readonly [number, number, number, number]): WasmTensor { return graph.padOrCrop(this.kernels, x, p, true); }

  /** Frees a param's region (and that of every reshape sharing it); arena tensors wait for endScope. */
  dispose(t: WasmTensor): void {
    if (t.block.persistent) this.mem.freeParam(t.block);
  }
}
