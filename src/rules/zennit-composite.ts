import { LrpError } from '../errors.js';
import type { Layer, LayerKind, Model } from '../model/layers.js';
import type { CompositeName, CompositeOptions } from './composite-names.js';
import { type Rule, rules, withDefinition } from './rule.js';

/**
 * Zennit 1.0's layer maps (`zennit.composites`), on lrpjs graphs. Each node gets a rule under
 * Zennit's definition, or `null` where Zennit leaves the module to its gradient:
 * - weighted nodes (dense, convolution, depthwise convolution) get the map's rule;
 * - sum, average and global average pooling and additions get Norm (`simple` under Zennit's
 *   definition: LRP-0 with the stabiliser 1e-6; Zennit needs its `Sum` module for an addition);
 * - an unfolded BatchNorm passes relevance on (Zennit's `Pass`), as do activations;
 * - max pooling (global too) goes by PyTorch's gradient: all to the first maximum of each window
 *   (`simple` under Zennit's definition there; lrpjs's own splits ties);
 * - concatenation (slices), padding and reshapes keep their one behaviour.
 */

const ZENNIT = 'zennit' as const;
const weightedKinds: readonly LayerKind[] = ['linear', 'conv2d', 'depthwiseconv2d'];
const convKinds: readonly LayerKind[] = ['conv2d', 'depthwiseconv2d'];

/** Zennit's rule for a node no weighted-layer rule covers (`layer_map_base`), or `null`. */
export function zennitBaseRule(layer: Layer): Rule | null {
  switch (layer.kind) {
    case 'sumpool': case 'avgpool': case 'globalavgpool': case 'add':
      return withDefinition(rules.simple(), ZENNIT);
    case 'maxpool': case 'globalmaxpool':
      return withDefinition(rules.simple(), ZENNIT);
    case 'batchnorm':
      return withDefinition(rules.pass(), ZENNIT);
    default:
      return null;
  }
}

/** One rule per node: `weighted(i, layer)` on dense and convolution nodes, {@link zennitBaseRule} elsewhere. */
export function zennitLayerMap(model: Model, weighted: (i: number, layer: Layer) => Rule): (Rule | null)[] {
  return model.layers.map((layer, i) => (weightedKinds.includes(layer.kind) ? withDefinition(weighted(i, layer), ZENNIT) : zennitBaseRule(layer)));
}

/** Index of the first node of one of `kinds` in node order (Zennit: the first such module), or −1. */
function firstOf(model: Model, kinds: readonly LayerKind[]): number {
  return model.layers.findIndex((l) => kinds.includes(l.kind));
}

/**
 * The rules of a built-in composite as Zennit 1.0 defines it: dense layers ε (default 1e-6),
 * convolutions z⁺ (`EpsilonPlus`), α2β1 (`EpsilonAlpha2Beta1`) or γ (`EpsilonGammaBox`, default 0.25);
 * the `Flat` variants give the first weighted node (dense or convolution, in node order) the flat
 * rule, `EpsilonGammaBox` gives z^B to the first *convolution* only (an MLP gets ε there).
 */
export function zennitCompositeRules(name: CompositeName, model: Model, options: CompositeOptions): (Rule | null)[] {
  const eps = rules.epsilon(options.epsilon ?? 1e-6);
  const isConv = (layer: Layer): boolean => convKinds.includes(layer.kind);
  const map = (conv: Rule, first: Rule | null, firstIndex: number): (Rule | null)[] =>
    zennitLayerMap(model, (i, layer) => (first !== null && i === firstIndex ? first : isConv(layer) ? conv : eps));
  switch (name) {
    case 'EpsilonPlus': return map(rules.zplus(), null, -1);
    case 'EpsilonPlusFlat': return map(rules.zplus(), rules.flat(), firstOf(model, weightedKinds));
    case 'EpsilonAlpha2Beta1': return map(rules.alphabeta(2, 1), null, -1);
    case 'EpsilonAlpha2Beta1Flat': return map(rules.alphabeta(2, 1), rules.flat(), firstOf(model, weightedKinds));
    case 'EpsilonGammaBox': {
      if (options.low === undefined || options.high === undefined) {
        throw new LrpError('E_RULE', 'composite EpsilonGammaBox needs the input bounds low and high');
      }
      return map(rules.gamma(options.gamma ?? 0.25), rules.zbox(options.low, options.high), firstOf(model, convKinds));
    }
  }
}
