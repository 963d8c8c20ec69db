import { LrpError } from '../errors.js';
import { firstWeightedNodes } from '../model/graph.js';
import type { Model } from '../model/layers.js';
import { type Rule, rules } from './rule.js';

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

/** A composite maps a model to one rule per layer (`null`: the layer's default behaviour). */
export interface Composite {
  readonly name: string;
  rulesFor(model: Model): (Rule | null)[];
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

function layerMap(model: Model, dense: Rule, conv: Rule, first: Rule | null): (Rule | null)[] {
  const firsts = firstWeightedNodes(model);
  return model.layers.map((layer, i) => {
    if (first && firsts.includes(i)) return first;
    if (layer.kind === 'linear') return dense;
    if (layer.kind === 'conv2d' || layer.kind === 'depthwiseconv2d') return conv;
    if (layer.kind === 'sumpool' || layer.kind === 'avgpool' || layer.kind === 'globalavgpool') return rules.simple();
    return null;
  });
}

/**
 * A built-in composite (Zennit's layer maps): dense layers get ε, convolutions (depthwise too) z⁺
 * (`EpsilonPlus`), γ (`EpsilonGammaBox`, first layer z^B) or α2β1 (`EpsilonAlpha2Beta1`); the `Flat`
 * variants give the first weighted layer the flat rule; sum/average pooling (global too) uses LRP-0,
 * max pooling winner-take-all; other nodes (add, an unfolded BatchNorm) their default, LRP-0. On a
 * graph the "first weighted layer" is every dense/conv/depthwise node the input reaches through no
 * other weighted node ({@link firstWeightedNodes}).
 */
export function composite(name: CompositeName | string, options: CompositeOptions = {}): Composite {
  const eps = rules.epsilon(options.epsilon ?? 1e-6);
  const canonical = canonicalCompositeName(name);
  switch (canonical) {
    case 'EpsilonPlus':
      return { name: canonical, rulesFor: (m) => layerMap(m, eps, rules.zplus(), null) };
    case 'EpsilonPlusFlat':
      return { name: canonical, rulesFor: (m) => layerMap(m, eps, rules.zplus(), rules.flat()) };
    case 'EpsilonAlpha2Beta1':
      return { name: canonical, rulesFor: (m) => layerMap(m, eps, rules.alphabeta(2, 1), null) };
    case 'EpsilonAlpha2Beta1Flat':
      return { name: canonical, rulesFor: (m) => layerMap(m, eps, rules.alphabeta(2, 1), rules.flat()) };
    case 'EpsilonGammaBox': {
      if (options.low === undefined || options.high === undefined) {
        throw new LrpError('E_RULE', 'composite EpsilonGammaBox needs the input bounds low and high');
      }
      const box = rules.zbox(options.low, options.high);
      return { name: canonical, rulesFor: (m) => layerMap(m, eps, rules.gamma(options.gamma ?? 0.25), box) };
    }
    default:
      throw new LrpError('E_RULE', `unknown composite '${name}' (known: ${compositeNames.join(', ')})`);
  }
}
