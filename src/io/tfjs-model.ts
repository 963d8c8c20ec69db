import { LrpError } from '../errors.js';
import type { Model } from '../model/layers.js';
import { type JsonObject, describe, expectArray, expectObject, expectString, field, isJsonObject, parseJsonObject } from './tfjs-json.js';
import { buildTfjsGraph } from './tfjs-layers.js';
import { type TfjsTopology, parseTopology } from './tfjs-topology.js';
import { type TfjsWeightSpec, decodeWeights, parseWeightSpecs } from './tfjs-weights.js';

/**
 * A tfjs layers model in memory, as `tf.io.withSaveHandler` hands it over (`ModelArtifacts`):
 * the topology, the weight entries and their bytes (one buffer or several, concatenated in order).
 */
export interface TfjsModelArtifacts {
  /** The `modelTopology` of `model.json` (a Keras 2 style layers-model config). */
  readonly modelTopology: unknown;
  /** Weight entries `{name, shape, dtype, quantization?}` in the order their bytes come. */
  readonly weightSpecs?: readonly unknown[];
  /** The weights' bytes: one buffer, a list of buffers (tfjs 4 may split them), or a byte view. */
  readonly weightData?: ArrayBuffer | readonly ArrayBuffer[] | Uint8Array;
}

/** A `weightsManifest` group of `model.json`: shard files and the weights they hold, in order. */
export interface TfjsWeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly TfjsWeightSpec[];
}

/** A parsed `model.json`: topology (unchecked) and weight groups. */
export interface TfjsModelJson {
  readonly modelTopology: unknown;
  readonly groups: readonly TfjsWeightGroup[];
}

/** True for an object carrying a `modelTopology` (tfjs `ModelArtifacts`). */
export function isTfjsArtifacts(source: unknown): source is TfjsModelArtifacts {
  return isJsonObject(source) && Object.hasOwn(source, 'modelTopology');
}

/** Most shard files one model may name. */
const MAX_SHARDS = 10_000;

function checkLayersFormat(o: JsonObject, file: string): void {
  const format = field(o, 'format');
  const topology = field(o, 'modelTopology');
  if (format === 'graph-model' || (isJsonObject(topology) && Object.hasOwn(topology, 'node'))) {
    throw new LrpError('E_FORMAT', 'is a tfjs graph model (a converted SavedModel); lrpjs reads tfjs layers models (format "layers-model")', file);
  }
  if (format !== undefined && format !== 'layers-model') throw new LrpError('E_FORMAT', `format ${describe(format)} is not a tfjs layers model`, file);
  if (topology === undefined) throw new LrpError('E_FORMAT', 'has no modelTopology: not a tfjs model.json', file);
}

/**
 * Parses the bytes of a tfjs `model.json` (`{modelTopology, weightsManifest: [{paths, weights}],
 * format: 'layers-model', ...}`). Bad JSON, a graph model, or a malformed manifest is `E_FORMAT`
 * naming `file`. The topology itself is checked later ({@link tfjsModelFromParts}).
 */
export function parseTfjsModelJson(bytes: Uint8Array, file: string): TfjsModelJson {
  const o = parseJsonObject(bytes, file);
  checkLayersFormat(o, file);
  const manifest = expectArray(field(o, 'weightsManifest') ?? [], 'weightsManifest', file);
  let shardCount = 0;
  const groups = manifest.map((g, i) => {
    const group = expectObject(g, `weightsManifest[${i}]`, file);
    const paths = expectArray(field(group, 'paths'), `weightsManifest[${i}].paths`, file).map((p, k) => expectString(p, `weightsManifest[${i}].paths[${k}]`, file));
    shardCount += paths.length;
    if (shardCount > MAX_SHARDS) throw new LrpError('E_FORMAT', `the weights manifest names more than ${MAX_SHARDS} shard files`, file);
    const weights = parseWeightSpecs(field(group, 'weights'), file);
    if (paths.length === 0 && weights.length > 0) throw new LrpError('E_FORMAT', `weightsManifest[${i}] lists weights but no shard files`, file);
    return { paths, weights };
  });
  return { modelTopology: field(o, 'modelTopology'), groups };
}

/** `layer 'dense_1' (Dense)` for weight `dense_1/kernel`, from the topology; the weight name where no layer matches. */
function weightOwner(topology: TfjsTopology): (weightName: string) => string {
  return (weightName) => {
    const layer = topology.layers.find((l) => weightName.startsWith(`${l.name}/`) || weightName.includes(`/${l.name}/`));
    return layer ? `layer '${layer.name}' (${layer.className})` : `no layer of the model (weight '${weightName}')`;
  };
}

/**
 * Builds a model from a topology, weight entries and their bytes (all shards concatenated in
 * manifest order). Every fault is an `E_FORMAT` {@link LrpError} naming `file` and, where one is
 * at fault, the layer and its class. Pure: runs in browsers.
 */
export function tfjsModelFromParts(modelTopology: unknown, specs: readonly TfjsWeightSpec[], data: Uint8Array, file: string): Model {
  const topology = parseTopology(modelTopology, file);
  const weights = decodeWeights(specs, data, file, weightOwner(topology));
  return buildTfjsGraph(topology, weights, file);
}

/** The bytes of `weightData` (one buffer, a list concatenated in order, or a view). */
function weightBytes(data: TfjsModelArtifacts['weightData'], file: string): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data) && data.every((b) => b instanceof ArrayBuffer)) {
    const total = data.reduce((n, b) => n + b.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of data) (out.set(new Uint8Array(b), at), (at += b.byteLength));
    return out;
  }
  throw new LrpError('E_FORMAT', `weightData must be an ArrayBuffer, a list of them or a Uint8Array, got ${describe(data)}`, file);
}

/** A model from in-memory tfjs artifacts `{modelTopology, weightSpecs, weightData}` (see {@link TfjsModelArtifacts}). */
export function tfjsModelFromArtifacts(artifacts: TfjsModelArtifacts, file = 'model artifacts'): Model {
  const specs = parseWeightSpecs(artifacts.weightSpecs ?? [], file);
  return tfjsModelFromParts(artifacts.modelTopology, specs, weightBytes(artifacts.weightData, file), file);
}
