import { LrpError } from '../errors.js';
import type { Ops } from '../engine/ops.js';
import { JsOps } from './js/ops.js';
import type { TfjsInstance } from './tfjs/tfjs-instance.js';
import { type WasmBuild, WasmOps, compileWasm } from './wasm/index.js';

/**
 * Backend names: `auto` picks `wasm` where WebAssembly runs, else `js`; `tfjs` runs on TensorFlow.js
 * (its active backend, or webgl/wasm/cpu where lrpjs loads it); `gpu` on tfjs's webgpu, else webgl.
 */
export type BackendName = 'auto' | 'js' | 'wasm' | 'tfjs' | 'gpu';

/** Backend names accepted by {@link createBackend}. */
export const backendNames: readonly BackendName[] = ['auto', 'js', 'wasm', 'tfjs', 'gpu'];

/** Options of {@link createBackend}. */
export interface BackendOptions {
  /**
   * The TensorFlow.js instance for backends `tfjs` and `gpu` (`import * as tf from '@tensorflow/tfjs'`);
   * without it lrpjs imports `@tensorflow/tfjs-core` and a tfjs backend package itself.
   */
  readonly tf?: TfjsInstance;
}

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * A precompiled wasm core (`WebAssembly.Module`), for runtimes that forbid compiling bytes at run
   * time (Cloudflare Workers, workerd: `import core from 'lrpjs/lrp-simd.wasm'`) or to share one
   * compilation with workers.
   */
  readonly module?: WebAssembly.Module;
  /** Force the SIMD (`true`) or scalar (`false`) build. */
  readonly simd?: boolean;
  /**
   * Force one build (wins over `simd`); default: `relaxed` (fused multiply-add) where the engine
   * validates it, else `simd`, else `scalar`.
   */
  readonly build?: WasmBuild;
}

/** What to do where the embedded bytes cannot be compiled, quoted by the error and the warning. */
const BIND_ADVICE = "bind the core as a module (import core from 'lrpjs/lrp-simd.wasm') and call init({ module: core }) before the first explainer";

/** The wasm core of this process: a compiled (or adopted) module, or `null` until {@link init} succeeds. */
let wasmModule: Promise<WebAssembly.Module> | null = null;
let fallbackWarned = false;

function isWasmModule(m: unknown): m is WebAssembly.Module {
  return Object.prototype.toString.call(m) === '[object WebAssembly.Module]';
}

/** Compiles the embedded core; a refusal by the runtime becomes `E_BACKEND` saying what to do instead. */
async function compileEmbedded(options: InitOptions): Promise<WebAssembly.Module> {
  try {
    return await compileWasm(options);
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    if (e instanceof LrpError && !message.startsWith('cannot instantiate')) throw e; // no WebAssembly, no SIMD
    const reason = message.replace(/^cannot instantiate the wasm core: /, '');
    throw new LrpError('E_BACKEND', `this runtime cannot compile the embedded wasm core (${reason}); ${BIND_ADVICE}, or use backend 'js'`, 'init');
  }
}

/**
 * Prepares the wasm core once per process: compiles the embedded bytes (the fastest build
 * `WebAssembly.validate` accepts: relaxed SIMD, SIMD, scalar) or adopts `options.module`. Optional:
 * the first wasm explainer calls it. Returns the module (to post to workers). A failure (`E_BACKEND`)
 * is not kept: the next call, or the next explainer, tries again.
 */
export function init(options: InitOptions = {}): Promise<WebAssembly.Module> {
  const { module } = options;
  if (module !== undefined && !isWasmModule(module)) {
    return Promise.reject(
      new LrpError(
        'E_BACKEND',
        `module must be a WebAssembly.Module (the compiled lrp-simd.wasm or lrp-scalar.wasm), got ${Object.prototype.toString.call(module)}`,
        'init',
      ),
    );
  }
  const pending = module ? Promise.resolve(module) : compileEmbedded(options);
  wasmModule = pending;
  pending.catch(() => {
    if (wasmModule === pending) wasmModule = null;
  });
  return pending;
}

/**
 * The wasm core of this process, compiling it on first use (the module {@link init} prepared, else
 * the embedded bytes): what a worker pool posts to its workers.
 */
export function wasmCore(): Promise<WebAssembly.Module> {
  return wasmModule ?? init();
}

function wasmAvailable(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
}

/** The one warning of a process whose `auto` backend fell back to js because the core could not be compiled. */
function warnFallback(e: unknown): void {
  if (fallbackWarned) return;
  fallbackWarned = true;
  const message = e instanceof Error ? e.message : String(e);
  console.warn(`lrpjs: backend 'auto' falls back to the js backend (float64, slower): ${message}`);
}

/**
 * Creates the primitive kernels of a backend. Each wasm backend instance owns its own linear
 * memory (weights region and run arena); the compiled module is shared. `auto` falls back to `js`
 * (with one warning per process) where WebAssembly is missing or the runtime refuses to compile
 * the embedded core; `wasm` then fails with `E_BACKEND` saying to call `init({ module })`. `tfjs`
 * and `gpu` load TensorFlow.js lazily (see {@link BackendOptions.tf}); `gpu` without a WebGPU adapter
 * or WebGL context is `E_BACKEND` naming what was looked for.
 */
export async function createBackend(name: BackendName | string = 'auto', options: BackendOptions = {}): Promise<Ops<unknown>> {
  switch (name) {
    case 'tfjs':
    case 'gpu': {
      // loaded on demand: a caller who never asks for tfjs never loads this code or tfjs
      const { createTfjsBackend } = await import('./tfjs/select.js');
      return (await createTfjsBackend(name, options.tf)) as Ops<unknown>;
    }
    case 'js':
      return new JsOps() as Ops<unknown>;
    case 'auto': {
      if (!wasmAvailable()) return new JsOps() as Ops<unknown>;
      let module: WebAssembly.Module;
      try {
        module = await (wasmModule ?? init());
      } catch (e) {
        warnFallback(e);
        return new JsOps() as Ops<unknown>;
      }
      return (await WasmOps.create({ module })) as Ops<unknown>;
    }
    case 'wasm':
      return (await WasmOps.create({ module: await (wasmModule ?? init()) })) as Ops<unknown>;
    default:
      throw new LrpError('E_BACKEND', `unknown backend '${name}' (known: ${backendNames.join(', ')})`);
  }
}
