import { LrpError } from '../errors.js';
import { type JsonObject, describe, expectArray, expectInt, expectObject, expectString, field, isJsonObject } from './tfjs-json.js';

/** One layer of a tfjs layers model, as the topology names it. */
export interface TfjsLayerSpec {
  /** The layer's unique name (`config.name`). */
  readonly name: string;
  /** Keras class name: `Dense`, `Conv2D`, ... */
  readonly className: string;
  /** The layer's config object, unchecked. */
  readonly config: JsonObject;
  /** Names of the layers whose outputs feed this one, in order (empty for the input layer). */
  readonly inputs: readonly string[];
  /** For messages: `model.json: layer 3 'conv2d_1' (Conv2D)`. */
  readonly where: string;
}

/** A tfjs layers topology reduced to what lrpjs runs: one input, one output, layers in topological order. */
export interface TfjsTopology {
  /** Per-sample input shape (batch dimension dropped). */
  readonly inputShape: readonly number[];
  /** Name the input goes by in `inputs` lists (the InputLayer's name, or `''` for a Sequential model without one). */
  readonly inputName: string;
  /** The layers the output depends on, each after its inputs, the output layer last. InputLayers are left out. */
  readonly layers: readonly TfjsLayerSpec[];
  /** Who wrote the topology: `keras_version` (`tfjs-layers 4.22.0` for tfjs itself, `2.15.0` for Keras), `''` if absent. */
  readonly producer: string;
}

/** Most layers a topology may hold. */
const MAX_LAYERS = 100_000;

/** Where-string of layer `index` named `name` of class `className` in `file`. */
export function layerPlace(file: string, index: number, name: string, className: string): string {
  return `${file}: layer ${index} '${name}' (${className})`;
}

/** The per-sample input shape from `batch_input_shape` (or `batch_shape`) `[null, d1, ...]`. */
function inputShapeOf(config: JsonObject, where: string): number[] | undefined {
  const raw = field(config, 'batch_input_shape') ?? field(config, 'batch_shape');
  if (raw === undefined || raw === null) return undefined;
  const dims = expectArray(raw, 'batch_input_shape', where);
  if (dims.length < 2) throw new LrpError('E_FORMAT', `batch_input_shape must be [batch, ...sample shape], got ${describe(raw)}`, where);
  return dims.slice(1).map((d, k) => {
    if (d === null) throw new LrpError('E_FORMAT', `input dimension ${k + 1} is unknown (null); lrpjs needs a fixed per-sample input shape`, where);
    return expectInt(d, `batch_input_shape[${k + 1}]`, where, 1, 2 ** 24);
  });
}

interface RawLayer {
  readonly name: string;
  readonly className: string;
  readonly config: JsonObject;
  readonly inbound: unknown;
  readonly where: string;
}

function rawLayers(list: readonly unknown[], file: string): RawLayer[] {
  if (list.length > MAX_LAYERS) throw new LrpError('E_FORMAT', `the topology lists ${list.length} layers (at most ${MAX_LAYERS})`, file);
  return list.map((item, i) => {
    const o = expectObject(item, `layer ${i}`, file);
    const className = expectString(field(o, 'class_name'), `layer ${i} class_name`, file);
    const config = expectObject(field(o, 'config'), `layer ${i} config`, `${file}: layer ${i} (${className})`);
    const name = expectString(field(o, 'name') ?? field(config, 'name'), `layer ${i} name`, `${file}: layer ${i} (${className})`);
    return { name, className, config, inbound: field(o, 'inbound_nodes'), where: layerPlace(file, i, name, className) };
  });
}

function sequential(config: unknown, file: string): Omit<TfjsTopology, 'producer'> {
  const layersRaw = Array.isArray(config) ? config : field(expectObject(config, 'the Sequential config', file), 'layers');
  const raw = rawLayers(expectArray(layersRaw, 'the Sequential layers', file), file);
  if (raw.length === 0) throw new LrpError('E_FORMAT', 'the Sequential model has no layers', file);
  const first = raw[0]!;
  const inputShape = inputShapeOf(first.config, first.where);
  if (!inputShape) throw new LrpError('E_FORMAT', 'the first layer has no batch_input_shape: the model input shape is unknown', first.where);
  const rest = first.className === 'InputLayer' ? raw.slice(1) : raw;
  const inputName = first.className === 'InputLayer' ? first.name : '';
  let prev = inputName;
  const layers = rest.map((l) => {
    if (l.className === 'InputLayer') throw new LrpError('E_FORMAT', 'an InputLayer may only come first in a Sequential model', l.where);
    const spec: TfjsLayerSpec = { name: l.name, className: l.className, config: l.config, inputs: [prev], where: l.where };
    prev = l.name;
    return spec;
  });
  if (layers.length === 0) throw new LrpError('E_FORMAT', 'the Sequential model has no layers after its input', file);
  return { inputShape, inputName, layers };
}

/** Names in a functional model's `input_layers` / `output_layers` (`[[name, node, tensor], ...]`). */
function endpointNames(v: unknown, what: string, file: string): string[] {
  const list = expectArray(v, what, file);
  const entries = list.length > 0 && typeof list[0] === 'string' ? [list] : list;
  return entries.map((e, i) => expectString(expectArray(e, `${what}[${i}]`, file)[0], `${what}[${i}][0]`, file));
}

