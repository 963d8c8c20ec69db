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

/**
 * Graph edges of a node: indices of its input nodes, `-1` = the model input. Absent means
 * `[i - 1]` (the previous node, `-1` for node 0), so a chain needs no edges at all.
 */
export interface NodeEdges {
  readonly from?: readonly number[];
  /** The node's name in the file it was imported from (an ONNX node name), shown by `lrp info` and in messages. */
  readonly name?: string;
}

/** Dense layer `Y = X·W + B` (toolbox `Linear m n`). */
export interface LinearLayer extends NodeEdges {
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
export interface Conv2dLayer extends NodeEdges {
  readonly kind: 'conv2d';
  /** Filter `[hf, wf, df, nf]`: height, width, input channels, output channels. */
  readonly filter: readonly [number, number, number, number];
  /** Stride `[sh, sw]`. */
  readonly stride: readonly [number, number];
  readonly padding: Padding;
  /** Dilation `[dh, dw]` (default `[1, 1]`): window element k sits k·d pixels from the first. */
  readonly dilation?: readonly [number, number];
  /** Weights HWIO, C order, length hf·wf·df·nf. */
  readonly weights: Float64Array;
  /** Bias `[nf]`. */
  readonly bias: Float64Array;
}

/** Window layers: `sumpool` is the toolbox's SumPool (window sum / sqrt(hp·wp)), `avgpool` the mean, `maxpool` the max. */
export interface PoolLayer extends NodeEdges {
  readonly kind: 'sumpool' | 'avgpool' | 'maxpool';
  /** Window `[hp, wp]`. */
  readonly pool: readonly [number, number];
  /** Stride `[sh, sw]`. */
  readonly stride: readonly [number, number];
  readonly padding: Padding;
  /**
   * `avgpool` only: average over the window elements inside the input, leaving the padding out of
   * the count (ONNX `count_include_pad = 0`; PyTorch's `AvgPool2d` counts it by default). Default `false`: the window sum divided by hp·wp.
   */
  readonly excludePadding?: boolean;
}

/**
 * Parameter-free elementwise or reshaping layers. SoftMax subtracts the row maximum (unlike the
 * toolbox). `relu6` is `min(max(x, 0), 6)`, `identity` passes its input on, the global pools map
 * NHWC `[H, W, C]` to `[C]` (mean or maximum over the positions).
 */
export interface SimpleLayer extends NodeEdges {
  readonly kind: 'relu' | 'tanh' | 'sigmoid' | 'softmax' | 'flatten' | 'relu6' | 'identity' | 'globalavgpool' | 'globalmaxpool';
}

/** `min(max(x, min), max)` elementwise. */
export interface ClipLayer extends NodeEdges {
  readonly kind: 'clip';
  readonly min: number;
  readonly max: number;
}

/** `x ≥ 0 ? x : alpha·x` elementwise (ONNX LeakyRelu). */
export interface LeakyReluLayer extends NodeEdges {
  readonly kind: 'leakyrelu';
  readonly alpha: number;
}

/** Elementwise sum of n ≥ 2 inputs of equal shape. */
export interface AddLayer extends NodeEdges {
  readonly kind: 'add';
  readonly from: readonly number[];
}

/** Concatenation of its inputs along `axis` of the per-sample shape (negative: from the end; -1 = channels). */
export interface ConcatLayer extends NodeEdges {
  readonly kind: 'concat';
  readonly axis: number;
  readonly from: readonly number[];
}

/**
 * Per-channel affine map on the last axis, `y = x·scale[c] + shift[c]` (an unfolded BatchNorm:
 * `scale = γ/√(var + ε)`, `shift = β − mean·scale`).
 */
export interface BatchNormLayer extends NodeEdges {
  readonly kind: 'batchnorm';
  readonly scale: Float64Array;
  readonly shift: Float64Array;
}

/** Zero padding of H and W of an NHWC input: `[top, bottom, left, right]`. */
export interface PadLayer extends NodeEdges {
  readonly kind: 'pad';
  readonly padding: readonly [number, number, number, number];
}

/** Reshape to a per-sample `shape` of the same size (no -1). */
export interface ReshapeLayer extends NodeEdges {
  readonly kind: 'reshape';
  readonly shape: readonly number[];
}

/**
 * Depthwise 2-D cross-correlation: input channel c is filtered by its own `multiplier` filters;
 * output channel `c·multiplier + m`. Weights in tfjs layout `[kh, kw, cin, multiplier]`, C order.
 */
export interface DepthwiseConv2dLayer extends NodeEdges {
  readonly kind: 'depthwiseconv2d';
  /** `[kh, kw, cin, multiplier]`. */
  readonly filter: readonly [number, number, number, number];
  readonly stride: readonly [number, number];
  readonly padding: Padding;
  /** Dilation `[dh, dw]` (default `[1, 1]`). */
  readonly dilation?: readonly [number, number];
  /** Weights, length kh·kw·cin·multiplier. */
  readonly weights: Float64Array;
  /** Bias `[cin·multiplier]`. */
  readonly bias: Float64Array;
}

/** One node of a model: a plain layer descriptor with optional edges ({@link NodeEdges}). */
export type Layer =
  | LinearLayer
  | Conv2dLayer
  | PoolLayer
  | SimpleLayer
  | ClipLayer
  | LeakyReluLayer
  | AddLayer
  | ConcatLayer
  | BatchNormLayer
  | PadLayer
  | ReshapeLayer
  | DepthwiseConv2dLayer;

/** Every layer kind. */
export type LayerKind = Layer['kind'];

/** Layer kinds with weights, where the LRP rules of Montavon et al. (2019) apply. */
export type ParamLayer = LinearLayer | Conv2dLayer | DepthwiseConv2dLayer;

/**
 * A model: a graph whose nodes `layers` are in topological order, each reading the nodes in its
 * `from` (default: the previous node). Node index = the toolbox's module index for chains; the
 * model input is `-1`, the output is the last node.
 */
export interface Model {
  readonly layers: readonly Layer[];
  /**
   * The per-sample input shape the model file declares (a tfjs model's `batch_input_shape`), where it
   * declares one; toolbox files do not, and their input shape is found from the layers.
   */
  readonly inputShape?: readonly number[];
  /**
   * The layout of the model's own images (an ONNX model's `'nchw'`): the explainer takes the input
   * and returns every 4-D tensor (relevance, output, `allLayers` entries, `initial`) in it,
   * batch first, converting at its boundary; the nodes themselves always run NHWC. Absent: NHWC.
   * `inputShape` stays the internal per-sample shape `[H, W, C]`.
   */
  readonly inputLayout?: 'nchw';
}

/** True for layers with weights and bias (linear, conv2d, depthwiseconv2d). */
export function isParamLayer(layer: Layer): layer is ParamLayer {
  return layer.kind === 'linear' || layer.kind === 'conv2d' || layer.kind === 'depthwiseconv2d';
}

/** Input nodes of node `index`: its `from`, or the previous node (`-1`: the model input). */
export function nodeInputs(layer: Layer, index: number): readonly number[] {
  return layer.from ?? [index - 1];
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
    case 'relu6': return 'ReLU6';
    case 'clip': return 'Clip';
    case 'leakyrelu': return 'LeakyReLU';
    case 'identity': return 'Identity';
    case 'globalavgpool': return 'GlobalAvgPool';
    case 'globalmaxpool': return 'GlobalMaxPool';
    case 'add': return 'Add';
    case 'concat': return 'Concat';
    case 'batchnorm': return 'BatchNorm';
    case 'pad': return 'Pad';
    case 'reshape': return 'Reshape';
    case 'depthwiseconv2d': return 'DepthwiseConvolution';
  }
}

/** Describes layer `index` for error messages: `layer 3 (Convolution)`, with its imported name `layer 3 'conv1' (Convolution)`. */
export function layerWhere(layers: readonly Layer[], index: number): string {
  const l = layers[index];
  if (!l) return `layer ${index}`;
  return l.name ? `layer ${index} '${l.name}' (${layerName(l)})` : `layer ${index} (${layerName(l)})`;
}
