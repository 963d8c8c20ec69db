/**
 * Per-layer rule lists of the composites and toolbox formula codes, built by the oracle from their
 * documented definitions (README "Rules", TSDoc of `composite` and `resolveFormula`, Zennit's layer
 * maps) — never by calling `src/rules`. Layer indices count every module of the explained model.
 */
import type { Model } from '../../src/model/layers.js';
import type { OracleMethod } from './explain.js';
import type { OracleRule } from './lrp.js';

/** The composites' names. */
export type OracleCompositeName = 'EpsilonPlus' | 'EpsilonPlusFlat' | 'EpsilonGammaBox' | 'EpsilonAlpha2Beta1' | 'EpsilonAlpha2Beta1Flat';

/** Parameters of a composite (defaults: ε = 1e-6, γ = 0.25). */
export interface OracleCompositeParams {
  readonly epsilon?: number;
  readonly gamma?: number;
  readonly low?: number | Float64Array;
  readonly high?: number | Float64Array;
}

/**
 * A composite's rules: dense layers ε, convolutions z⁺ / γ / α2β1, sum and average pools LRP-0,
 * everything else its default (max pooling winner-take-all, activations pass); the first weighted
 * layer gets flat (`…Flat`) or z^B (`EpsilonGammaBox`).
 */
export function compositeRules(layers: Model['layers'], name: OracleCompositeName, p: OracleCompositeParams = {}): (OracleRule | null)[] {
  const eps: OracleRule = { name: 'epsilon', epsilon: p.epsilon ?? 1e-6 };
  const conv: OracleRule =
    name === 'EpsilonGammaBox' ? { name: 'gamma', gamma: p.gamma ?? 0.25 }
      : name.startsWith('EpsilonAlpha2Beta1') ? { name: 'alphabeta', alpha: 2, beta: 1 }
        : { name: 'zplus' };
  const first: OracleRule | null =
    name.endsWith('Flat') ? { name: 'flat' }
      : name === 'EpsilonGammaBox' ? { name: 'zbox', low: p.low ?? 0, high: p.high ?? 0 }
        : null;
  let seenWeighted = false;
  return layers.map((layer): OracleRule | null => {
    if (layer.kind === 'linear' || layer.kind === 'conv2d') {
      const isFirst = !seenWeighted;
      seenWeighted = true;
      if (isFirst && first) return first;
      return layer.kind === 'linear' ? eps : conv;
    }
    if (layer.kind === 'sumpool' || layer.kind === 'avgpool') return { name: 'simple' };
    return null;
  });
}

/** Parameters of a formula code (toolbox config defaults: ε 0.01, β 1, no aux layer). */
export interface OracleFormulaParams {
  readonly epsilon?: number;
  readonly beta?: number;
  readonly auxLayer?: number;
}

/**
 * A toolbox formula code (Caffe demonstrator): 0 ε; 2 α-β (α = 1 + β); 11 gradient; 26 deconvnet;
 * 99 sensitivity; 166 guided backprop; 54/56 ε and 58/60 α-β with flat/w² on weighted layers at or
 * below `auxLayer`; 100 α-β on convolutions and ε on dense layers; 102/104 as 100 with flat/w².
 * Sum and average pools take the convolutions' rule; max pooling and activations their default.
 */
export function formulaPlan(layers: Model['layers'], code: number, p: OracleFormulaParams = {}): { method: OracleMethod; rules: (OracleRule | null)[] } {
  const eps: OracleRule = { name: 'epsilon', epsilon: p.epsilon ?? 0.01 };
  const beta = p.beta ?? 1;
  const ab: OracleRule = { name: 'alphabeta', alpha: 1 + beta, beta };
  const aux = p.auxLayer ?? -1;
  const methods: Record<number, OracleMethod> = { 11: 'gradient', 26: 'deconvnet', 99: 'sensitivity', 166: 'guided-backprop' };
  if (methods[code]) return { method: methods[code], rules: layers.map(() => null) };
  const table: Record<number, [OracleRule, OracleRule, OracleRule | null]> = {
    0: [eps, eps, null],
    2: [ab, ab, null],
    54: [eps, eps, { name: 'flat' }],
    56: [eps, eps, { name: 'ww' }],
    58: [ab, ab, { name: 'flat' }],
    60: [ab, ab, { name: 'ww' }],
    100: [ab, eps, null],
    102: [ab, eps, { name: 'flat' }],
    104: [ab, eps, { name: 'ww' }],
  };
  const row = table[code];
  if (!row) throw new Error(`oracle: unknown formula code ${code}`);
  const [convRule, denseRule, low] = row;
  const rules = layers.map((layer, i): OracleRule | null => {
    const weighted = layer.kind === 'linear' || layer.kind === 'conv2d';
    if (weighted && low && i <= aux) return low;
    if (layer.kind === 'linear') return denseRule;
    if (layer.kind === 'conv2d' || layer.kind === 'sumpool' || layer.kind === 'avgpool') return convRule;
    return null;
  });
  return { method: 'lrp', rules };
}
