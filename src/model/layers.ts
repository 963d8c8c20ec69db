/**
 * Layer descriptors: plain, immutable data (typed arrays and numbers) so that a model crosses worker
 * boundaries and maps onto wasm scalars. Layouts follow the LRP Toolbox: activations NHWC, linear
 * weights `[m, n]` with `Y = X·W + B`, convolution weights HWIO `[hf, wf, df, nf]`.
 */

/**
 * Zero padding of a convolution or pooling window: `'valid'` (none, the toolbox's only mode),
 * `'same'` (TensorFlow's rule: output `ceil(H / stride)`, extra padding at the bottom/right) or
 * explicit `[top, bottom, left, right]`.
 */
export type Padding = 'valid' | 'same' | readonly [number, number, number, number];

/** Dense layer `Y = X·W + B` (toolbox `Linear m n`). */
export interface LinearLayer {
  readonly kind: 'linear';
  /** Number of inputs m. */
  readonly inputs: number;
  /** Number of outputs n. */
  readonly outputs: number;
  /** Weights `[m, n]`, C order. */
  readonly weights: Float64Array;
  /** Bias `[n]`. */
  readonly bias: Float64Array;
}

/** 2-D cross-correlation over NHWC input with HWIO weights (toolbox `Convolution hf wf df nf sh sw`). */
export interface Conv2dLayer {
  readonly kind: 'conv2d';
  /** Filter `[hf, wf, df, nf]`: height, width, input channels, output channels. */
  readonly filter: readonly [number, number, number, number];
  /** Stride `[sh, sw]`. */
  readonly stride: readonly [number, number];
  readonly padding: Padding;
  /** Weights HWIO, C order, length hf·wf·df·nf. */
  readonly weights: Float64Array;
  /** Bias `[nf]`. */
  readonly bias: Float64Array;
}

/** Window layers: `sumpool` is the toolbox's SumPool (window sum / sqrt(hp·wp)), `avgpool` the mean, `maxpool` the max. */
export interface PoolLayer {
  readonly kind: 'sumpool' | 'avgpool' | 'maxpool';
  /** Window `[hp, wp]`. */
  readonly pool: readonly [number, number];
  /** Stride `[sh, sw]`. */
  readonly stride: readonly [number, number];
  readonly padding: Padding;
}

/** Parameter-free elementwise or reshaping layers. SoftMax subtracts the row maximum (unlike the toolbox). */
export interface SimpleLayer {
  readonly kind: 'relu' | 'tanh' | 'sigmoid' | 'softmax' | 'flatten';
}

/** One layer of a sequential model. */
export type Layer = LinearLayer | Conv2dLayer | PoolLayer | SimpleLayer;

/** Every layer kind. */
export type LayerKind = Layer['kind'];

/** Layer kinds with weights, where the LRP rules of Montavon et al. (2019) apply. */
export type ParamLayer = LinearLayer | Conv2dLayer;

/** A sequential model (toolbox `Sequential`): layers run in order, relevance flows in reverse. */
export interface Model {
  readonly layers: readonly Layer[];
}

/** True for layers with weights (linear, conv2d). */
export function isParamLayer(layer: Layer): layer is ParamLayer {
  return layer.kind === 'linear' || layer.kind === 'conv2d';
}

/** True for window layers (sumpool, avgpool, maxpool). */
export function isPoolLayer(layer: Layer): layer is PoolLayer {
  return layer.kind === 'sumpool' || layer.kind === 'avgpool' || layer.kind === 'maxpool';
}

/** Toolbox-style display name of a layer kind, used in messages and `lrp info`. */
export function layerName(layer: Layer): string {
  switch (layer.kind) {
    case 'linear': return 'Linear';
    case 'conv2d': return 'Convolution';
    case 'sumpool': return 'SumPool';
    case 'avgpool': return 'AvgPool';
    case 'maxpool': return 'MaxPool';
    case 'relu': return 'Rect';
    case 'tanh': return 'Tanh';
    case 'sigmoid': return 'Sigmoid';
    case 'softmax': return 'SoftMax';
    case 'flatten': return 'Flatten';
  }
}

/** Describes layer `index` for error messages: `layer 3 (Convolution)`. */
export function layerWhere(layers: readonly Layer[], index: number): string {
  const l = layers[index];
  return l ? `layer ${index} (${layerName(l)})` : `layer ${index}`;
}
