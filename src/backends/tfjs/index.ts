/** The tfjs backend: the engine's primitives as TensorFlow.js ops (webgpu, webgl, wasm or cpu). */
export { TfjsOps, type TfjsPlacement } from './ops.js';
export { type TfjsBackendName, createTfjsBackend } from './select.js';
export type { TfjsInstance } from './tfjs-instance.js';
