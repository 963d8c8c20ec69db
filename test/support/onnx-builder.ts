import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import * as ort from 'onnxruntime-web';

const { onnx } = onnxProto;

/** A tensor for an initializer or a tensor attribute: dims, values, and the ONNX type (default FLOAT). */
export interface TensorSpec {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
  /** 1 FLOAT (default), 7 INT64, 6 INT32, 10 FLOAT16, 11 DOUBLE, 16 BFLOAT16 (raw only). */
  readonly type?: number;
  /** Write the values as raw little-endian bytes (default) or in the typed field. */
  readonly raw?: boolean;
}

/** An attribute value: an integer (INT), other numbers (FLOAT), integer lists (INTS), strings, or tagged forms. */
export type AttrSpec = number | readonly number[] | string | { readonly f: number } | { readonly floats: readonly number[] } | { readonly tensor: TensorSpec };

/** One node: op type, inputs ('' for an omitted optional one), outputs, name, attributes. */
export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attrs?: Readonly<Record<string, AttrSpec>>;
}

/** A graph: one input and output (dims: numbers, or strings for dynamic axes), nodes, initializers, opset. */
export interface GraphSpec {
  readonly input: { readonly name: string; readonly dims: readonly (number | string)[] };
  readonly output: { readonly name: string; readonly dims?: readonly (number | string)[] };
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: Readonly<Record<string, TensorSpec>>;
  readonly opset?: number;
  /** Extra graph inputs or outputs (for the malformed-file tests). */
  readonly extraInputs?: readonly { readonly name: string; readonly dims: readonly (number | string)[] }[];
}

function half(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const frac = (u >>> 13) & 0x3ff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | frac;
}

function rawBytes(data: ArrayLike<number>, type: number): Uint8Array {
  const n = data.length;
  const size = { 1: 4, 6: 4, 7: 8, 10: 2, 11: 8, 16: 2 }[type as 1] ?? 4;
  const view = new DataView(new ArrayBuffer(n * size));
  for (let k = 0; k < n; k++) {
    const v = data[k]!;
    if (type === 1) view.setFloat32(4 * k, v, true);
    else if (type === 6) view.setInt32(4 * k, v, true);
    else if (type === 7) view.setBigInt64(8 * k, BigInt(v), true);
    else if (type === 10) view.setUint16(2 * k, half(v), true);
    else if (type === 16) view.setUint16(2 * k, new Uint32Array(new Float32Array([v]).buffer)[0]! >>> 16, true);
    else view.setFloat64(8 * k, v, true);
  }
  return new Uint8Array(view.buffer);
}

/** An `onnx.TensorProto` for `spec`. */
export function tensorProto(name: string, spec: TensorSpec): OnnxTypes.TensorProto {
  const type = spec.type ?? 1;
  const values = Array.from(spec.data);
  const fields =
    spec.raw === false
      ? type === 1
        ? { floatData: values }
        : type === 11
          ? { doubleData: values }
          : type === 7
            ? { int64Data: values }
            : type === 10
              ? { int32Data: values.map(half) }
              : { int32Data: values }
      : { rawData: rawBytes(values, type) };
  return onnx.TensorProto.create({ name, dims: [...spec.dims], dataType: type, ...fields });
}

function attribute(name: string, v: AttrSpec): OnnxTypes.AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return Number.isInteger(v) ? onnx.AttributeProto.create({ name, type: T.INT, i: v }) : onnx.AttributeProto.create({ name, type: T.FLOAT, f: v });
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...v] });
  if ('f' in v) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.f });
  if ('floats' in v) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...v.floats] });
  return onnx.AttributeProto.create({ name, type: T.TENSOR, t: tensorProto('', (v as { tensor: TensorSpec }).tensor) });
}

function valueInfo(name: string, dims: readonly (number | string)[] | undefined): OnnxTypes.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: 1, ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } : {}) } },
  });
}

/** The decoded-form ModelProto of `g` (for tests that corrupt it before encoding). */
export function modelProto(g: GraphSpec): OnnxTypes.ModelProto {
  const graph = onnx.GraphProto.create({
    name: 'test',
    node: g.nodes.map((n, k) =>
      onnx.NodeProto.create({
        opType: n.op,
        input: [...n.inputs],
        output: [...n.outputs],
        name: n.name ?? `${n.op.toLowerCase()}_${k}`,
        domain: n.domain ?? '',
        attribute: Object.entries(n.attrs ?? {}).map(([k2, v]) => attribute(k2, v)),
      }),
    ),
    initializer: Object.entries(g.initializers ?? {}).map(([name, t]) => tensorProto(name, t)),
    input: [valueInfo(g.input.name, g.input.dims), ...(g.extraInputs ?? []).map((i) => valueInfo(i.name, i.dims))],
    output: [valueInfo(g.output.name, g.output.dims)],
  });
  return onnx.ModelProto.create({ irVersion: 8, producerName: 'lrpjs-test', opsetImport: [{ domain: '', version: g.opset ?? 13 }], graph });
}

/** The bytes of an ONNX file for `g`. */
export function onnxBytes(g: GraphSpec): Uint8Array {
  return onnx.ModelProto.encode(modelProto(g)).finish();
}

/** Encodes a (possibly hand-modified) ModelProto. */
export function encodeModel(m: OnnxTypes.ModelProto): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}

/** Runs `bytes` in onnxruntime-web (wasm execution provider, one thread) on a float32 input; the output as float64. */
export async function ortForward(bytes: Uint8Array, inputName: string, data: ArrayLike<number>, dims: readonly number[]): Promise<{ data: Float64Array; dims: readonly number[] }> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const out = await session.run({ [inputName]: new ort.Tensor('float32', Float32Array.from(data), [...dims]) });
    const t = out[session.outputNames[0]!]!;
    return { data: Float64Array.from(t.data as Float32Array), dims: t.dims };
  } finally {
    await session.release();
  }
}
