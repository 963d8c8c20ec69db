import { LrpError } from '../errors.js';
import type { DType, NdArray } from '../tensor.js';
import { ByteReader, DTYPE_BYTES, convertElements } from './byte-reader.js';
import { columnMajorToRowMajor } from './column-major.js';
import { DEFAULT_MAX_INFLATED_BYTES, inflateElement } from './mat-inflate.js';
import { MAT_CLASS_DTYPE, MAT_TYPE_DTYPE, MI_COMPRESSED, MI_MATRIX } from './mat-types.js';

export { writeMat, type WriteMatOptions } from './mat-writer.js';

const MAX_DIMS = 64;

const OTHER_CLASSES: Readonly<Record<number, string>> = {
  1: 'cell array',
  2: 'struct',
  3: 'object',
  4: 'char array',
  5: 'sparse matrix',
  16: 'function handle',
  17: 'opaque object',
};

/** Options of {@link readMat}. */
export interface ReadMatOptions {
  /** Largest inflated size accepted for one compressed variable, in bytes (default 1 GiB). */
  maxInflatedBytes?: number;
}

/** A variable lrpjs does not read (non-numeric or complex), with the reason. */
interface Skipped {
  name: string;
  kind: string;
}

interface Tag {
  type: number;
  nbytes: number;
  data: number;
  next: number;
}

/** Reads the data element tag at `pos` (normal or 4-byte small format), checking its data is present. */
function readTag(r: ByteReader, pos: number, what: string): Tag {
  const first = r.u32(pos, `${what} tag`);
  if (first >>> 16 !== 0) {
    const nbytes = first >>> 16;
    if (nbytes > 4) r.fail(`${what}: small data element claims ${nbytes} bytes (at most 4)`, pos);
    r.need(pos, 8, `${what} small element`);
    return { type: first & 0xffff, nbytes, data: pos + 4, next: pos + 8 };
  }
  const nbytes = r.u32(pos + 4, `${what} tag`);
  r.need(pos + 8, nbytes, `${what} (${nbytes} bytes declared)`);
  return { type: first, nbytes, data: pos + 8, next: pos + 8 + Math.ceil(nbytes / 8) * 8 };
}

/** Reads one sub-element of a matrix element, checking it stays inside the matrix (`end`). */
function subTag(r: ByteReader, pos: number, end: number, what: string, types: readonly number[]): Tag {
  if (pos + 8 > end) r.fail(`matrix element ends before its ${what}`, pos);
  const tag = readTag(r, pos, what);
  if (tag.data + tag.nbytes > end) r.fail(`${what} overruns its matrix element`, pos);
  if (!types.includes(tag.type)) r.fail(`${what} has data type ${tag.type}, expected ${types.join(' or ')}`, pos);
  return tag;
}

/** Parses a miMATRIX element whose contents span [start, end): a numeric array or a skipped variable. */
function readMatrix(r: ByteReader, start: number, end: number): { name: string; array?: NdArray; skipped?: Skipped } {
  const flagsTag = subTag(r, start, end, 'array flags', [6]);
  if (flagsTag.nbytes !== 8) r.fail(`array flags hold ${flagsTag.nbytes} bytes, expected 8`, start);
  const flags = r.u32(flagsTag.data);
  const cls = flags & 0xff;
  const complex = (flags & 0x800) !== 0;
  const dimsTag = subTag(r, flagsTag.next, end, 'dimensions', [5]);
  const ndims = dimsTag.nbytes / 4;
  if (!Number.isInteger(ndims) || ndims < 1 || ndims > MAX_DIMS) r.fail(`dimensions hold ${dimsTag.nbytes} bytes`, flagsTag.next);
  const shape: number[] = [];
  let numel = 1;
  for (let k = 0; k < ndims; k++) {
    const d = r.i32(dimsTag.data + 4 * k, 'dimension');
    if (d < 0) r.fail(`dimension ${k} is negative (${d})`, dimsTag.data + 4 * k);
    shape.push(d);
    numel *= d;
  }
  const nameTag = subTag(r, dimsTag.next, end, 'array name', [1, 2, 16]);
  let name = '';
  for (let i = 0; i < nameTag.nbytes; i++) name += String.fromCharCode(r.bytes[nameTag.data + i]!);
  const dtype: DType | undefined = MAT_CLASS_DTYPE[cls];
  if (!dtype || complex) {
    const kind = complex ? 'complex array' : (OTHER_CLASSES[cls] ?? `array of unknown class ${cls}`);
    if (!dtype && !OTHER_CLASSES[cls]) r.fail(`variable '${name}' has unknown class ${cls}`, start);
    return { name, skipped: { name, kind } };
  }
  const dataTag = subTag(r, nameTag.next, end, `data of variable '${name}'`, Object.keys(MAT_TYPE_DTYPE).map(Number));
  const stored = MAT_TYPE_DTYPE[dataTag.type]!;
  if (dataTag.nbytes !== numel * DTYPE_BYTES[stored]) {
    r.fail(`variable '${name}' of shape [${shape.join(', ')}] needs ${numel * DTYPE_BYTES[stored]} bytes of ${stored} but holds ${dataTag.nbytes}`, nameTag.next);
  }
  const raw = r.elements(dataTag.data, stored, numel, `data of variable '${name}'`);
  const data = columnMajorToRowMajor(convertElements(raw, dtype, `${r.where}, byte ${dataTag.data}, variable '${name}'`), shape);
  return { name, array: { dtype, data, shape } };
}

