/**
 * A TensorFlow.js instance as the caller imported it (`import * as tf from '@tensorflow/tfjs'`,
 * or `@tensorflow/tfjs-core` with the backends of their choice registered). Only the members
 * lrpjs uses to choose a tfjs backend are named here; the ops are checked when the backend starts.
 */
export interface TfjsInstance {
  /** Name of the active tfjs backend (`webgpu`, `webgl`, `wasm`, `cpu`, ...). */
  getBackend(): string;
  /** Activates a registered tfjs backend; resolves `false` where it cannot start. */
  setBackend(backendName: string): Promise<boolean>;
  /** Resolves once the active backend is initialised. */
  ready(): Promise<void>;
  /** Tensor and byte counts of the tfjs engine. */
  memory(): { readonly numTensors: number };
}
