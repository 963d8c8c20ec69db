import { LrpError } from '../errors.js';
import { firstWeightedNodes } from '../model/graph.js';
import type { Model } from '../model/layers.js';
import { type CompositeName, type CompositeOptions, canonicalCompositeName, compositeNames } from './composite-names.js';
import { type Rule, type RuleDefinition, rules } from './rule.js';
import { zennitCompositeRules } from './zennit-composite.js';

export { type CompositeName, type CompositeOptions, canonicalCompositeName, compositeNames } from './composite-names.js';

/** A composite maps a model to one rule per layer (`null`: the layer's default behaviour). */
export interface Composite {
  readonly name: string;
  rulesFor(model: Model): (Rule | null)[];
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
 * other weighted node ({@link firstWeightedNodes}). Under the `zennit` definition the layer maps
 * are Zennit 1.0's ({@link zennitCompositeRules}).
 */
export function composite(name: CompositeName | string, options: CompositeOptions = {}, definition: RuleDefinition = 'toolbox'): Composite {
  const eps = rules.epsilon(options.epsilon ?? 1e-6);
  const canonical = canonicalCompositeName(name);
  if (canonical !== undefined && definition === 'zennit') {
    if (canonical === 'EpsilonGammaBox') zennitCompositeRules(canonical, { layers: [] }, options);
    return { name: canonical, rulesFor: (m) => zennitCompositeRules(canonical, m, options) };
  }
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
