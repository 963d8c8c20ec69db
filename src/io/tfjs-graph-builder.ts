import { LrpError } from '../errors.js';
import type { Layer } from '../model/layers.js';
import { showShape } from '../tensor.js';
import type { TfjsLayerSpec } from './tfjs-topology.js';
import type { TfjsWeight } from './tfjs-weights.js';

/** Most values one node's output may hold per sample (2^28, 2 GiB in float64): beyond is an absurd file. */
export const MAX_NODE_VALUES = 2 ** 28;

/** A layer descriptor before its edges are attached. */
export type NodeBody = Layer extends infer L ? (L extends Layer ? Omit<L, 'from'> : never) : never;

/**
 * Collects the nodes of an imported graph in topological order, each with its edges (`from`), its
 * per-sample output shape and the tfjs layer it came from (for messages).
 */
export class GraphBuilder {
  readonly nodes: Layer[] = [];
  readonly shapes: (readonly number[])[] = [];
  /** The tfjs layer of each node: `model.json: layer 3 'conv2d_1' (Conv2D)`. */
  readonly origins: string[] = [];

  constructor(readonly inputShape: readonly number[]) {}

  /** Per-sample shape of node `i`'s output (`-1`: the model input). */
  shapeOf(i: number): readonly number[] {
    return i < 0 ? this.inputShape : this.shapes[i]!;
  }

  /** Appends a node reading `from` with per-sample output `shape`; returns its index. Absurd sizes are `E_FORMAT`. */
  add(body: NodeBody, from: readonly number[], shape: readonly number[], where: string): number {
    let n = 1;
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 1) throw new LrpError('E_FORMAT', `gives an output of shape ${showShape(shape)}`, where);
      n *= d;
    }
    if (n > MAX_NODE_VALUES) throw new LrpError('E_FORMAT', `gives an absurd output of shape ${showShape(shape)} (${n} values per sample, at most ${MAX_NODE_VALUES})`, where);
    this.nodes.push({ ...body, from: [...from] } as Layer);
    this.shapes.push([...shape]);
    this.origins.push(where);
    return this.nodes.length - 1;
  }
}

/** What a layer converter gets: the tfjs layer, the nodes its inputs are, the builder, and its weights. */
export interface LayerContext {
  readonly spec: TfjsLayerSpec;
  /** Node indices of the layer's inputs (`-1`: the model input). */
  readonly inputs: readonly number[];
  readonly graph: GraphBuilder;
  /** Whether tfjs itself wrote the model (`keras_version` `tfjs-layers ...`), not Keras: where the two run a layer differently, lrpjs runs it as its writer does. */
  readonly savedByTfjs: boolean;
  /** The layer's weight `suffix` (`kernel`, `bias`, ...), checked to have `shape`; missing or misshapen is `E_FORMAT`. */
  weight(suffix: string, shape: readonly number[]): Float64Array;
}

/** The weight of layer `layerName` called `suffix` in `weights`: `name/suffix`, or a scoped `.../name/suffix`. */
export function findWeight(weights: ReadonlyMap<string, TfjsWeight>, layerName: string, suffix: string): TfjsWeight | undefined {
  const exact = weights.get(`${layerName}/${suffix}`);
  if (exact) return exact;
  const tail = `/${layerName}/${suffix}`;
  for (const [name, w] of weights) if (name.endsWith(tail)) return w;
  return undefined;
}

/** A {@link LayerContext} for `spec` over `weights`. */
export function layerContext(
  spec: TfjsLayerSpec,
  inputs: readonly number[],
  graph: GraphBuilder,
  weights: ReadonlyMap<string, TfjsWeight>,
  savedByTfjs: boolean,
): LayerContext {
  return {
    spec,
    inputs,
    graph,
    savedByTfjs,
    weight(suffix, shape) {
      const w = findWeight(weights, spec.name, suffix);
      if (!w) throw new LrpError('E_FORMAT', `weight '${spec.name}/${suffix}' is missing from the weights manifest`, spec.where);
      if (w.shape.length !== shape.length || w.shape.some((d, k) => d !== shape[k])) {
        throw new LrpError('E_FORMAT', `weight '${w.name}' has shape ${showShape(w.shape)}, the layer needs ${showShape(shape)}`, spec.where);
      }
      return w.values;
    },
  };
}

/** The one input of a single-input layer, else `E_FORMAT`. */
export function singleInput(ctx: LayerContext): number {
  if (ctx.inputs.length !== 1) throw new LrpError('E_FORMAT', `takes one input, got ${ctx.inputs.length}`, ctx.spec.where);
  return ctx.inputs[0]!;
}
