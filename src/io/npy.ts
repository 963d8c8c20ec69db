import { LrpError } from '../errors.js';
import type { DType, NdArray } from '../tensor.js';
import { ByteReader, DTYPE_BYTES, HOST_LITTLE_ENDIAN, dtypeOfArray, encodeElements, viewElements } from './byte-reader.js';
import { columnMajorToRowMajor } from './column-major.js';
import { parsePythonLiteral, type PyValue } from './python-literal.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAX_DIMS = 64;

/** Default longest header accepted, in bytes: numpy's own `max_header_size` default. */
export const DEFAULT_MAX_NPY_HEADER_BYTES = 10000;

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /** Longest header accepted in bytes (default 10,000, as `numpy.load`); longer is `E_FORMAT`. */
  readonly maxHeaderBytes?: number;
}

const KIND_TO_DTYPE: Readonly<Record<string, DType>> = {
  f4: 'float32',
  f8: 'float64',
  u1: 'uint8',
  i1: 'int8',
  b1: 'uint8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
};

const DTYPE_TO_DESCR: Readonly<Record<DType, string>> = {
  float32: '<f4',
  float64: '<f8',
  uint8: '|u1',
  int8: '|i1',
  uint16: '<u2',
  int16: '<i2',
  uint32: '<u4',
  int32: '<i4',
  int64: '<i8',
  uint64: '<u8',
};

/** What a `.npy` header says: the element type and byte order, the layout and the shape. */
export interface NpyHeader {
  readonly dtype: DType;
  /** `b1`: booleans, read as uint8 0/1. */
  readonly bool: boolean;
  readonly littleEndian: boolean;
  /** Fortran (column-major) order. */
  readonly fortran: boolean;
  readonly shape: number[];
}

/** Reads `descr`, `fortran_order` and `shape` from a parsed header dict; `fail` reports at the header. */
function interpretHeader(dict: PyValue, fail: (message: string) => never): NpyHeader {
  if (!(dict instanceof Map)) return fail('header is not a dict');
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') return fail(`header 'descr' must be a simple dtype string (structured dtypes are not supported)`);
  if (typeof fortran !== 'boolean') return fail(`header 'fortran_order' must be True or False`);
  if (!Array.isArray(shape)) return fail(`header 'shape' must be a tuple`);
  const m = /^([<>|=]?)([a-z])(\d+)$/.exec(descr);
  const dtype = m ? KIND_TO_DTYPE[`${m[2]}${m[3]}`] : undefined;
  if (!m || !dtype) return fail(`unsupported dtype '${descr}' (supported: f4 f8 u1 i1 u2 i2 u4 i4 u8 i8 b1)`);
  if (shape.length > MAX_DIMS) return fail(`shape has ${shape.length} dimensions (at most ${MAX_DIMS})`);
  let product = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return fail(`shape entry ${JSON.stringify(d)} is not a size`);
    if (d > 0) product *= d;
    if (product > Number.MAX_SAFE_INTEGER) return fail(`shape (${shape.join(', ')}) is absurdly large`);
  }
  return { dtype, bool: m[2] === 'b', littleEndian: m[1] !== '>', fortran, shape: shape as number[] };
}

/**
 * Parses the header of a `.npy` file from its first bytes (at least the magic, the version and the
 * header): the element type, layout and shape, and where the data starts. `fileSize` (the whole
 * file's length, default `bytes.length`) is checked against the size the shape needs, so a
 * truncated file is refused before anything is allocated.
 *
 * @throws LrpError `E_FORMAT` naming `where` and the byte offset
 */
export function parseNpyHeader(bytes: Uint8Array, where = 'npy', fileSize = bytes.length, options: ReadNpyOptions = {}): { header: NpyHeader; dataStart: number } {
  const r = new ByteReader(bytes, where, true);
  r.need(0, 10, 'npy magic and version');
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) r.fail('not an .npy file (bad magic string)', i);
  const major = bytes[6]!;
  if (major < 1 || major > 3) r.fail(`unsupported .npy format version ${major}.${bytes[7]}`, 6);
  const headerLen = major === 1 ? r.u16(8, 'header length') : r.u32(8, 'header length');
  const headerStart = major === 1 ? 10 : 12;
  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_NPY_HEADER_BYTES;
  if (headerLen > maxHeader) r.fail(`header length ${headerLen} exceeds the limit of ${maxHeader} bytes (maxHeaderBytes; numpy's max_header_size)`, 8);
  r.need(headerStart, headerLen, 'header');
  const raw = bytes.subarray(headerStart, headerStart + headerLen);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return r.fail('header is not valid UTF-8', headerStart);
    }
  } else {
    text = '';
    for (let i = 0; i < raw.length; i += 8192) text += String.fromCharCode(...raw.subarray(i, i + 8192));
  }
  const dict = parsePythonLiteral(text, (message, position) => r.fail(message, headerStart + position));
  const header = interpretHeader(dict, (message) => r.fail(message, headerStart));
  const dataStart = headerStart + headerLen;
  const count = header.shape.includes(0) ? 0 : header.shape.reduce((a, b) => a * b, 1);
  const available = fileSize - dataStart;
  const itemBytes = DTYPE_BYTES[header.dtype];
  if (count * itemBytes > available) {
    r.fail(`truncated: shape (${header.shape.join(', ')}) of ${header.dtype} needs ${count * itemBytes} data bytes but only ${available} are present`, dataStart);
  }
  return { header, dataStart };
}

