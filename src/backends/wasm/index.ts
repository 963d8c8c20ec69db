/** The wasm backend: float32 kernels in WebAssembly (SIMD build where supported, scalar otherwise). */
export { WasmOps, WasmTensor } from './ops.js';
export type { MemoryStats } from './memory.js';
export {
  type WasmCore,
  type WasmExports,
  type WasmInitOptions,
  compileWasm,
  initWasm,
  initWasmSync,
  simdSupported,
  wasmBytes,
} from './module.js';
