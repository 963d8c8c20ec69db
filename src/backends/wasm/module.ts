import { LrpError } from '../../errors.js';
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './wasm-bytes.generated.js';

/**
 * The raw exports of the lrpjs wasm core (assembly/index.ts). Pointers are byte addresses in
 * `memory`, dimensions are element counts; every buffer is placed by the host (memory.ts).
 */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  /** First free byte after the module's static data. */
  heapBase(): number;
  /** 1 for the SIMD build, 0 for the scalar build. */
  simdBuild(): number;
  /** C[M,N] (+)= op(A)·op(B), row-major; see assembly/gemm.ts. */
  gemm(
    transA: number, transB: number, M: number, N: number, K: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
    accumulate: number, scratch: number,
  ): void;
  /** Scratch bytes {@link WasmExports.gemm} needs for these sizes. */
  gemmScratchBytes(M: number, N: number, K: number): number;
  im2col(
    x: number, cols: number, inH: number, inW: number, C: number, outH: number, outW: number,
    kH: number, kW: number, sH: number, sW: number, padT: number, padL: number, p0: number, rows: number, dH: number, dW: number,
  ): void;
  col2im(
    cols: number, out: number, inH: number, inW: number, C: number, outH: number, outW: number,
    kH: number, kW: number, sH: number, sW: number, padT: number, padL: number, p0: number, rows: number, dH: number, dW: number,
  ): void;
  fillRows(c: number, b: number, rows: number, n: number): void;
  windowReduce(
    x: number, out: number, N: number, inH: number, inW: number, C: number, outH: number, outW: number,
    kH: number, kW: number, sH: number, sW: number, padT: number, padL: number, isMax: number,
  ): void;
  windowSumT(
    s: number, out: number, N: number, inH: number, inW: number, C: number, outH: number, outW: number,
    kH: number, kW: number, sH: number, sW: number, padT: number, padL: number,
  ): void;
  maxRoute(
    x: number, y: number, s: number, out: number, N: number, inH: number, inW: number, C: number,
    outH: number, outW: number, kH: number, kW: number, sH: number, sW: number, padT: number, padL: number,
  ): void;
  affine(x: number, scale: number, shift: number, out: number, rows: number, C: number, hasShift: number): void;
  depthwise(
    x: number, w: number, b: number, out: number, N: number, inH: number, inW: number, C: number, M: number, outH: number, outW: number,
    kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, padT: number, padL: number, hasBias: number,
  ): void;
  depthwiseT(
    s: number, w: number, out: number, N: number, inH: number, inW: number, C: number, M: number, outH: number, outW: number,
    kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, padT: number, padL: number,
  ): void;
  clip(x: number, lo: number, hi: number, out: number, n: number): void;
  inside(x: number, lo: number, hi: number, out: number, n: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  binary(op: number, a: number, b: number, out: number, n: number): void;
  scale(x: number, c: number, out: number, n: number): void;
  divStab(r: number, z: number, eps: number, out: number, n: number): void;
  softmax(x: number, out: number, rows: number, d: number): void;
  softmaxT(y: number, s: number, out: number, rows: number, d: number): void;
}

/** Op codes of `unary` (assembly/elementwise.ts). */
export const UNARY_CODES = {
  relu: 0,
  tanh: 1,
  sigmoid: 2,
  pos: 3,
  neg: 4,
  square: 5,
  abs: 6,
  sqrt: 7,
  step: 8,
  ones: 9,
  tanhGrad: 10,
  sigmoidGrad: 11,
} as const;

/** Op codes of `binary`. */
export const BINARY_CODES = { add: 0, sub: 1, mul: 2 } as const;

/** An instantiated wasm core. */
export interface WasmCore {
  readonly exports: WasmExports;
  /** The compiled module (post it to workers to skip recompiling). */
  readonly module: WebAssembly.Module;
  /** Whether this is the SIMD build. */
  readonly simd: boolean;
}

