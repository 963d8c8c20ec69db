import { nodeConsumers, nodeSources } from './graph.js';
import { type BatchNormLayer, type Layer, type Model, type ParamLayer, isParamLayer } from './layers.js';

/** One BatchNorm folded into the weighted node before it. */
export interface FoldedBatchNorm {
  /** Index of the BatchNorm node (now an `identity` node). */
  readonly batchnorm: number;
  /** Index of the dense/conv/depthwise node that absorbed it. */
  readonly into: number;
}

/** A canonized model and what was changed. */
export interface Canonized {
  readonly model: Model;
  readonly folded: readonly FoldedBatchNorm[];
}

/** Output channels of a weighted node: the last axis of its weights (depthwise: C·M). */
function outChannels(layer: ParamLayer): number {
  if (layer.kind === 'linear') return layer.outputs;
  if (layer.kind === 'conv2d') return layer.filter[3];
  return layer.filter[2] * layer.filter[3];
}

/** `layer` with weights `W·scale` and bias `b·scale + shift` per output channel (the last weight axis). */
function foldInto(layer: ParamLayer, bn: BatchNormLayer): ParamLayer {
  const c = bn.scale.length;
  const weights = layer.weights.map((w, k) => w * bn.scale[k % c]!);
  const bias = layer.bias.map((b, j) => b * bn.scale[j]! + bn.shift[j]!);
  return { ...layer, weights, bias };
}

/**
 * Folds every BatchNorm into the dense, conv or depthwise node before it (Zennit's
 * MergeBatchNorm), where that node's only consumer is the BatchNorm: `W' = W·scale`,
 * `b' = b·scale + shift` per output channel. The BatchNorm node becomes an `identity` node, so
 * every node keeps its index (rules, `relevanceAt` and messages stay valid). The outputs are
 * unchanged up to rounding; LRP then treats the pair as one layer, as Zennit does. Pure:
 * returns a new model (the input is not changed) and the list of folds.
 */
export function foldBatchNorms(model: Model): Canonized {
  const sources = nodeSources(model);
  const consumers = nodeConsumers(sources);
  const layers: Layer[] = [...model.layers];
  const folded: FoldedBatchNorm[] = [];
  model.layers.forEach((bn, i) => {
    if (bn.kind !== 'batchnorm') return;
    const j = sources[i]![0]!;
    const prev = j >= 0 ? layers[j] : undefined;
    if (!prev || !isParamLayer(prev) || consumers[j + 1]!.length !== 1 || outChannels(prev) !== bn.scale.length) return;
    layers[j] = foldInto(prev, bn);
    layers[i] = bn.from ? { kind: 'identity', from: bn.from } : { kind: 'identity' };
    folded.push({ batchnorm: i, into: j });
  });
  return { model: folded.length > 0 ? { ...model, layers } : model, folded };
}
