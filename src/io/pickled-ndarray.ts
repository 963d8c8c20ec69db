import { LrpError } from '../errors.js';
import { HOST_LITTLE_ENDIAN } from './byte-reader.js';
import { columnMajorToRowMajor } from './column-major.js';
import { PickleObject, type PickleValue } from './pickle.js';
import { latin1 } from './pickle-protocol0.js';

/** Decoding state shared by the arrays of one file: bytes decoded so far may not exceed the file size. */
export interface ArrayBudget {
  left: number;
}

/** A pickled numpy array decoded to float64, C order. */
export interface DecodedArray {
  /** The elements; a view on the pickle's bytes where they are aligned f8 in host order (see {@link decodePickledArray}). */
  readonly data: Float64Array;
  readonly shape: number[];
}

function fail(message: string, where: string): never {
  throw new LrpError('E_FORMAT', message, where);
}

function text(v: PickleValue | undefined): string | undefined {
  return v instanceof Uint8Array ? latin1(v) : typeof v === 'string' ? v : undefined;
}

/** A tuple of non-negative integers (shape, stride, pool), else `E_FORMAT` naming `what`. */
export function intList(v: PickleValue | undefined, what: string, where: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0)) {
    return fail(`${what} is not a tuple of non-negative integers`, where);
  }
  return v as number[];
}

function latinBytes(s: string, where: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) fail('numpy array data holds a character outside latin-1', where);
    out[i] = c;
  }
  return out;
}

/** The pieces of a pickled array, whichever way numpy wrote it. */
interface ArrayParts {
  shape: PickleValue | undefined;
  dtype: PickleValue | undefined;
  fortran: boolean;
  raw: PickleValue | undefined;
}

/**
 * `_reconstruct(ndarray, (0,), b'b')` + `BUILD (version, shape, dtype, is_fortran, rawdata)` (all
 * protocols, numpy 1.x `numpy.core` and 2.x `numpy._core`), or protocol 5's
 * `_frombuffer(buffer, dtype, shape, order)` whose in-band buffer is a `BYTEARRAY8`.
 */
function arrayParts(v: PickleValue | undefined, where: string): ArrayParts {
  if (v instanceof PickleObject && v.cls.name === '_frombuffer' && v.state === undefined) {
    if (v.args.length !== 4) fail('numpy _frombuffer needs (buffer, dtype, shape, order)', where);
    const [raw, dtype, shape, orderV] = v.args;
    const order = text(orderV);
    if (order !== 'C' && order !== 'F') fail(`numpy _frombuffer order ${JSON.stringify(order)} is not 'C' or 'F'`, where);
    return { shape, dtype, fortran: order === 'F', raw };
  }
  if (!(v instanceof PickleObject) || (v.cls.name !== '_reconstruct' && v.cls.name !== 'ndarray')) return fail('is not a numpy array', where);
  const st = v.state;
  if (!Array.isArray(st) || (st.length !== 5 && st.length !== 4)) return fail('numpy array has no (version, shape, dtype, fortran, data) state', where);
  const [shape, dtype, fortranV, raw] = st.length === 5 ? st.slice(1) : st;
  return { shape, dtype, fortran: fortranV === true || fortranV === 1, raw };
}

/**
 * Decodes a pickled numpy array to float64 in C order. dtype `f8` or `f4` (widened), either byte
 * order, C or Fortran order (reordered); raw data as bytes, a bytearray or a latin-1 string.
 *
 * No copy where none is needed: C-order `f8` data in host byte order at an 8-byte-aligned offset
 * of its buffer comes back as a `Float64Array` **view** on the pickle's bytes (so it shares their
 * memory, as a numpy array built with `frombuffer` would); everything else is converted into a
 * new array. The values are the same either way. `budget` caps the bytes decoded per file, so
 * arrays shared through the memo cannot multiply the memory.
 */
export function decodePickledArray(v: PickleValue | undefined, what: string, where: string, budget: ArrayBudget): DecodedArray {
  const at = `${where}, ${what}`;
  const parts = arrayParts(v, at);
  const shape = intList(parts.shape, 'array shape', at);
  const size = shape.reduce((a, b) => a * b, 1);
  const dtypeV = parts.dtype;
  if (!(dtypeV instanceof PickleObject) || dtypeV.cls.name !== 'dtype') return fail('numpy array has no dtype', at);
  const kind = text(dtypeV.args[0]);
  const item = kind === 'f8' ? 8 : kind === 'f4' ? 4 : fail(`numpy dtype ${JSON.stringify(kind)} is not supported (need f8 or f4)`, at);
  const dstate = dtypeV.state;
  const order = Array.isArray(dstate) ? text(dstate[1]) ?? '<' : '<';
  if (!['<', '>', '|', '='].includes(order)) fail(`numpy byte order ${JSON.stringify(order)} is not supported`, at);
  const raw = parts.raw;
  const bytes = raw instanceof Uint8Array ? raw : typeof raw === 'string' ? latinBytes(raw, at) : fail('numpy array data is not a byte string', at);
  if (!Number.isSafeInteger(size * item) || bytes.length !== size * item) {
    fail(`numpy array of shape (${shape.join(', ')}) needs ${size * item} bytes of data, got ${bytes.length}`, at);
  }
  budget.left -= bytes.length;
  if (budget.left < 0) fail('arrays add up to more bytes than the file holds (shared arrays are not supported)', at);
  const little = order === '>' ? false : order === '<' ? true : HOST_LITTLE_ENDIAN;
  const multiD = shape.filter((d) => d !== 1).length > 1;
  if (item === 8 && little === HOST_LITTLE_ENDIAN && bytes.byteOffset % 8 === 0 && !(parts.fortran && multiD)) {
    return { data: new Float64Array(bytes.buffer, bytes.byteOffset, size), shape };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let data: Float64Array = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = item === 8 ? view.getFloat64(8 * i, little) : view.getFloat32(4 * i, little);
  if (parts.fortran) data = columnMajorToRowMajor(data, shape) as Float64Array;
  return { data, shape };
}
