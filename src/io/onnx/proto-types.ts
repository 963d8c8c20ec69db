import { LrpError } from '../../errors.js';

/**
 * The parts of the ONNX protobuf messages the importer reads, as `onnx-proto`'s decoder hands them
 * over (structural types, so the package's own typings stay out of lrpjs's public types). 64-bit
 * integers arrive as numbers or `Long` objects.
 */
export type OnnxInt = number | { toString(): string };

/** `onnx.TensorProto`. */
export interface OnnxTensor {
  readonly name?: string | null;
  readonly dims?: readonly OnnxInt[] | null;
  readonly dataType?: number | null;
  readonly floatData?: readonly number[] | null;
  readonly int32Data?: readonly number[] | null;
  readonly int64Data?: readonly OnnxInt[] | null;
  readonly doubleData?: readonly number[] | null;
  readonly uint64Data?: readonly OnnxInt[] | null;
  readonly rawData?: Uint8Array | null;
  readonly dataLocation?: number | null;
}

/** `onnx.AttributeProto`. */
export interface OnnxAttribute {
  readonly name?: string | null;
  readonly type?: number | null;
  readonly f?: number | null;
  readonly i?: OnnxInt | null;
  readonly s?: Uint8Array | null;
  readonly t?: OnnxTensor | null;
  readonly floats?: readonly number[] | null;
  readonly ints?: readonly OnnxInt[] | null;
}

/** `onnx.NodeProto`. */
export interface OnnxNode {
  readonly input?: readonly string[] | null;
  readonly output?: readonly string[] | null;
  readonly name?: string | null;
  readonly opType?: string | null;
  readonly domain?: string | null;
  readonly attribute?: readonly OnnxAttribute[] | null;
}

/** `onnx.ValueInfoProto` (tensor types only). */
export interface OnnxValueInfo {
  readonly name?: string | null;
  readonly type?: {
    readonly tensorType?: {
      readonly elemType?: number | null;
      readonly shape?: { readonly dim?: readonly { readonly dimValue?: OnnxInt | null; readonly dimParam?: string | null }[] | null } | null;
    } | null;
  } | null;
}

/** `onnx.GraphProto`. */
export interface OnnxGraph {
  readonly name?: string | null;
  readonly node?: readonly OnnxNode[] | null;
  readonly initializer?: readonly OnnxTensor[] | null;
  readonly input?: readonly OnnxValueInfo[] | null;
  readonly output?: readonly OnnxValueInfo[] | null;
}

/** `onnx.ModelProto`. */
export interface OnnxModel {
  readonly irVersion?: OnnxInt | null;
  readonly opsetImport?: readonly { readonly domain?: string | null; readonly version?: OnnxInt | null }[] | null;
  readonly producerName?: string | null;
  readonly graph?: OnnxGraph | null;
}

/**
 * A protobuf integer (number or `Long`) as a number; beyond ±2^53 it is `E_FORMAT` naming `what`
 * and `where` (no dimension, axis or index of a model is that large).
 */
export function onnxInt(v: OnnxInt | null | undefined, what: string, where: string): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v.toString());
  if (!Number.isSafeInteger(n)) throw new LrpError('E_FORMAT', `${what} ${String(v)} is not an integer of at most 2^53`, where);
  return n;
}

/** A protobuf integer as a number, rounding beyond 2^53 (for data values such as Slice ends of INT64_MAX). */
export function onnxIntLoose(v: OnnxInt): number {
  return typeof v === 'number' ? v : Number(v.toString());
}
