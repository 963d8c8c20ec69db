/**
 * The oracle's whole pipeline, one sample at a time in float64: drop a final SoftMax unless kept
 * (the toolbox demos explain the logits), run forward, start from `R0 = y ⊙ onehot(target)` (argmax
 * by default, first maximum on ties) and walk the layers in reverse with the per-layer LRP rules or
 * a gradient-family map. Independent of `src/engine`, `src/rules` and the backends.
 */
import type { Layer, Model } from '../../src/model/layers.js';
import { oracleForward } from './forward.js';
import { type OracleGradientMode, oracleGradLayer } from './gradient.js';
import { type OracleRule, oracleLrpLayer } from './lrp.js';

/** Attribution methods the oracle computes. */
export type OracleMethod = 'lrp' | 'gradient' | 'gradient-x-input' | 'sensitivity' | 'deconvnet' | 'guided-backprop';

/** What to explain and how. */
export interface OracleOptions {
  readonly keepSoftmax?: boolean;
  readonly method?: OracleMethod;
  /** One rule per layer of the explained model (`null`: the layer's default); LRP only. */
  readonly rules?: readonly (OracleRule | null)[];
  /** A class for every sample (default: each sample's argmax). */
  readonly target?: number;
  /** Explicit initial relevance `[N, C]` (overrides `target`). */
  readonly initial?: Float64Array;
}

/** The oracle's result for a batch: model output, relevance at the input, and the initial relevance. */
export interface OracleResult {
  readonly output: Float64Array;
  readonly relevance: Float64Array;
  readonly initial: Float64Array;
  /** Per-sample shape of the relevance. */
  readonly shape: number[];
}

/** The model the explanation runs on: a final SoftMax dropped unless kept (and unless it is the only layer). */
export function explainedLayers(model: Model, keepSoftmax = false): readonly Layer[] {
  const L = model.layers.length;
  return !keepSoftmax && L > 1 && model.layers[L - 1].kind === 'softmax' ? model.layers.slice(0, -1) : model.layers;
}

function firstArgmax(y: Float64Array): number {
  let k = 0;
  for (let c = 1; c < y.length; c++) if (y[c] > y[k]) k = c;
  return k;
}

/** Explains a batch `data` of shape `[N, ...inShape]`. */
export function oracleExplain(model: Model, data: ArrayLike<number>, shape: readonly number[], o: OracleOptions = {}): OracleResult {
  const layers = explainedLayers(model, o.keepSoftmax);
  const m: Model = { layers };
  const [n, ...inShape] = shape;
  const per = inShape.reduce((a, b) => a * b, 1);
  const method = o.method ?? 'lrp';
  const outputs: Float64Array[] = [];
  const rels: Float64Array[] = [];
  const inits: Float64Array[] = [];
  let relShape = inShape;
  for (let s = 0; s < n; s++) {
    const x = Float64Array.from({ length: per }, (_, i) => data[s * per + i]);
    const t = oracleForward(m, x, inShape);
    const y = t.acts[layers.length];
    const C = y.length;
    const R0 = new Float64Array(C);
    if (o.initial) for (let c = 0; c < C; c++) R0[c] = o.initial[s * C + c];
    else {
      const k = o.target ?? firstArgmax(y);
      R0[k] = y[k];
    }
    let R: Float64Array = R0;
    for (let i = layers.length - 1; i >= 0; i--) {
      const args = [layers[i], t.wirings[i], t.acts[i], t.acts[i + 1], R] as const;
      R = method === 'lrp' ? oracleLrpLayer(...args, o.rules?.[i] ?? null) : oracleGradLayer(...args, gradMode(method));
    }
    if (method === 'gradient-x-input') R = R.map((g, i) => g * x[i]);
    if (method === 'sensitivity') {
      if (inShape.length === 3) {
        const C3 = inShape[2];
        R = Float64Array.from({ length: per / C3 }, (_, p) => {
          let q = 0;
          for (let c = 0; c < C3; c++) q += R[p * C3 + c] ** 2;
          return Math.sqrt(q);
        });
        relShape = [inShape[0], inShape[1], 1];
      } else R = R.map(Math.abs);
    }
    outputs.push(y);
    rels.push(R);
    inits.push(R0);
  }
  const cat = (parts: Float64Array[]): Float64Array => {
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  };
  return { output: cat(outputs), relevance: cat(rels), initial: cat(inits), shape: relShape };
}

function gradMode(method: OracleMethod): OracleGradientMode {
  return method === 'deconvnet' || method === 'guided-backprop' ? method : 'gradient';
}
