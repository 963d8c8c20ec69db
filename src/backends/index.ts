import { LrpError } from '../errors.js';
import type { Ops } from '../engine/ops.js';
import { JsOps } from './js/ops.js';

/** Backend names: `auto` picks `wasm` where WebAssembly runs, else `js`. */
export type BackendName = 'auto' | 'js' | 'wasm';

/** Backend names accepted by {@link createBackend}. */
export const backendNames: readonly BackendName[] = ['auto', 'js', 'wasm'];

/** Creates the primitive kernels of a backend (wasm modules are compiled once per process). */
export async function createBackend(name: BackendName | string = 'auto'): Promise<Ops<unknown>> {
  switch (name) {
    case 'js':
    case 'auto':
      return new JsOps() as Ops<unknown>;
    case 'wasm':
      throw new LrpError('E_BACKEND', `backend '${name}' is not available yet`);
    default:
      throw new LrpError('E_BACKEND', `unknown backend '${name}' (known: ${backendNames.join(', ')})`);
  }
}
