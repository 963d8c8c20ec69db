import { LrpError } from '../errors.js';
import { describe, expectArray, expectInt, expectNumber, expectObject, expectString, field } from './tfjs-json.js';

/** tfjs weight quantization (`quantization` of a weights-manifest entry): stored ints mapped by `q·scale + min`, or float16. */
export interface TfjsQuantization {
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  readonly scale: number;
  readonly min: number;
}

/** One entry of a tfjs weights manifest (`weightSpecs`): name, shape and stored type. */
export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  readonly quantization?: TfjsQuantization;
}

/** A decoded weight: its manifest name, shape and values widened to float64. */
export interface TfjsWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float64Array;
}

/** Most dimensions a weight may have (tfjs layers use at most 4). */
const MAX_RANK = 8;

/** Bytes per stored element of a weight spec. */
export function storedElementBytes(spec: TfjsWeightSpec): number {
  const q = spec.quantization?.dtype;
  return q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4;
}

/** Number of elements of a weight shape (checked to be a safe integer by {@link parseWeightSpecs}). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function parseQuantization(v: unknown, where: string): TfjsQuantization {
  const q = expectObject(v, 'quantization', where);
  const dtype = field(q, 'dtype');
  if (dtype === 'float16') return { dtype, scale: 1, min: 0 };
  if (dtype !== 'uint8' && dtype !== 'uint16') {
    throw new LrpError('E_FORMAT', `quantization dtype ${describe(dtype)} is not supported (uint8, uint16, float16)`, where);
  }
  return { dtype, scale: expectNumber(field(q, 'scale'), 'quantization scale', where), min: expectNumber(field(q, 'min'), 'quantization min', where) };
}

/**
 * Checks a tfjs `weightSpecs` list (the `weights` of every weights-manifest group, in order): each
 * entry `{name, shape, dtype: 'float32'}`, optionally quantized (uint8, uint16, float16). Other
 * dtypes (int32, bool, string, complex64) and shapes that are not lists of non-negative integers
 * are `E_FORMAT` naming the weight and `file`.
 */
export function parseWeightSpecs(v: unknown, file: string): TfjsWeightSpec[] {
  const list = expectArray(v, 'weightSpecs', file);
  return list.map((entry, i) => {
    const o = expectObject(entry, `weight entry ${i}`, file);
    const name = expectString(field(o, 'name'), `weight entry ${i} name`, file);
    const where = `${file}: weight '${name}'`;
    const shapeList = expectArray(field(o, 'shape'), 'shape', where);
    if (shapeList.length > MAX_RANK) throw new LrpError('E_FORMAT', `shape has ${shapeList.length} dimensions (at most ${MAX_RANK})`, where);
    const shape = shapeList.map((d, k) => expectInt(d, `shape[${k}]`, where, 0));
    if (!Number.isSafeInteger(elementCount(shape))) throw new LrpError('E_FORMAT', `shape [${shape.join(', ')}] is absurdly large`, where);
    const dtype = field(o, 'dtype');
    if (dtype !== 'float32') throw new LrpError('E_FORMAT', `weight dtype ${describe(dtype)} is not supported (float32, or quantized float32)`, where);
    const q = field(o, 'quantization');
    return q === undefined || q === null ? { name, shape, dtype } : { name, shape, dtype, quantization: parseQuantization(q, where) };
  });
}

/** IEEE 754 half-precision bits to a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decodeOne(spec: TfjsWeightSpec, data: Uint8Array, offset: number): Float64Array {
  const n = elementCount(spec.shape);
  const out = new Float64Array(n);
  const view = new DataView(data.buffer, data.byteOffset + offset, n * storedElementBytes(spec));
  const q = spec.quantization;
  if (!q) for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  else if (q.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToNumber(view.getUint16(i * 2, true));
  else if (q.dtype === 'uint8') for (let i = 0; i < n; i++) out[i] = view.getUint8(i) * q.scale + q.min;
  else for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, true) * q.scale + q.min;
  return out;
}

/**
 * Decodes the weights of `specs` from `data` (all shards concatenated, little-endian, entries back
 * to back in manifest order as tfjs writes them), widened to float64 and dequantized. The sizes are
 * checked against the bytes present before anything is allocated: short data is `E_FORMAT` naming
 * the first weight that does not fit (and `owner(name)`, its layer), extra bytes are `E_FORMAT` too.
 * Non-finite values are `E_FORMAT` naming the weight. A name given twice is `E_FORMAT`.
 */
export function decodeWeights(specs: readonly TfjsWeightSpec[], data: Uint8Array, file: string, owner: (name: string) => string): Map<string, TfjsWeight> {
  let need = 0;
  for (const spec of specs) {
    const bytes = elementCount(spec.shape) * storedElementBytes(spec);
    if (need + bytes > data.length) {
      throw new LrpError(
        'E_FORMAT',
        `weight data too short: weight '${spec.name}' of ${owner(spec.name)} needs bytes ${need} to ${need + bytes}, the weight data holds ${data.length} bytes`,
        file,
      );
    }
    need += bytes;
  }
  if (need !== data.length) throw new LrpError('E_FORMAT', `weight data holds ${data.length} bytes, the manifest describes ${need}`, file);
  const out = new Map<string, TfjsWeight>();
  let offset = 0;
  for (const spec of specs) {
    if (out.has(spec.name)) throw new LrpError('E_FORMAT', `weight '${spec.name}' is listed twice in the manifest`, file);
    const values = decodeOne(spec, data, offset);
    const bad = values.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new LrpError('E_FORMAT', `weight '${spec.name}' of ${owner(spec.name)} holds a non-finite value at element ${bad}`, file);
    out.set(spec.name, { name: spec.name, shape: spec.shape, values });
    offset += values.length * storedElementBytes(spec);
  }
  return out;
}