/** The names of the layers feeding `l`: its one inbound node's `[name, nodeIndex, tensorIndex, kwargs]` entries. */
function inboundNames(l: RawLayer): string[] {
  const nodes = expectArray(l.inbound ?? [], 'inbound_nodes', l.where);
  if (nodes.length === 0) return [];
  if (nodes.length > 1) throw new LrpError('E_FORMAT', `the layer is applied ${nodes.length} times (shared layers are not supported)`, l.where);
  const node = nodes[0];
  if (isJsonObject(node)) throw new LrpError('E_FORMAT', 'inbound_nodes in the Keras 3 form ({args, kwargs}) are not supported; save the model with tfjs or the tfjs converter', l.where);
  return expectArray(node, 'inbound node', l.where).map((entry, k) => {
    const e = expectArray(entry, `inbound entry ${k}`, l.where);
    const name = expectString(e[0], `inbound entry ${k} layer name`, l.where);
    if ((e[1] !== undefined && e[1] !== 0) || (e[2] !== undefined && e[2] !== 0)) {
      throw new LrpError('E_FORMAT', `inbound entry ${k} takes output [${describe(e[1])}, ${describe(e[2])}] of '${name}'; only single-output layers applied once are supported`, l.where);
    }
    return name;
  });
}

function functional(config: unknown, file: string): Omit<TfjsTopology, 'producer'> {
  const c = expectObject(config, 'the model config', file);
  const raw = rawLayers(expectArray(field(c, 'layers'), 'the model layers', file), file);
  const ins = endpointNames(field(c, 'input_layers'), 'input_layers', file);
  const outs = endpointNames(field(c, 'output_layers'), 'output_layers', file);
  if (ins.length !== 1) throw new LrpError('E_FORMAT', `the model has ${ins.length} inputs; lrpjs explains models with one input`, file);
  if (outs.length !== 1) throw new LrpError('E_FORMAT', `the model has ${outs.length} outputs; lrpjs explains models with one output`, file);
  const byName = new Map<string, RawLayer>();
  for (const l of raw) {
    if (byName.has(l.name)) throw new LrpError('E_FORMAT', `two layers are named '${l.name}'`, l.where);
    byName.set(l.name, l);
  }
  const inputName = ins[0]!;
  const inputLayer = byName.get(inputName);
  if (!inputLayer) throw new LrpError('E_FORMAT', `input_layers names '${inputName}', which is not a layer of the model`, file);
  const inputShape = inputShapeOf(inputLayer.config, inputLayer.where);
  if (!inputShape) throw new LrpError('E_FORMAT', 'the input layer has no batch_input_shape', inputLayer.where);
  const outName = outs[0]!;
  if (!byName.has(outName)) throw new LrpError('E_FORMAT', `output_layers names '${outName}', which is not a layer of the model`, file);
  // Iterative depth-first walk from the output: post-order gives inputs before consumers; a grey node met again is a cycle.
  const state = new Map<string, 'grey' | 'black'>();
  const order: TfjsLayerSpec[] = [];
  const stack: { layer: RawLayer; inputs: string[]; next: number }[] = [];
  const enter = (name: string, from: RawLayer | undefined): void => {
    const layer = byName.get(name);
    if (!layer) throw new LrpError('E_FORMAT', `takes its input from '${name}', which is not a layer of the model (dangling input)`, from?.where ?? file);
    if (state.get(name) === 'grey') throw new LrpError('E_FORMAT', `the layers form a cycle through '${name}'`, from?.where ?? layer.where);
    if (state.get(name) === 'black') return;
    state.set(name, 'grey');
    const inputs = inboundNames(layer);
    if (inputs.length === 0 && name !== inputName) {
      throw new LrpError('E_FORMAT', layer.className === 'InputLayer' ? 'a second model input (only one is supported)' : 'the layer has no inputs (dangling)', layer.where);
    }
    stack.push({ layer, inputs, next: 0 });
  };
  enter(outName, undefined);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.inputs.length) {
      enter(top.inputs[top.next++]!, top.layer);
      continue;
    }
    stack.pop();
    state.set(top.layer.name, 'black');
    if (top.layer.name === inputName) continue;
    if (top.layer.className === 'InputLayer') throw new LrpError('E_FORMAT', 'an InputLayer with inputs', top.layer.where);
    order.push({ name: top.layer.name, className: top.layer.className, config: top.layer.config, inputs: top.inputs, where: top.layer.where });
  }
  if (order.length === 0) throw new LrpError('E_FORMAT', 'the model output is its input: there are no layers to explain', file);
  return { inputShape, inputName, layers: order };
}

/**
 * Reads a tfjs layers-model topology (`modelTopology` of `model.json`, as `tf.LayersModel.save`
 * and the tfjs converter write it, Keras 2 style; a `model_config` wrapper is unwrapped):
 * `Sequential` (layers in order) or functional (`Model`/`Functional`, layers joined by
 * `inbound_nodes`). Multi-input or multi-output models, shared layers, cycles, dangling inputs
 * and an unknown input shape are `E_FORMAT` naming the layer and `file`.
 */
export function parseTopology(modelTopology: unknown, file: string): TfjsTopology {
  let top = expectObject(modelTopology, 'modelTopology', file);
  const version = field(top, 'keras_version');
  const producer = typeof version === 'string' ? version : '';
  const wrapped = field(top, 'model_config');
  if (wrapped !== undefined) top = expectObject(wrapped, 'modelTopology.model_config', file);
  const className = field(top, 'class_name');
  if (className === 'Sequential') return { ...sequential(field(top, 'config'), file), producer };
  if (className === 'Model' || className === 'Functional') return { ...functional(field(top, 'config'), file), producer };
  throw new LrpError('E_FORMAT', `modelTopology class_name ${describe(className)} is not a layers model (Sequential, Model, Functional)`, file);
}
