import { LrpError } from '../errors.js';
import { type Model, isParamLayer } from '../model/layers.js';
import type { Method } from './method.js';
import { type Rule, rules } from './rule.js';

/** The Caffe demonstrator's formula codes (`relpropformulatype`). */
export const formulaCodes = [0, 2, 11, 26, 54, 56, 58, 60, 99, 100, 102, 104, 166] as const;

/** One of {@link formulaCodes}. */
export type FormulaCode = (typeof formulaCodes)[number];

/** A toolbox formula code with its parameters. */
export interface Formula {
  readonly code: number;
  /** ε of the ε parts (config `epsstab`, default 0.01). */
  readonly epsilon?: number;
  /** β of the α-β parts, α = 1 + β (config `alphabeta_beta`, default 1). */
  readonly beta?: number;
  /** Layers with index ≤ this get flat/w² in codes 54–60 and 102/104 (config `auxiliaryvariable_maxlayerindexforflatdistinconv`). */
  readonly auxLayer?: number;
}

/** What a formula code resolves to: a method and, for LRP, one rule per layer. */
export interface FormulaPlan {
  readonly method: Method;
  readonly rules: (Rule | null)[];
}

/**
 * Resolves a toolbox formula code on a model (layer indices count every module, as in the text
 * file): 0 ε; 2 α-β; 11 gradient; 26 deconvnet; 99 sensitivity; 166 guided backprop; 54/56 ε with
 * flat/w² at or below `auxLayer`; 58/60 α-β with flat/w² there; 100 α-β on convolutions and ε on
 * dense layers; 102/104 as 100 with flat/w² at or below `auxLayer`. Flat/w² replace the rule of
 * weighted layers only. Sum/average pools take the layer's ε or α-β rule.
 */
export function resolveFormula(model: Model, formula: Formula): FormulaPlan {
  const { code } = formula;
  const eps = rules.epsilon(formula.epsilon ?? 0.01);
  const beta = formula.beta ?? 1;
  const ab = rules.alphabeta(1 + beta, beta);
  const aux = formula.auxLayer ?? -1;
  if (!Number.isInteger(aux) || aux < -1 || aux >= model.layers.length) {
    throw new LrpError('E_RANGE', `aux layer ${aux} is out of range 0..${model.layers.length - 1}`, `formula ${code}`);
  }
  const none = model.layers.map(() => null);
  const perKind = (conv: Rule, dense: Rule, low: Rule | null): (Rule | null)[] =>
    model.layers.map((layer, i) => {
      if (isParamLayer(layer) && low && i <= aux) return low;
      if (layer.kind === 'linear') return dense;
      if (layer.kind === 'conv2d' || layer.kind === 'depthwiseconv2d' || layer.kind === 'sumpool' || layer.kind === 'avgpool' || layer.kind === 'globalavgpool') return conv;
      return null;
    });
  switch (code) {
    case 0: return { method: 'lrp', rules: perKind(eps, eps, null) };
    case 2: return { method: 'lrp', rules: perKind(ab, ab, null) };
    case 11: return { method: 'gradient', rules: none };
    case 26: return { method: 'deconvnet', rules: none };
    case 99: return { method: 'sensitivity', rules: none };
    case 166: return { method: 'guided-backprop', rules: none };
    case 54: return { method: 'lrp', rules: perKind(eps, eps, rules.flat()) };
    case 56: return { method: 'lrp', rules: perKind(eps, eps, rules.ww()) };
    case 58: return { method: 'lrp', rules: perKind(ab, ab, rules.flat()) };
    case 60: return { method: 'lrp', rules: perKind(ab, ab, rules.ww()) };
    case 100: return { method: 'lrp', rules: perKind(ab, eps, null) };
    case 102: return { method: 'lrp', rules: perKind(ab, eps, rules.flat()) };
    case 104: return { method: 'lrp', rules: perKind(ab, eps, rules.ww()) };
    default:
      throw new LrpError('E_RULE', `unknown formula code ${code} (known: ${formulaCodes.join(', ')})`);
  }
}
