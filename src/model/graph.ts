import { LrpError } from '../errors.js';
import { type Layer, type Model, isParamLayer, layerWhere, nodeInputs } from './layers.js';

/** Most inputs an `add` or `concat` node may have (more is not a model, it is a malformed file). */
export const MAX_NODE_INPUTS = 1024;

/** How many inputs a node kind takes: `[min, max]`. */
function inputArity(layer: Layer): [number, number] {
  return layer.kind === 'add' || layer.kind === 'concat' ? [2, MAX_NODE_INPUTS] : [1, 1];
}

/**
 * The validated edges of every node of `model`: `sources[i]` are the indices of node i's inputs
 * (`-1` the model input), each an integer in `-1 .. i − 1` (topological order, so no cycles), with
 * one input for every kind but `add` and `concat` (2 or more). A bad edge list is `E_FORMAT` naming
 * the node. Chains (no `from` anywhere) give `[[-1], [0], [1], ...]`.
 */
export function nodeSources(model: Model): number[][] {
  return model.layers.map((layer, i) => {
    const from = nodeInputs(layer, i);
    const where = layerWhere(model.layers, i);
    if (!Array.isArray(from)) throw new LrpError('E_FORMAT', `'from' must be a list of node indices, got ${String(from)}`, where);
    const [lo, hi] = inputArity(layer);
    if (from.length < lo || from.length > hi) {
      throw new LrpError('E_FORMAT', `takes ${lo === hi ? lo : `${lo} to ${hi}`} input(s), got ${from.length}`, where);
    }
    for (const j of from) {
      if (!Number.isInteger(j) || j < -1 || j >= i) {
        throw new LrpError(
          'E_FORMAT',
          `input ${String(j)} is not an earlier node (nodes are in topological order: an input is -1, the model input, or a node index 0..${i - 1})`,
          where,
        );
      }
    }
    return [...from];
  });
}

/** `consumers[k + 1]`: the nodes reading node k's output (`consumers[0]`: those reading the model input). */
export function nodeConsumers(sources: readonly (readonly number[])[]): number[][] {
  const consumers: number[][] = Array.from({ length: sources.length + 1 }, () => []);
  sources.forEach((from, i) => {
    for (const j of from) if (!consumers[j + 1]!.includes(i)) consumers[j + 1]!.push(i);
  });
  return consumers;
}

/** True when every node reads the previous one (a toolbox chain). */
export function isChain(model: Model): boolean {
  return model.layers.every((l, i) => {
    const from = nodeInputs(l, i);
    return from.length === 1 && from[0] === i - 1;
  });
}

/**
 * The weighted nodes (dense, conv, depthwise) whose every input comes from the model input through
 * no other weighted node: the "first layer" of composites (the one that sees raw input values). In
 * a chain, the first weighted layer alone.
 */
export function firstWeightedNodes(model: Model): number[] {
  const sources = nodeSources(model);
  // raw[i + 1]: node i's output depends on the input through no weighted node (raw[0]: the input).
  const raw: boolean[] = [true];
  const firsts: number[] = [];
  model.layers.forEach((layer, i) => {
    const fed = sources[i]!.every((j) => raw[j + 1]);
    if (fed && isParamLayer(layer)) firsts.push(i);
    raw.push(fed && !isParamLayer(layer));
  });
  return firsts;
}
