/**
 * The oracle's LRP rules, per neuron, straight from their formulas (Bach et al. 2015; Montavon et
 * al. 2017, 2019) over the explicit {@link Wiring} of a layer: `R_i = Σ_j q_ij / stab(Σ_i' q_i'j +
 * bias_j) · R_j`, where each rule chooses the contribution `q_ij` and the bias. lrpjs's documented
 * conventions (README "Rules", docs/toolbox-compat.md) where they differ from a textbook:
 * - `stab(z) = z + ε·sgn0(z)` with `sgn0(0) = +1`; a denominator that is exactly 0 gives 0.
 * - LRP-0 has ε = 1e-16 (1e-12 on sum/average pools, as the toolbox); γ has 1e-9; α-β and z^B 1e-16.
 * - The bias sits in the denominator and absorbs relevance; α-β splits it by its sign.
 * - α-β splits by the sign of the product `z_ij = x_i·w_ij`; a group whose coefficient is 0 is skipped.
 * - flat and w² ignore the bias; flat counts only in-bound inputs (zero padding has no edge).
 * - z^B has no bias; on a pool its implicit weight (> 0) has no negative part.
 * - Pools use their implicit weight (1 sum, 1/area average) with the layer's rule; max pooling is
 *   winner-take-all with ties split equally, except under flat/w², where it is uniform.
 * - Activations, SoftMax and Flatten pass relevance unchanged.
 */
import type { Layer } from '../../src/model/layers.js';
import type { Wiring } from './wiring.js';

/** An LRP rule as the oracle knows it (its own type: no code shared with src/rules). */
export type OracleRule =
  | { readonly name: 'simple' }
  | { readonly name: 'epsilon'; readonly epsilon: number }
  | { readonly name: 'alphabeta'; readonly alpha: number; readonly beta: number }
  | { readonly name: 'zplus' }
  | { readonly name: 'flat' }
  | { readonly name: 'ww' }
  | { readonly name: 'gamma'; readonly gamma: number }
  | { readonly name: 'zbox'; readonly low: number | Float64Array; readonly high: number | Float64Array }
  | { readonly name: 'pass' };

/** `r / (z + ε·sgn0(z))`, 0 where that denominator is 0. */
export function stabilisedRatio(r: number, z: number, eps: number): number {
  const den = z + eps * (z >= 0 ? 1 : -1);
  return den === 0 ? 0 : r / den;
}

const pos = (v: number): number => (v > 0 ? v : 0);
const neg = (v: number): number => (v < 0 ? v : 0);

/**
 * One ratio term over a layer: `R_i += coef · Σ_j q(i, w_ij) / stab(Σ_i' q(i', w_i'j) + bias_j) · R_j`.
 */
function ratioTerm(w: Wiring, R: Float64Array, out: Float64Array, q: (from: number, weight: number) => number, bias: (j: number) => number, eps: number, coef: number): void {
  for (let j = 0; j < w.outSize; j++) {
    let z = bias(j);
    for (const e of w.edges[j]) z += q(e.from, e.weight);
    const s = stabilisedRatio(R[j], z, eps);
    for (const e of w.edges[j]) out[e.from] += coef * q(e.from, e.weight) * s;
  }
}

function bound(b: number | Float64Array, i: number): number {
  return typeof b === 'number' ? b : b[i];
}

/** Relevance through one weighted or pooling layer of one sample under `rule`. */
function ratioLayer(layer: Layer, w: Wiring, x: Float64Array, R: Float64Array, rule: OracleRule): Float64Array {
  const out = new Float64Array(w.inSize);
  const isPool = w.bias === null;
  const b = (j: number): number => (w.bias ? w.bias[j] : 0);
  const none = (): number => 0;
  const zij = (i: number, wij: number): number => x[i] * wij;
  switch (rule.name) {
    case 'simple':
      ratioTerm(w, R, out, zij, b, isPool ? 1e-12 : 1e-16, 1);
      break;
    case 'epsilon':
      ratioTerm(w, R, out, zij, b, rule.epsilon, 1);
      break;
    case 'zplus':
    case 'alphabeta': {
      const [alpha, beta] = rule.name === 'zplus' ? [1, 0] : [rule.alpha, rule.beta];
      if (alpha !== 0) ratioTerm(w, R, out, (i, wij) => pos(zij(i, wij)), (j) => pos(b(j)), 1e-16, alpha);
      if (beta !== 0) ratioTerm(w, R, out, (i, wij) => neg(zij(i, wij)), (j) => neg(b(j)), 1e-16, -beta);
      break;
    }
    case 'flat':
      ratioTerm(w, R, out, () => 1, none, 0, 1);
      break;
    case 'ww':
      // On max pooling (no weights) w² is the flat rule; on sum/avg pools w² is uniform as well.
      ratioTerm(w, R, out, layer.kind === 'maxpool' ? () => 1 : (_, wij) => wij * wij, none, 0, 1);
      break;
    case 'gamma': {
      const g = rule.gamma;
      ratioTerm(w, R, out, (i, wij) => x[i] * (wij + g * pos(wij)), (j) => b(j) + g * pos(b(j)), 1e-9, 1);
      break;
    }
    case 'zbox':
      ratioTerm(w, R, out, (i, wij) => x[i] * wij - bound(rule.low, i) * pos(wij) - bound(rule.high, i) * neg(wij), none, 1e-16, 1);
      break;
    case 'pass':
      throw new Error('pass is handled by the caller');
  }
  return out;
}

/** Winner-take-all through max pooling: each window's relevance split equally between its maxima. */
function maxWinners(w: Wiring, x: Float64Array, y: Float64Array, R: Float64Array): Float64Array {
  const out = new Float64Array(w.inSize);
  for (let j = 0; j < w.outSize; j++) {
    const winners = w.edges[j].filter((e) => x[e.from] === y[j]);
    for (const e of winners) out[e.from] += R[j] / winners.length;
  }
  return out;
}

/**
 * Relevance entering layer `layer` (input `x`, output `y`) from the relevance `R` at its output,
 * under `rule` (`null`: the layer's default, LRP-0 / winner-take-all).
 */
export function oracleLrpLayer(layer: Layer, w: Wiring | null, x: Float64Array, y: Float64Array, R: Float64Array, rule: OracleRule | null): Float64Array {
  const r: OracleRule = rule ?? { name: 'simple' };
  if (r.name === 'pass') {
    if (x.length !== R.length) throw new Error(`oracle: pass needs equal sizes, got ${x.length} and ${R.length}`);
    return Float64Array.from(R);
  }
  if (!w) return Float64Array.from(R); // activations, SoftMax, Flatten
  if (layer.kind === 'maxpool' && r.name !== 'flat' && r.name !== 'ww') return maxWinners(w, x, y, R);
  return ratioLayer(layer, w, x, R, layer.kind === 'maxpool' ? { name: 'flat' } : r);
}
