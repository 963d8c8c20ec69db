import { type BackendName, backendNames } from '../backends/index.js';
import { LrpError } from '../errors.js';
import type { BackendInfo } from '../explainer.js';
import { type OptionSpec, type ParsedArgs, option } from './args.js';

/** `--backend js|wasm|tfjs|gpu|auto`, shared by `explain`, `forward`, `train` and `demo`. */
export const backendOptionSpec: OptionSpec = {
  name: 'backend',
  value: true,
  arg: 'js|wasm|tfjs|gpu|auto',
  help: 'float64 js, float32 wasm, TensorFlow.js (tfjs: its wasm or cpu backend in Node; gpu: webgpu through the webgpu package), or auto (wasm where it runs; default)',
};

/** One stderr line saying where a tfjs backend runs and why (`tfjs` and `gpu` only; other backends say nothing). */
export function backendNote(info: BackendInfo): string | undefined {
  return info.backend === 'tfjs' ? `backend tfjs on ${info.device}: ${info.reason}\n` : undefined;
}

/** The `--backend` given (default `auto`); an unknown name is `E_BACKEND` naming `--backend`. */
export function backendFrom(args: ParsedArgs): BackendName {
  const name = option(args, 'backend') ?? 'auto';
  if (!(backendNames as readonly string[]).includes(name)) {
    throw new LrpError('E_BACKEND', `unknown backend '${name}' (known: ${backendNames.join(', ')})`, '--backend');
  }
  return name as BackendName;
}