/** Options of {@link initWasm}. */
export interface WasmInitOptions {
  /**
   * A precompiled module of either build (e.g. posted from the main thread, or compiled by a
   * runtime that forbids compiling bytes at run time). Its build (SIMD or scalar) is read from it.
   */
  module?: WebAssembly.Module;
  /** Force the SIMD (`true`) or scalar (`false`) build; default: SIMD where the engine validates it. */
  simd?: boolean;
}

const EXPORT_NAMES: readonly (keyof WasmExports)[] = [
  'memory', 'heapBase', 'simdBuild', 'gemm', 'gemmScratchBytes', 'im2col', 'col2im', 'fillRows',
  'windowReduce', 'windowSumT', 'maxRoute', 'unary', 'binary', 'scale', 'divStab', 'softmax', 'softmaxT',
];

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const bytesCache: { simd?: Uint8Array; scalar?: Uint8Array } = {};

/** The embedded binary of one build. */
export function wasmBytes(simd: boolean): Uint8Array {
  const key = simd ? 'simd' : 'scalar';
  return (bytesCache[key] ??= decodeBase64(simd ? SIMD_WASM_BASE64 : SCALAR_WASM_BASE64));
}

function requireWasm(): void {
  if (typeof WebAssembly === 'undefined') {
    throw new LrpError('E_BACKEND', 'WebAssembly is not available in this runtime (use the js backend)');
  }
}

let simdOk: boolean | undefined;

/** Whether this engine accepts the SIMD build (`WebAssembly.validate` on its bytes). */
export function simdSupported(): boolean {
  requireWasm();
  return (simdOk ??= WebAssembly.validate(wasmBytes(true) as BufferSource));
}

function pickSimd(opts: WasmInitOptions): boolean {
  const ok = simdSupported();
  if (opts.simd === true && !ok) throw new LrpError('E_BACKEND', 'this WebAssembly engine does not support SIMD');
  return opts.simd ?? ok;
}

function finish(module: WebAssembly.Module, instance: WebAssembly.Instance): WasmCore {
  const ex = instance.exports as Record<string, unknown>;
  for (const name of EXPORT_NAMES) {
    if (!(name in ex)) throw new LrpError('E_BACKEND', `not an lrpjs wasm core: export '${name}' is missing`);
  }
  const exports = ex as unknown as WasmExports;
  return { exports, module, simd: exports.simdBuild() === 1 };
}

function wrapError(e: unknown): never {
  if (e instanceof LrpError) throw e;
  throw new LrpError('E_BACKEND', `cannot instantiate the wasm core: ${(e as Error)?.message ?? String(e)}`);
}

/** Compiles the embedded module of one build (default: SIMD where supported), e.g. to post to workers. */
export async function compileWasm(simd?: boolean): Promise<WebAssembly.Module> {
  requireWasm();
  try {
    return await WebAssembly.compile(wasmBytes(pickSimd({ simd })) as BufferSource);
  } catch (e) {
    wrapError(e);
  }
}

/** Instantiates the wasm core: the given module, or the embedded SIMD build where supported, else scalar. */
export async function initWasm(opts: WasmInitOptions = {}): Promise<WasmCore> {
  requireWasm();
  try {
    const module = opts.module ?? (await WebAssembly.compile(wasmBytes(pickSimd(opts)) as BufferSource));
    return finish(module, await WebAssembly.instantiate(module, {}));
  } catch (e) {
    wrapError(e);
  }
}

/**
 * Synchronous {@link initWasm} (Node, Deno, workers; browsers may refuse synchronous compilation of
 * larger modules on the main thread, where the async form is the one to use).
 */
export function initWasmSync(opts: WasmInitOptions = {}): WasmCore {
  requireWasm();
  try {
    const module = opts.module ?? new WebAssembly.Module(wasmBytes(pickSimd(opts)) as BufferSource);
    return finish(module, new WebAssembly.Instance(module, {}));
  } catch (e) {
    wrapError(e);
  }
}
