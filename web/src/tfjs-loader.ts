/**
 * TensorFlow.js for the page's GPU backends, loaded only when one is chosen (its own files, fetched
 * on first use and then cached by the service worker): tfjs-core with the WebGL or the WebGPU
 * backend registered and active, handed to lrpjs as `tf` (backend `tfjs` runs on the active one).
 */
import type { TfjsInstance } from '../../src/backends/tfjs/tfjs-instance.js';
import { LrpError } from '../../src/errors.js';

/** The tfjs backends the page offers. */
export type TfjsDevice = 'webgl' | 'webgpu';

/** tfjs-core with `device` registered and active. `E_BACKEND` naming the device where it does not start. */
export async function loadTfjs(device: TfjsDevice): Promise<TfjsInstance> {
  const tf = (await import('@tensorflow/tfjs-core')) as unknown as TfjsInstance;
  if (device === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  else await import('@tensorflow/tfjs-backend-webgpu');
  let started: boolean;
  try {
    started = await tf.setBackend(device);
    await tf.ready();
  } catch (e) {
    throw new LrpError('E_BACKEND', `TensorFlow.js could not start ${device}: ${e instanceof Error ? e.message : String(e)}`, 'backend');
  }
  if (!started || tf.getBackend() !== device) throw new LrpError('E_BACKEND', `TensorFlow.js could not start ${device}`, 'backend');
  return tf;
}