/** Parses a whole MAT file: numeric variables and the variables skipped. */
function parseMat(bytes: Uint8Array, where: string, options: ReadMatOptions): { vars: Map<string, NdArray>; skipped: Skipped[] } {
  const head = new ByteReader(bytes, where);
  head.need(0, 128, 'MAT-file header');
  const mark = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (mark !== 'IM' && mark !== 'MI') head.fail('not a MAT-file Level 5 (no IM/MI endian mark)', 126);
  const r = new ByteReader(bytes, where, mark === 'IM');
  const version = r.u16(124, 'version');
  if (version === 0x0200) r.fail('MAT-file v7.3 (HDF5) is not supported; save with -v7 or -v6', 124);
  if (version !== 0x0100) r.fail(`unsupported MAT-file version 0x${version.toString(16)}`, 124);
  const vars = new Map<string, NdArray>();
  const skipped: Skipped[] = [];
  const maxBytes = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  let pos = 128;
  while (pos < bytes.length) {
    const tag = readTag(r, pos, 'variable');
    let result: ReturnType<typeof readMatrix>;
    if (tag.type === MI_COMPRESSED && tag.data === pos + 8) {
      const inflated = inflateElement(r, tag.data, tag.nbytes, maxBytes);
      const inner = new ByteReader(inflated, `${where} (compressed variable at byte ${pos}, inflated)`, r.littleEndian);
      const innerTag = readTag(inner, 0, 'variable');
      if (innerTag.type !== MI_MATRIX) inner.fail(`compressed element holds data type ${innerTag.type}, expected a matrix (14)`, 0);
      result = readMatrix(inner, innerTag.data, innerTag.data + innerTag.nbytes);
      pos = tag.data + tag.nbytes;
    } else if (tag.type === MI_MATRIX && tag.data === pos + 8) {
      result = readMatrix(r, tag.data, tag.data + tag.nbytes);
      pos = tag.next;
    } else {
      return r.fail(`expected a matrix (14) or compressed (15) element, found data type ${tag.type}`, pos);
    }
    if (result.array) vars.set(result.name, result.array);
    else if (result.skipped) skipped.push(result.skipped);
  }
  return { vars, skipped };
}

/**
 * Reads a MATLAB MAT-file Level 5 (v5/v6/v7, compressed or not, either byte order) and returns its
 * real numeric variables by name, each converted to its MATLAB class (a double stored as uint8
 * comes back as float64) and to C order with MATLAB's dimensions (at least 2-D).
 *
 * Variables that are not real numeric arrays (char, cell, struct, sparse, complex, objects) are
 * skipped; a file holding only such variables is an `E_FORMAT` error naming them. Declared sizes
 * are checked against the bytes present before allocating; compressed variables inflate to at most
 * their declared size (and at most `maxInflatedBytes`).
 *
 * @param bytes the whole file
 * @param where file name for messages (default `mat`)
 * @throws LrpError `E_FORMAT` naming `where`, the byte offset and the variable at fault
 */
export function readMat(bytes: Uint8Array, where = 'mat', options: ReadMatOptions = {}): Map<string, NdArray> {
  const { vars, skipped } = parseMat(bytes, where, options);
  if (vars.size === 0 && skipped.length > 0) {
    throw new LrpError('E_FORMAT', `no numeric variable; lrpjs reads only real numeric arrays: ${skipped.map((s) => `'${s.name}' is a ${s.kind}`).join(', ')}`, where);
  }
  return vars;
}

/**
 * Reads one variable (default `data`, the toolbox's name) of a MAT-file Level 5; see {@link readMat}.
 *
 * @throws LrpError `E_FORMAT` if the variable is missing (listing the variables present) or not a
 * real numeric array, or if the file is malformed
 */
export function readMatVariable(bytes: Uint8Array, name = 'data', where = 'mat', options: ReadMatOptions = {}): NdArray {
  const { vars, skipped } = parseMat(bytes, where, options);
  const found = vars.get(name);
  if (found) return found;
  const other = skipped.find((s) => s.name === name);
  if (other) throw new LrpError('E_FORMAT', `variable '${name}' is a ${other.kind}; lrpjs reads only real numeric arrays`, where);
  const present = [...vars.keys(), ...skipped.map((s) => s.name)];
  throw new LrpError('E_FORMAT', `no variable '${name}' (variables present: ${present.length ? present.map((n) => `'${n}'`).join(', ') : 'none'})`, where);
}
