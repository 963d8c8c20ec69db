import { LrpError } from '../errors.js';
import type { Ops } from '../engine/ops.js';
import { JsOps } from './js/ops.js';
import { WasmOps, compileWasm } from './wasm/index.js';

/** Backend names: `auto` picks `wasm` where WebAssembly runs, else `js`. */
export type BackendName = 'auto' | 'js' | 'wasm';

/** Backend names accepted by {@link createBackend}. */
export const backendNames: readonly BackendName[] = ['auto', 'js', 'wasm'];

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * A precompiled wasm core (`WebAssembly.Module`), for runtimes that forbid compiling bytes at run
   * time (Cloudflare Workers style) or to share one compilation with workers.
   */
  readonly module?: WebAssembly.Module;
  /** Force the SIMD (`true`) or scalar (`false`) build; default: SIMD where the engine validates it. */
  readonly simd?: boolean;
}

let wasmModule: Promise<WebAssembly.Module> | null = null;

/**
 * Prepares the wasm core once per process: compiles the embedded bytes (SIMD build where
 * `WebAssembly.validate` accepts it, else the scalar build) or adopts `options.module`. Optional:
 * the first wasm explainer calls it. Returns the module (to post to workers).
 */
export function init(options: InitOptions = {}): Promise<WebAssembly.Module> {
  const { module, simd } = options;
  wasmModule = module ? Promise.resolve(module) : compileWasm(simd);
  return wasmModule;
}

function wasmAvailable(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
}

/**
 * Creates the primitive kernels of a backend. Each wasm backend instance owns its own linear
 * memory (weights region and run arena); the compiled module is shared.
 */
export async function createBackend(name: BackendName | string = 'auto'): Promise<Ops<unknown>> {
  switch (name) {
    case 'js':
      return new JsOps() as Ops<unknown>;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: auto means wasm where it is available
    case 'auto':
      if (!wasmAvailable()) return new JsOps() as Ops<unknown>;
    // falls through
    case 'wasm':
      return (await WasmOps.create({ module: await (wasmModule ?? init()) })) as Ops<unknown>;
    default:
      throw new LrpError('E_BACKEND', `unknown backend '${name}' (known: ${backendNames.join(', ')})`);
  }
}
