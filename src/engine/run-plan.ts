import { isChain, nodeSources } from '../model/graph.js';
import { type Layer, type LayerKind, type Model, layerWhere } from '../model/layers.js';
import { type WindowGeometry, nodeOutputShape, parameterCount } from '../model/shapes.js';
import { sizeOf } from '../tensor.js';
import { geometryOf } from './forward.js';
import { estimateRunBytes } from './memory-plan.js';

/** What one layer of a {@link RunPlan} takes, per sample unless said otherwise. */
export interface LayerPlan {
  /** Layer index (counting every module, as the toolbox does). */
  readonly index: number;
  readonly kind: LayerKind;
  /** `layer 3 (Convolution)`, for messages. */
  readonly where: string;
  /** Input nodes (`-1`: the model input). */
  readonly inputs: readonly number[];
  /** Per-sample input (the first input's, for add/concat) and output shapes. */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  /** Window geometry of conv/pool layers, `null` for others. */
  readonly geometry: WindowGeometry | null;
  /** Trainable parameters (weights and biases). */
  readonly params: number;
  /** Multiply-adds (or elementwise operations) of this layer's forward pass on one sample. */
  readonly macs: number;
}

/**
 * The plan of one request, computed from the model and the input shape before anything is
 * allocated or run: every layer's shapes and arithmetic cost, the bytes of the parameters and of
 * the run storage. Pure data.
 */
export interface RunPlan {
  readonly layers: readonly LayerPlan[];
  /** `shapes[0]` the per-sample input, `shapes[i + 1]` the output of node i. */
  readonly shapes: readonly (readonly number[])[];
  /** Samples in the request. */
  readonly batch: number;
  /** Bytes per element of the backend (4 for float32, 8 for float64). */
  readonly bytesPerElement: number;
  /** Bytes of the model's parameters as uploaded (one copy; rule variants such as W⁺ add more). */
  readonly paramBytes: number;
  /** Bytes of run storage: kept activations, one explanation's temporaries, kernel scratch ({@link estimateRunBytes}). */
  readonly runBytes: number;
  /** `paramBytes + runBytes`: what the request needs in all. */
  readonly bytes: number;
  /** Multiply-adds of one forward pass of one sample (the sum over layers). */
  readonly forwardMacs: number;
}

/**
 * Forward multiply-adds of `layer` on one sample: `m·n` for a dense layer, `oh·ow·nf·kh·kw·C` for a
 * convolution, `oh·ow·C·M·kh·kw` for a depthwise one, `oh·ow·C·kh·kw` for a pooling window (global:
 * the whole input), one per element for activations, SoftMax, BatchNorm, add (per input), concat
 * and pad, none for Flatten, Reshape and Identity.
 */
export function layerMacs(layer: Layer, inShape: readonly number[], outShape: readonly number[], g: WindowGeometry | null): number {
  switch (layer.kind) {
    case 'linear': return layer.inputs * layer.outputs;
    case 'conv2d': return sizeOf(outShape) * g!.kH * g!.kW * g!.inC;
    // Stryker disable next-line ConditionalExpression: equivalent, the pools' case below has the same formula
    case 'depthwiseconv2d': return sizeOf(outShape) * g!.kH * g!.kW;
    case 'sumpool':
    case 'avgpool':
    case 'maxpool':
    case 'globalavgpool':
    case 'globalmaxpool': return sizeOf(outShape) * g!.kH * g!.kW;
    case 'flatten':
    case 'reshape':
    case 'identity': return 0;
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'softmax':
    case 'relu6':
    case 'clip':
    case 'leakyrelu':
    case 'batchnorm': return sizeOf(inShape);
    case 'add': return sizeOf(outShape) * (layer.from.length - 1);
    case 'concat':
    case 'pad': return sizeOf(outShape);
  }
}

/**
 * Plans a run of `model` on a batch of `batch` samples of per-sample shape `inShape`: shapes,
 * geometry and cost per node (a graph's edges validated first, `E_FORMAT` naming the node), parameter and run bytes. Shapes that do not fit, and windows,
 * strides or padding absurd for their input, throw `E_SHAPE` naming the layer (see
 * `windowGeometry`). Needs only the layers' sizes, not their weights.
 */
export function planRun(model: Model, inShape: readonly number[], batch: number, bytesPerElement: number): RunPlan {
  const shapes: number[][] = [[...inShape]];
  const layers: LayerPlan[] = [];
  let params = 0;
  let forwardMacs = 0;
  const sources = nodeSources(model);
  model.layers.forEach((layer, index) => {
    const where = layerWhere(model.layers, index);
    const inputs = sources[index]!;
    const input = shapes[inputs[0]! + 1]!;
    const geometry = geometryOf(layer, input, where);
    const outShape = nodeOutputShape(layer, inputs.map((j) => shapes[j + 1]!), where);
    const macs = layerMacs(layer, input, outShape, geometry);
    const p = parameterCount(layer);
    shapes.push(outShape);
    layers.push({ index, kind: layer.kind, where, inputs, inShape: input, outShape, geometry, params: p, macs });
    params += p;
    forwardMacs += macs;
  });
  const paramBytes = params * bytesPerElement;
  const runBytes = estimateRunBytes(shapes, batch, bytesPerElement, !isChain(model));
  return { layers, shapes, batch, bytesPerElement, paramBytes, runBytes, bytes: paramBytes + runBytes, forwardMacs };
}
