import { LrpError } from '../../errors.js';
import { showShape } from '../../tensor.js';
import { type OnnxTensor, onnxInt, onnxIntLoose } from './proto-types.js';

/** A constant of the graph: an initializer, a Constant node or a folded subgraph. Data in C order, as numbers. */
export interface ConstTensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
  /** Integer element type (INT64, INT32, ...): division truncates, casts to it round toward zero. */
  readonly integer: boolean;
}

/** Most elements one constant may hold (2^28, 2 GiB in float64): more is an absurd file. */
export const MAX_CONST_ELEMENTS = 2 ** 28;

/** ONNX `TensorProto.DataType` codes the importer reads, with their byte sizes. */
const DATA_TYPES: Readonly<Record<number, { readonly name: string; readonly bytes: number; readonly integer: boolean }>> = {
  1: { name: 'FLOAT', bytes: 4, integer: false },
  2: { name: 'UINT8', bytes: 1, integer: true },
  3: { name: 'INT8', bytes: 1, integer: true },
  4: { name: 'UINT16', bytes: 2, integer: true },
  5: { name: 'INT16', bytes: 2, integer: true },
  6: { name: 'INT32', bytes: 4, integer: true },
  7: { name: 'INT64', bytes: 8, integer: true },
  9: { name: 'BOOL', bytes: 1, integer: true },
  10: { name: 'FLOAT16', bytes: 2, integer: false },
  11: { name: 'DOUBLE', bytes: 8, integer: false },
  12: { name: 'UINT32', bytes: 4, integer: true },
  16: { name: 'BFLOAT16', bytes: 2, integer: false },
};

/** Checked element count of `dims`: each a non-negative integer, the product at most {@link MAX_CONST_ELEMENTS}. */
export function elementCount(dims: readonly number[], what: string, where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new LrpError('E_FORMAT', `${what} has dimension ${d} (shape ${showShape(dims)})`, where);
    n *= d;
  }
  if (n > MAX_CONST_ELEMENTS) throw new LrpError('E_FORMAT', `${what} has an absurd shape ${showShape(dims)} (${n} elements, at most ${MAX_CONST_ELEMENTS})`, where);
  return n;
}

/** IEEE half precision bits as a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Reads `n` little-endian elements of type `code` from raw bytes. */
function fromRaw(raw: Uint8Array, code: number, n: number): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    switch (code) {
      case 1: out[k] = view.getFloat32(4 * k, true); break;
      case 2: case 9: out[k] = view.getUint8(k); break;
      case 3: out[k] = view.getInt8(k); break;
      case 4: out[k] = view.getUint16(2 * k, true); break;
      case 5: out[k] = view.getInt16(2 * k, true); break;
      case 6: out[k] = view.getInt32(4 * k, true); break;
      case 7: out[k] = Number(view.getBigInt64(8 * k, true)); break;
      case 10: out[k] = halfToNumber(view.getUint16(2 * k, true)); break;
      case 11: out[k] = view.getFloat64(8 * k, true); break;
      case 12: out[k] = view.getUint32(4 * k, true); break;
      case 16: out[k] = new Float32Array(new Uint32Array([view.getUint16(2 * k, true) << 16]).buffer)[0]!; break;
      default: break;
    }
  }
  return out;
}

/** The typed field holding the values of type `code` when there are no raw bytes. */
function fromFields(t: OnnxTensor, code: number): readonly (number | { toString(): string })[] {
  switch (code) {
    case 1: return t.floatData ?? [];
    case 11: return t.doubleData ?? [];
    case 7: return t.int64Data ?? [];
    case 12: return t.uint64Data ?? [];
    default: return t.int32Data ?? []; // int8/16/32, uint8/16, bool, float16 bits (ONNX stores these in int32_data)
  }
}

/**
 * An ONNX tensor as a {@link ConstTensor}: float32, float16, bfloat16 and float64 as numbers, the
 * integer types for shapes and axes. Data in `raw_data` (little endian) or the typed fields; the
 * element count is checked against the dims before anything is allocated, and the bytes present
 * must hold exactly that many elements. External data, strings and other types are `E_FORMAT`
 * naming the tensor and `where`.
 */
export function readTensor(t: OnnxTensor, where: string): ConstTensor {
  const what = `tensor '${t.name ?? ''}'`;
  const code = t.dataType ?? 0;
  const type = DATA_TYPES[code];
  if (t.dataLocation === 1) throw new LrpError('E_FORMAT', `${what} keeps its data in an external file; save the model with all tensors inside it (onnx.save(model, path, save_as_external_data=False))`, where);
  if (!type) throw new LrpError('E_FORMAT', `${what} has data type ${code}, not a number type lrpjs reads (float, float16, bfloat16, double, integers, bool)`, where);
  const dims = (t.dims ?? []).map((d, k) => onnxInt(d, `${what} dimension ${k}`, where));
  const n = elementCount(dims, what, where);
  const raw = t.rawData;
  let data: Float64Array;
  if (raw && raw.length > 0) {
    if (raw.length !== n * type.bytes) {
      throw new LrpError('E_FORMAT', `${what} of shape ${showShape(dims)} (${type.name}) needs ${n * type.bytes} bytes of raw data, has ${raw.length}`, where);
    }
    data = fromRaw(raw, code, n);
  } else {
    const values = fromFields(t, code);
    if (values.length !== n) throw new LrpError('E_FORMAT', `${what} of shape ${showShape(dims)} (${type.name}) needs ${n} values, has ${values.length}`, where);
    data = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const v = values[k]!;
      data[k] = code === 10 ? halfToNumber(Number(v)) : code === 16 ? new Float32Array(new Uint32Array([Number(v) << 16]).buffer)[0]! : onnxIntLoose(v);
    }
  }
  return { dims, data, integer: type.integer };
}