/**
 * Reads a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0) into a C-order {@link NdArray}.
 *
 * The header dict is parsed here, Python-2 headers included (`(10000L, 1L)`). Supported dtypes are
 * f4 f8 u1 i1 u2 i2 u4 i4 u8 i8 in either byte order, and `b1` (bool) read as uint8 0/1.
 * Fortran-order arrays are transposed to C order. The declared size is checked against the bytes
 * present before anything is allocated; bytes after the data are ignored (as NumPy does). The
 * header may be at most `options.maxHeaderBytes` long (10,000 by default, numpy's limit).
 *
 * No copy where none is needed: C-order data in host byte order whose offset in `bytes.buffer` is
 * a multiple of the element size (always so for numpy's 64-byte-aligned headers on an aligned
 * buffer) comes back as a typed-array **view** on `bytes` and shares its memory; other data
 * (byte-swapped, Fortran order, bool, misaligned) is copied. The values are the same either way.
 *
 * @param bytes the whole file
 * @param where file name for messages (default `npy`)
 * @throws LrpError `E_FORMAT` naming `where` and the byte offset for any malformed or unsupported file
 */
export function readNpy(bytes: Uint8Array, where = 'npy', options: ReadNpyOptions = {}): NdArray {
  const { header, dataStart } = parseNpyHeader(bytes, where, bytes.length, options);
  const r = new ByteReader(bytes, where, true);
  const count = header.shape.includes(0) ? 0 : header.shape.reduce((a, b) => a * b, 1);
  const itemBytes = DTYPE_BYTES[header.dtype];
  const aligned = (bytes.byteOffset + dataStart) % itemBytes === 0;
  if (aligned && !header.bool && header.littleEndian === HOST_LITTLE_ENDIAN && !(header.fortran && count > 0)) {
    return { dtype: header.dtype, data: viewElements(bytes, dataStart, header.dtype, count), shape: header.shape };
  }
  let data = r.elements(dataStart, header.dtype, count, 'array data', header.littleEndian);
  if (header.bool) {
    const flags = data as Uint8Array;
    for (let i = 0; i < count; i++) if (flags[i] !== 0) flags[i] = 1;
  }
  if (header.fortran) data = columnMajorToRowMajor(data, header.shape);
  return { dtype: header.dtype, data, shape: header.shape };
}

/** The header dict text NumPy writes for `descr` and `shape`, growth padding included. */
function headerDict(descr: string, shape: readonly number[]): string {
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  // NumPy leaves room for the first axis to grow to 21 digits.
  return shape.length > 0 ? dict + ' '.repeat(Math.max(0, 21 - String(shape[0]).length)) : dict;
}

/**
 * Where the data starts: NumPy pads `prefix + dict + '\n'` with at least one space and then to a
 * multiple of 64 bytes, so a header that would end exactly on 64 gets 64 more (`_wrap_header`).
 */
function alignedHeaderEnd(prefix: number, dictLength: number): number {
  return (Math.floor((prefix + dictLength + 1) / 64) + 1) * 64;
}

/**
 * Writes an {@link NdArray} as a NumPy `.npy` file: format version 1.0 (2.0 only if the header
 * would not fit), little-endian, C order, header padded with spaces to a multiple of 64 bytes
 * exactly as current NumPy does, so the bytes equal those of `numpy.save`.
 *
 * @throws LrpError `E_SHAPE` if the data length is not the product of the shape, `E_INPUT` if the
 * data's array class does not match `dtype`
 */
export function writeNpy(a: NdArray): Uint8Array {
  for (const d of a.shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new LrpError('E_SHAPE', `cannot write shape (${a.shape.join(', ')}): bad dimension ${d}`);
  }
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (count !== a.data.length) throw new LrpError('E_SHAPE', `data has ${a.data.length} elements but shape (${a.shape.join(', ')}) needs ${count}`);
  if (dtypeOfArray(a.data) !== a.dtype) throw new LrpError('E_INPUT', `dtype is ${a.dtype} but data is a ${a.data.constructor.name}`);
  const header = npyHeaderBytes(a.dtype, a.shape);
  const body = encodeElements(a.data, true);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/**
 * The header {@link writeNpy} writes for an array of `dtype` and `shape` (magic, version, length
 * and the padded dict): what a file streamed in chunks starts with, its data following.
 */
export function npyHeaderBytes(dtype: DType, shape: readonly number[]): Uint8Array {
  const dict = headerDict(DTYPE_TO_DESCR[dtype], shape);
  let prefix = 10;
  let total = alignedHeaderEnd(prefix, dict.length);
  if (total - prefix > 0xffff) {
    prefix = 12;
    total = alignedHeaderEnd(prefix, dict.length);
  }
  const headerLen = total - prefix;
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i) & 0xff;
  return out;
}
