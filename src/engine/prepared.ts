import { LrpError } from '../errors.js';
import { type BatchNormLayer, type Model, type ParamLayer, isParamLayer, layerWhere } from '../model/layers.js';
import { FLOAT32_MAX } from './numeric-check.js';
import type { Ops } from './ops.js';
import { nonNegativeInputs } from './sign-analysis.js';

/**
 * How a rule modifies a weight or bias (the ρ of Montavon et al. 2019): identity, positive or
 * negative part, square, all ones, `w + γ·w⁺` (`{gamma}`; `{gamma, part: 'neg'}`: `w + γ·w⁻`, the
 * generalised γ of Zennit), or zero (bias only).
 */
export type ParamMode = 'id' | 'pos' | 'neg' | 'square' | 'ones' | 'zero' | { readonly gamma: number; readonly part?: 'pos' | 'neg' };

/** Applies a {@link ParamMode} to one value (pools use it on their implicit weight). */
export function modifyValue(mode: ParamMode, v: number): number {
  if (typeof mode === 'object') {
    const part = mode.part === 'neg' ? (v < 0 ? v : 0) : v > 0 ? v : 0;
    return v + mode.gamma * part;
  }
  switch (mode) {
    case 'id': return v;
    case 'pos': return v > 0 ? v : 0;
    case 'neg': return v < 0 ? v : 0;
    case 'square': return v * v;
    case 'ones': return 1;
    case 'zero': return 0;
  }
}

function modeKey(mode: ParamMode): string {
  return typeof mode === 'object' ? `gamma:${mode.gamma}${mode.part === 'neg' ? ':neg' : ''}` : mode;
}

/** Options of a {@link PreparedModel}. */
export interface PreparedOptions {
  /**
   * Check every activation and relevance for NaN and ±Infinity (`E_NUMERIC` naming the first layer
   * where one appears); default `false` (training has its own loss check).
   */
  readonly checkFinite?: boolean;
}

/**
 * A model uploaded to a backend: the weights and, lazily, their rule variants (W⁺, W⁻, W², ...),
 * each uploaded once and reused by every explanation until {@link PreparedModel.dispose}.
 * On a float32 backend a parameter beyond the float32 range is `E_NUMERIC` naming the layer, not a
 * silent infinity.
 */
export class PreparedModel<T> {
  private readonly cache = new Map<string, T>();
  /** `nonNegative[i]`: layer i's input is ≥ 0 by construction ({@link nonNegativeInputs}). */
  readonly nonNegative: readonly boolean[];
  /** Whether forward passes and walks check their values ({@link PreparedOptions.checkFinite}). */
  readonly checkFinite: boolean;

  constructor(
    readonly ops: Ops<T>,
    readonly model: Model,
    options: PreparedOptions = {},
  ) {
    this.nonNegative = nonNegativeInputs(model);
    this.checkFinite = options.checkFinite ?? false;
  }

  /** Uploads `data` as a parameter of layer `index`, refusing values a float32 backend cannot hold. */
  private upload(index: number, what: string, data: Float64Array, shape: readonly number[]): T {
    if (this.ops.precision === 'float32') {
      const i = data.findIndex((v) => !(Math.abs(v) <= FLOAT32_MAX));
      if (i >= 0) {
        throw new LrpError(
          'E_NUMERIC',
          `${what} element ${i} is ${data[i]}, beyond the float32 range of the ${this.ops.name} backend (use the js backend, float64)`,
          layerWhere(this.model.layers, index),
        );
      }
    }
    return this.ops.param(data, shape);
  }

  private get(key: string, make: () => T): T {
    let v = this.cache.get(key);
    if (v === undefined) {
      v = make();
      this.cache.set(key, v);
    }
    return v;
  }

  /**
   * Weights of node `index` under `mode`: `[m, n]` (dense), HWIO (conv), `[kh, kw, C, M]`
   * (depthwise) or the per-channel `scale` `[C]` of a BatchNorm (a diagonal weight).
   */
  weight(index: number, mode: ParamMode): T {
    const layer = this.model.layers[index] as ParamLayer | BatchNormLayer;
    return this.get(`w${index}:${modeKey(mode)}`, () => {
      const data = layer.kind === 'batchnorm' ? layer.scale : layer.weights;
      const shape = layer.kind === 'linear' ? [layer.inputs, layer.outputs] : layer.kind === 'batchnorm' ? [data.length] : [...layer.filter];
      return this.upload(index, `weight (${modeKey(mode)})`, mode === 'id' ? data : data.map((v) => modifyValue(mode, v)), shape);
    });
  }

  /** Bias of node `index` under `mode` (a BatchNorm's `shift`), `null` for `zero`. */
  bias(index: number, mode: ParamMode): T | null {
    if (mode === 'zero') return null;
    const layer = this.model.layers[index] as ParamLayer | BatchNormLayer;
    const data = layer.kind === 'batchnorm' ? layer.shift : layer.bias;
    return this.get(`b${index}:${modeKey(mode)}`, () =>
      this.upload(index, `bias (${modeKey(mode)})`, mode === 'id' ? data : data.map((v) => modifyValue(mode, v)), [data.length]),
    );
  }

  /** Uploads every node's weights and biases now (model upload at creation, not in the first run). */
  uploadAll(): void {
    this.model.layers.forEach((layer, i) => {
      if (isParamLayer(layer) || layer.kind === 'batchnorm') {
        this.weight(i, 'id');
        this.bias(i, 'id');
      }
    });
  }

  /** Releases every uploaded parameter. */
  dispose(): void {
    for (const v of this.cache.values()) this.ops.dispose(v);
    this.cache.clear();
  }
}
