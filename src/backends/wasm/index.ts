/** The wasm backend: float32 kernels in WebAssembly (relaxed-SIMD, SIMD or scalar build, the fastest the engine validates). */
export { WasmOps, WasmTensor } from './ops.js';
export type { MemoryStats } from './memory.js';
export {
  type WasmCore,
  type WasmExports,
  type WasmInitOptions,
  type WasmBuild,
  buildSupported,
  compileWasm,
  initWasm,
  initWasmSync,
  pickBuild,
  simdSupported,
  wasmBytes,
} from './module.js';
