import { LrpError } from '../errors.js';
import type { Conv2dLayer, Layer, LinearLayer, Model, Padding, PoolLayer, SimpleLayer } from './layers.js';

function positiveInt(v: number, what: string, where?: string): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new LrpError('E_FORMAT', `${what} must be a positive integer, got ${v}`, where);
}

function finiteArray(a: Float64Array, what: string, where?: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new LrpError('E_FORMAT', `${what} element ${i} is ${a[i]}`, where);
  }
}

function checkPadding(p: Padding, where?: string): void {
  if (p === 'valid' || p === 'same') return;
  if (!Array.isArray(p) || p.length !== 4 || p.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    throw new LrpError('E_FORMAT', `padding must be 'valid', 'same' or [top, bottom, left, right] >= 0`, where);
  }
}

/** Builds a validated dense layer: `weights` `[m, n]` C order, `bias` `[n]`, all finite. */
export function linearLayer(inputs: number, outputs: number, weights: Float64Array, bias: Float64Array, where?: string): LinearLayer {
  positiveInt(inputs, 'Linear input count', where);
  positiveInt(outputs, 'Linear output count', where);
  if (weights.length !== inputs * outputs) {
    throw new LrpError('E_FORMAT', `Linear ${inputs} ${outputs} needs ${inputs * outputs} weights, got ${weights.length}`, where);
  }
  if (bias.length !== outputs) throw new LrpError('E_FORMAT', `Linear ${inputs} ${outputs} needs ${outputs} biases, got ${bias.length}`, where);
  finiteArray(weights, 'weight', where);
  finiteArray(bias, 'bias', where);
  return { kind: 'linear', inputs, outputs, weights, bias };
}

/** Builds a validated convolution: `filter` `[hf, wf, df, nf]`, HWIO weights, bias `[nf]`. */
export function conv2dLayer(
  filter: readonly [number, number, number, number],
  stride: readonly [number, number],
  weights: Float64Array,
  bias: Float64Array,
  padding: Padding = 'valid',
  where?: string,
): Conv2dLayer {
  filter.forEach((v, i) => positiveInt(v, `Convolution ${['hf', 'wf', 'df', 'nf'][i]}`, where));
  stride.forEach((v, i) => positiveInt(v, `Convolution ${['sh', 'sw'][i]}`, where));
  checkPadding(padding, where);
  const need = filter[0] * filter[1] * filter[2] * filter[3];
  if (weights.length !== need) throw new LrpError('E_FORMAT', `Convolution ${filter.join(' ')} needs ${need} weights, got ${weights.length}`, where);
  if (bias.length !== filter[3]) throw new LrpError('E_FORMAT', `Convolution needs ${filter[3]} biases, got ${bias.length}`, where);
  finiteArray(weights, 'weight', where);
  finiteArray(bias, 'bias', where);
  return { kind: 'conv2d', filter: [...filter], stride: [...stride], padding, weights, bias };
}

/** Builds a validated pooling layer. */
export function poolLayer(
  kind: PoolLayer['kind'],
  pool: readonly [number, number],
  stride: readonly [number, number],
  padding: Padding = 'valid',
  where?: string,
): PoolLayer {
  pool.forEach((v, i) => positiveInt(v, `pool ${['hp', 'wp'][i]}`, where));
  stride.forEach((v, i) => positiveInt(v, `pool ${['sh', 'sw'][i]}`, where));
  checkPadding(padding, where);
  return { kind, pool: [...pool], stride: [...stride], padding };
}

/** Builds a parameter-free layer. */
export function simpleLayer(kind: SimpleLayer['kind']): SimpleLayer {
  return { kind };
}

/** Builds a sequential model from layers; at least one layer. */
export function sequential(layers: readonly Layer[], where?: string): Model {
  if (layers.length === 0) throw new LrpError('E_FORMAT', 'model has no layers', where);
  return { layers: [...layers] };
}

/**
 * The model without a final SoftMax (toolbox `drop_softmax_output_layer`). On a graph whose
 * SoftMax reads another node than the one before it, the SoftMax becomes an `identity` node on
 * that input (the output is then the logits, and node indices stay).
 */
export function dropSoftmax(model: Model): Model {
  const L = model.layers.length;
  const last = model.layers[L - 1];
  if (last?.kind !== 'softmax' || L < 2) return model;
  const from = last.from;
  if (from === undefined || (from.length === 1 && from[0] === L - 2)) return { ...model, layers: model.layers.slice(0, -1) };
  return { ...model, layers: [...model.layers.slice(0, -1), { kind: 'identity', from }] };
}
