import { LrpError } from '../errors.js';
import { showShape } from '../tensor.js';
import type { GraphBuilder, NodeBody } from './tfjs-graph-builder.js';
import { describe } from './tfjs-json.js';

/** Activation names tfjs writes (`activation` of a layer config) that lrpjs runs. */
const ACTIVATIONS: Readonly<Record<string, NodeBody | null>> = {
  linear: null,
  relu: { kind: 'relu' },
  relu6: { kind: 'relu6' },
  tanh: { kind: 'tanh' },
  sigmoid: { kind: 'sigmoid' },
  softmax: { kind: 'softmax' },
};

/**
 * Appends the node of activation `name` after node `node` (a fused activation becomes a separate
 * node); `linear` (or none) appends nothing. Returns the last node. An unsupported activation, or
 * softmax on a per-sample shape that is not a vector, is `E_FORMAT` naming `where`.
 */
export function appendActivation(graph: GraphBuilder, node: number, name: unknown, where: string): number {
  if (name === undefined || name === null) return node;
  const body = typeof name === 'string' && Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
  if (body === undefined) {
    throw new LrpError('E_FORMAT', `activation ${describe(name)} is not supported (linear, relu, relu6, tanh, sigmoid, softmax)`, where);
  }
  if (body === null) return node;
  const shape = graph.shapeOf(node);
  if (body.kind === 'softmax' && shape.length !== 1) {
    throw new LrpError('E_FORMAT', `softmax over a ${showShape(shape)} output per sample is not supported (only over a vector)`, where);
  }
  return graph.add(body, [node], shape, where);
}
