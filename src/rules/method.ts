import { LrpError } from '../errors.js';

/**
 * Attribution methods. `lrp` applies the per-layer rules; the others walk the same layers with
 * other per-layer maps, all starting from the initial relevance (so a one-hot R0 gives the plain
 * gradient):
 * - `gradient` — vanilla backprop (Simonyan et al. 2014; toolbox formula 11),
 * - `gradient-x-input` — gradient ⊙ input (Shrikumar et al. 2016),
 * - `sensitivity` — per pixel `sqrt(Σ_channels gradient²)` (toolbox formula 99),
 * - `deconvnet` — Zeiler & Fergus 2014: ReLU passes `max(R, 0)`, no input factor (formula 26),
 * - `guided-backprop` — Springenberg et al. 2015: as deconvnet, also masked by `[x > 0]` (formula 166),
 * - `integrated-gradients` — Sundararajan et al. 2017, midpoint Riemann sum from a baseline,
 * - `smoothgrad` — Smilkov et al. 2017, mean gradient over Gaussian-perturbed inputs.
 */
export type Method =
  | 'lrp'
  | 'gradient'
  | 'gradient-x-input'
  | 'sensitivity'
  | 'deconvnet'
  | 'guided-backprop'
  | 'integrated-gradients'
  | 'smoothgrad';

/** All method names. */
export const methodNames: readonly Method[] = [
  'lrp',
  'gradient',
  'gradient-x-input',
  'sensitivity',
  'deconvnet',
  'guided-backprop',
  'integrated-gradients',
  'smoothgrad',
];

/** Validates a method name (also accepts `gradient×input` and `gradient_x_input`). */
export function parseMethod(name: string, where?: string): Method {
  const n = name.trim().toLowerCase().replace(/[×_*]/g, '-').replace(/-x-|--/g, '-x-');
  const canonical = n === 'gradient-input' || n === 'gradientxinput' ? 'gradient-x-input' : n;
  if ((methodNames as readonly string[]).includes(canonical)) return canonical as Method;
  throw new LrpError('E_RULE', `unknown method '${name}' (known: ${methodNames.join(', ')})`, where);
}
