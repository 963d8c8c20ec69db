import { type BackendName, backendNames } from '../backends/index.js';
import { LrpError } from '../errors.js';
import { type OptionSpec, type ParsedArgs, option } from './args.js';

/** `--backend js|wasm|auto`, shared by `explain`, `forward`, `train` and `demo`. */
export const backendOptionSpec: OptionSpec = {
  name: 'backend',
  value: true,
  arg: 'js|wasm|auto',
  help: 'float64 js, float32 wasm, or auto (wasm where it runs; default)',
};

/** The `--backend` given (default `auto`); an unknown name is `E_BACKEND` naming `--backend`. */
export function backendFrom(args: ParsedArgs): BackendName {
  const name = option(args, 'backend') ?? 'auto';
  if (!(backendNames as readonly string[]).includes(name)) {
    throw new LrpError('E_BACKEND', `unknown backend '${name}' (known: ${backendNames.join(', ')})`, '--backend');
  }
  return name as BackendName;
}
