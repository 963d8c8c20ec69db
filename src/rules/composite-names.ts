/** Names of the built-in composites, as Zennit (Anders et al. 2021) names them. */
export type CompositeName =
  | 'EpsilonPlus'
  | 'EpsilonPlusFlat'
  | 'EpsilonGammaBox'
  | 'EpsilonAlpha2Beta1'
  | 'EpsilonAlpha2Beta1Flat';

/** Parameters of the built-in composites. */
export interface CompositeOptions {
  /** ε of the dense layers (default 1e-6, Zennit's). */
  readonly epsilon?: number;
  /** γ of the convolutions in EpsilonGammaBox (default 0.25). */
  readonly gamma?: number;
  /** Input bounds of the first layer's z^B rule in EpsilonGammaBox (required there). */
  readonly low?: number | Float64Array;
  readonly high?: number | Float64Array;
}

/** All built-in composite names. */
export const compositeNames: readonly CompositeName[] = [
  'EpsilonPlus',
  'EpsilonPlusFlat',
  'EpsilonGammaBox',
  'EpsilonAlpha2Beta1',
  'EpsilonAlpha2Beta1Flat',
];

/** The built-in composite `name` means (case, `-` and `_` ignored: `epsilon-gamma-box`), or `undefined`. */
export function canonicalCompositeName(name: string): CompositeName | undefined {
  return compositeNames.find((c) => c.toLowerCase() === name.toLowerCase().replace(/[-_]/g, ''));
}
