import { LrpError } from '../../errors.js';
import type { GraphBuilder } from '../tfjs-graph-builder.js';
import { type OnnxAttribute, type OnnxNode, onnxInt } from './proto-types.js';
import { readTensor } from './tensor-data.js';
import type { Activation, Constant, Site, Value } from './values.js';

/** ONNX `AttributeProto.AttributeType` codes. */
const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

/** What an op converter gets: the node, its inputs' values, its attributes, the builder. */
export class NodeContext implements Site {
  /** The node's name for `lrp info` (its ONNX name, else its op type and first output). */
  readonly name: string;
  /** `model.onnx: node 'conv1' (Conv)`. */
  readonly where: string;
  readonly opType: string;

  constructor(
    readonly node: OnnxNode,
    /** Values of the node's inputs in order (`undefined` for an omitted optional input ''). */
    readonly inputs: readonly (Value | undefined)[],
    readonly graph: GraphBuilder,
    /** The default domain's opset version. */
    readonly opset: number,
    file: string,
    /**
     * Whether input `k`'s node was made for this input alone (its producer's own node, and this
     * node its only reader): then a following bias may be folded into it.
     */
    readonly ownsInput: (k: number) => boolean = () => false,
  ) {
    this.opType = node.opType ?? '';
    this.name = node.name || `${this.opType} ${node.output?.[0] ?? ''}`.trim();
    this.where = `${file}: node '${this.name}' (${this.opType})`;
  }

  private attribute(name: string, type: number): OnnxAttribute | undefined {
    const a = (this.node.attribute ?? []).find((x) => x.name === name);
    if (a && a.type !== null && a.type !== undefined && a.type !== 0 && a.type !== type) {
      throw new LrpError('E_FORMAT', `attribute '${name}' has type ${a.type}, expected ${type}`, this.where);
    }
    return a;
  }

  /** Integer attribute `name`, else `fallback`. */
  int(name: string, fallback: number): number {
    const a = this.attribute(name, ATTRIBUTE_TYPES.int);
    return a ? onnxInt(a.i, `attribute '${name}'`, this.where) : fallback;
  }

  /** Float attribute `name`, else `fallback`. */
  float(name: string, fallback: number): number {
    const a = this.attribute(name, ATTRIBUTE_TYPES.float);
    return a ? (a.f ?? 0) : fallback;
  }

  /** Integer list attribute `name`, else `undefined`. */
  ints(name: string): number[] | undefined {
    const a = this.attribute(name, ATTRIBUTE_TYPES.ints);
    return a ? (a.ints ?? []).map((v, k) => onnxInt(v, `attribute '${name}' element ${k}`, this.where)) : undefined;
  }

  /** Float list attribute `name`, else `undefined`. */
  floats(name: string): number[] | undefined {
    const a = this.attribute(name, ATTRIBUTE_TYPES.floats);
    return a ? [...(a.floats ?? [])] : undefined;
  }

  /** String attribute `name`, else `fallback`. */
  string(name: string, fallback: string): string {
    const a = this.attribute(name, ATTRIBUTE_TYPES.string);
    return a ? new TextDecoder().decode(a.s ?? new Uint8Array(0)) : fallback;
  }

  /** Tensor attribute `name` as a constant, else `undefined`. */
  tensor(name: string): Constant | undefined {
    const a = this.attribute(name, ATTRIBUTE_TYPES.tensor);
    return a?.t ? { kind: 'constant', ...readTensor(a.t, this.where) } : undefined;
  }

  /** True when the node has an attribute called `name`. */
  has(name: string): boolean {
    return (this.node.attribute ?? []).some((x) => x.name === name);
  }

  /** Input `k`, which must be present. */
  input(k: number, what: string): Value {
    const v = this.inputs[k];
    if (!v) throw new LrpError('E_FORMAT', `needs input ${k} (${what})`, this.where);
    return v;
  }

  /** Input `k` as an activation (a value depending on the model input), else `E_FORMAT`. */
  activation(k: number, what = 'data'): Activation {
    const v = this.input(k, what);
    if (v.kind !== 'activation') throw new LrpError('E_FORMAT', `input ${k} (${what}) is a constant; lrpjs expects the model's data there`, this.where);
    return v;
  }

  /** Input `k` as a constant (an initializer, a Constant node or a folded subgraph), else `E_FORMAT`. */
  constant(k: number, what: string): Constant {
    const v = this.input(k, what);
    if (v.kind !== 'constant') throw new LrpError('E_FORMAT', `input ${k} (${what}) depends on the model input; lrpjs needs a constant (initializer) there`, this.where);
    return v;
  }

  /** Optional constant input `k` (absent: `undefined`). */
  optionalConstant(k: number, what: string): Constant | undefined {
    return this.inputs[k] === undefined ? undefined : this.constant(k, what);
  }

  /** An `E_FORMAT` for a form of this op lrpjs does not import. */
  unsupported(what: string): LrpError {
    return new LrpError('E_FORMAT', `${what} is not supported`, this.where);
  }
}
