import { LrpError } from '../../errors.js';
import { RELAXED_WASM_BASE64, SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './wasm-bytes.generated.js';

/**
 * The raw exports of the lrpjs wasm core (assembly/index.ts). Pointers are byte addresses in
 * `memory`, dimensions are element counts; every buffer is placed by the host (memory.ts).
 */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  /** First free byte after the module's static data. */
  heapBase(): number;
  /** 2 for the relaxed-SIMD build, 1 for the SIMD build, 0 for the scalar build. */
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
    outH: number, outW: number, kH: number, kW: number, sH: number, sW: number, padT: number, padL: number, first: number,
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
  /** Index of the first NaN or ±Infinity of x[0..n), or −1. */
  firstNonFinite(x: number, n: number): number;
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

/**
 * The three builds of the core, from the same sources (assembly/): `relaxed` (SIMD plus relaxed
 * SIMD's fused multiply-add `f32x4.relaxed_madd`, within float32 rounding of the others), `simd`
 * (128-bit SIMD) and `scalar` (no SIMD; bitwise equal to `simd`).
 */
export type WasmBuild = 'relaxed' | 'simd' | 'scalar';

const BUILDS: readonly WasmBuild[] = ['scalar', 'simd', 'relaxed'];

/** An instantiated wasm core. */
export interface WasmCore {
  readonly exports: WasmExports;
  /** The compiled module (post it to workers to skip recompiling). */
  readonly module: WebAssembly.Module;
  /** Whether this is a SIMD build (`simd` or `relaxed`). */
  readonly simd: boolean;
  /** Which build this is. */
  readonly build: WasmBuild;
}

/** Options of {@link initWasm}. */
export interface WasmInitOptions {
  /**
   * A precompiled module of any build (e.g. posted from the main thread, or compiled by a runtime
   * that forbids compiling bytes at run time). Its build is read from it.
   */
  module?: WebAssembly.Module;
  /** Force the SIMD (`true`: exactly the `simd` build) or scalar (`false`) build. */
  simd?: boolean;
  /**
   * Force one build (wins over `simd`). Default: `relaxed` where `WebAssembly.validate` accepts it
   * (Chromium, Deno, Node ≥ 22), else `simd` where it validates, else `scalar`.
   */
  build?: WasmBuild;
}

const EXPORT_NAMES: readonly (keyof WasmExports)[] = [
  'memory', 'heapBase', 'simdBuild', 'gemm', 'gemmScratchBytes', 'im2col', 'col2im', 'fillRows',
  'windowReduce', 'windowSumT', 'maxRoute', 'unary', 'binary', 'scale', 'divStab', 'softmax', 'softmaxT', 'firstNonFinite',
];

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const BASE64: Readonly<Record<WasmBuild, string>> = {
  relaxed: RELAXED_WASM_BASE64,
  simd: SIMD_WASM_BASE64,
  scalar: SCALAR_WASM_BASE64,
};
const bytesCache: Partial<Record<WasmBuild, Uint8Array>> = {};

/** The embedded binary of one build (`true` = `simd`, `false` = `scalar`, for older callers). */
export function wasmBytes(build: WasmBuild | boolean): Uint8Array {
  const key: WasmBuild = build === true ? 'simd' : build === false ? 'scalar' : build;
  return (bytesCache[key] ??= decodeBase64(BASE64[key]));
}

function requireWasm(): void {
  if (typeof WebAssembly === 'undefined') {
    throw new LrpError('E_BACKEND', 'WebAssembly is not available in this runtime (use the js backend)');
  }
}

const validated: Partial<Record<WasmBuild, boolean>> = {};

/** Whether this engine accepts one build (`WebAssembly.validate` on its bytes; `scalar` always). */
export function buildSupported(build: WasmBuild): boolean {
  requireWasm();
  return (validated[build] ??= WebAssembly.validate(wasmBytes(build) as BufferSource));
}

/** Whether this engine accepts the SIMD build. */
export function simdSupported(): boolean {
  return buildSupported('simd');
}

/** The build to compile: the one asked for (checked), else the fastest this engine validates. */
export function pickBuild(opts: Pick<WasmInitOptions, 'simd' | 'build'> = {}): WasmBuild {
  const asked = opts.build ?? (opts.simd === true ? 'simd' : opts.simd === false ? 'scalar' : undefined);
  if (asked !== undefined && !BUILDS.includes(asked)) {
    throw new LrpError('E_BACKEND', `unknown wasm build '${String(asked)}' (known: relaxed, simd, scalar)`);
  }
  if (asked !== undefined) {
    if (!buildSupported(asked)) {
      const what = asked === 'relaxed' ? 'relaxed SIMD' : 'SIMD';
      throw new LrpError('E_BACKEND', `this WebAssembly engine does not support ${what}`);
    }
    return asked;
  }
  return buildSupported('relaxed') ? 'relaxed' : buildSupported('simd') ? 'simd' : 'scalar';
}

function finish(module: WebAssembly.Module, instance: WebAssembly.Instance): WasmCore {
  const ex = instance.exports as Record<string, unknown>;
  for (const name of EXPORT_NAMES) {
    if (!(name in ex)) throw new LrpError('E_BACKEND', `not an lrpjs wasm core: export '${name}' is missing`);
  }
  const exports = ex as unknown as WasmExports;
  const build = BUILDS[exports.simdBuild()];
  if (build === undefined) throw new LrpError('E_BACKEND', `not an lrpjs wasm core: unknown build ${exports.simdBuild()}`);
  return { exports, module, simd: build !== 'scalar', build };
}

function wrapError(e: unknown): never {
  if (e instanceof LrpError) throw e;
  throw new LrpError('E_BACKEND', `cannot instantiate the wasm core: ${(e as Error)?.message ?? String(e)}`);
}

/** Compiles the embedded module of one build (default: {@link pickBuild}), e.g. to post to workers. */
export async function compileWasm(opts: boolean | Pick<WasmInitOptions, 'simd' | 'build'> = {}): Promise<WebAssembly.Module> {
  requireWasm();
  try {
    return await WebAssembly.compile(wasmBytes(pickBuild(typeof opts === 'boolean' ? { simd: opts } : opts)) as BufferSource);
  } catch (e) {
    wrapError(e);
  }
}

/** Instantiates the wasm core: the given module, or the embedded build {@link pickBuild} chooses. */
export async function initWasm(opts: WasmInitOptions = {}): Promise<WasmCore> {
  requireWasm();
  try {
    const module = opts.module ?? (await WebAssembly.compile(wasmBytes(pickBuild(opts)) as BufferSource));
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
    const module = opts.module ?? new WebAssembly.Module(wasmBytes(pickBuild(opts)) as BufferSource);
    return finish(module, new WebAssembly.Instance(module, {}));
  } catch (e) {
    wrapError(e);
  }
}
