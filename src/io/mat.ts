import { LrpError } from '../errors.js';
import type { DType, NdArray } from '../tensor.js';
import { ByteReader, DTYPE_BYTES, convertElements } from './byte-reader.js';
import { columnMajorToRowMajor } from './column-major.js';
import { DEFAULT_MAX_INFLATED_BYTES, HEADER_PEEK_BYTES, inflateElement, inflatePrefix } from './mat-inflate.js';
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

/** Options of {@link readMat}, {@link readMatVariable} and {@link readMatData}. */
export interface ReadMatOptions {
  /** Most bytes inflated in total by one read, headers of skipped variables included (default 1 GiB). */
  maxInflatedBytes?: number;
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

/** What a matrix element's header says: name, class, shape; where its data sub-element starts. */
interface MatrixHeader {
  name: string;
  shape: number[];
  numel: number;
  /** The numeric class, or `undefined` for a variable lrpjs skips. */
  dtype: DType | undefined;
  /** Why it is skipped (`'complex array'`, `'struct'`, ...), where it is. */
  skipped: string | undefined;
  /** Offset of the data sub-element. */
  dataAt: number;
}

/** Parses the flags, dimensions and name of a miMATRIX element whose contents span [start, end). */
function readMatrixHeader(r: ByteReader, start: number, end: number): MatrixHeader {
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
  if (!dtype && !OTHER_CLASSES[cls]) r.fail(`variable '${name}' has unknown class ${cls}`, start);
  const skipped = complex ? 'complex array' : dtype ? undefined : OTHER_CLASSES[cls];
  return { name, shape, numel, dtype: skipped ? undefined : dtype, skipped, dataAt: nameTag.next };
}

/** Reads the data of a numeric matrix element (header `h`, contents ending at `end`), C order. */
function readMatrixData(r: ByteReader, h: MatrixHeader, end: number): NdArray {
  const { name, shape, numel } = h;
  const dtype = h.dtype!;
  const dataTag = subTag(r, h.dataAt, end, `data of variable '${name}'`, Object.keys(MAT_TYPE_DTYPE).map(Number));
  const stored = MAT_TYPE_DTYPE[dataTag.type]!;
  if (dataTag.nbytes !== numel * DTYPE_BYTES[stored]) {
    r.fail(`variable '${name}' of shape [${shape.join(', ')}] needs ${numel * DTYPE_BYTES[stored]} bytes of ${stored} but holds ${dataTag.nbytes}`, h.dataAt);
  }
  const raw = r.elements(dataTag.data, stored, numel, `data of variable '${name}'`);
  const data = columnMajorToRowMajor(convertElements(raw, dtype, `${r.where}, byte ${dataTag.data}, variable '${name}'`), shape);
  return { dtype, data, shape };
}

/** One top-level variable of a MAT file, found by its header alone (nothing inflated past it). */
interface MatEntry {
  header: MatrixHeader;
  /** Offset of the variable's element in the file. */
  at: number;
  /** Its tag. */
  tag: Tag;
  compressed: boolean;
}

/** The inflate budget of one read: bytes left for decompression in total. */
interface InflateBudget {
  left: number;
  readonly total: number;
}

/** Where messages about the inflated contents of the compressed element at `at` point. */
const inflatedWhere = (where: string, at: number): string => `${where} (compressed variable at byte ${at}, inflated)`;

/**
 * Lists the variables of a MAT file from their headers. A compressed variable is inflated only as
 * far as its header (at most {@link HEADER_PEEK_BYTES}), so variables that are not read later cost
 * nothing but their header; the peeks count against `budget`.
 */
function scanMat(bytes: Uint8Array, where: string, budget: InflateBudget): { r: ByteReader; entries: MatEntry[] } {
  const head = new ByteReader(bytes, where);
  head.need(0, 128, 'MAT-file header');
  const mark = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (mark !== 'IM' && mark !== 'MI') head.fail('not a MAT-file Level 5 (no IM/MI endian mark)', 126);
  const r = new ByteReader(bytes, where, mark === 'IM');
  const version = r.u16(124, 'version');
  if (version === 0x0200) r.fail('MAT-file v7.3 (HDF5) is not supported; save with -v7 or -v6', 124);
  if (version !== 0x0100) r.fail(`unsupported MAT-file version 0x${version.toString(16)}`, 124);
  const entries: MatEntry[] = [];
  let pos = 128;
  while (pos < bytes.length) {
    const tag = readTag(r, pos, 'variable');
    if (tag.type === MI_COMPRESSED && tag.data === pos + 8) {
      if (budget.left < 64) r.fail(`the read's inflate budget of ${budget.total} bytes is spent (maxInflatedBytes)`, pos);
      const prefix = inflatePrefix(r, tag.data, tag.nbytes, Math.min(HEADER_PEEK_BYTES, budget.left));
      budget.left -= prefix.length;
      const inner = new ByteReader(prefix, inflatedWhere(where, pos), r.littleEndian);
      const type = inner.u32(0, 'variable tag');
      if (type !== MI_MATRIX) inner.fail(`compressed element holds data type ${type}, expected a matrix (14)`, 0);
      const end = 8 + inner.u32(4, 'variable tag');
      entries.push({ header: readMatrixHeader(inner, 8, end), at: pos, tag, compressed: true });
      pos = tag.data + tag.nbytes;
    } else if (tag.type === MI_MATRIX && tag.data === pos + 8) {
      entries.push({ header: readMatrixHeader(r, tag.data, tag.data + tag.nbytes), at: pos, tag, compressed: false });
      pos = tag.next;
    } else {
      return r.fail(`expected a matrix (14) or compressed (15) element, found data type ${tag.type}`, pos);
    }
  }
  return { r, entries };
}

/** Reads the data of one numeric variable found by {@link scanMat}, inflating it within `budget`. */
function readEntry(r: ByteReader, e: MatEntry, budget: InflateBudget): NdArray {
  if (!e.compressed) return readMatrixData(r, e.header, e.tag.data + e.tag.nbytes);
  const inflated = inflateElement(r, e.tag.data, e.tag.nbytes, budget.left, budget.total);
  budget.left -= inflated.length;
  const inner = new ByteReader(inflated, inflatedWhere(r.where, e.at), r.littleEndian);
  const innerTag = readTag(inner, 0, 'variable');
  const end = innerTag.data + innerTag.nbytes;
  return readMatrixData(inner, readMatrixHeader(inner, innerTag.data, end), end);
}

/** Scans a file and reads the variables `pick` chooses from the entries (by position). */
function readSome(bytes: Uint8Array, where: string, options: ReadMatOptions, pick: (entries: readonly MatEntry[]) => readonly MatEntry[]): { vars: Map<string, NdArray>; entries: MatEntry[] } {
  const total = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  const budget: InflateBudget = { left: total, total };
  const { r, entries } = scanMat(bytes, where, budget);
  const vars = new Map<string, NdArray>();
  for (const e of pick(entries)) vars.set(e.header.name, readEntry(r, e, budget));
  return { vars, entries };
}

const numeric = (e: MatEntry): boolean => e.header.dtype !== undefined;
/** The last numeric variable of each name (a later variable of the same name replaces an earlier one). */
const lastOf = (entries: readonly MatEntry[], name: string): MatEntry | undefined => entries.filter((e) => numeric(e) && e.header.name === name).pop();
const describeSkipped = (entries: readonly MatEntry[]): string => entries.filter((e) => !numeric(e)).map((e) => `'${e.header.name}' is a ${e.header.skipped}`).join(', ');

/**
 * Reads a MATLAB MAT-file Level 5 (v5/v6/v7, compressed or not, either byte order) and returns its
 * real numeric variables by name, each converted to its MATLAB class (a double stored as uint8
 * comes back as float64) and to C order with MATLAB's dimensions (at least 2-D).
 *
 * Variables that are not real numeric arrays (char, cell, struct, sparse, complex, objects) are
 * skipped (only their headers are inflated); a file holding only such variables is an `E_FORMAT`
 * error naming them. Declared sizes are checked against the bytes present before allocating;
 * compressed variables inflate to at most their declared size, and all the inflating of one read
 * to at most `maxInflatedBytes` in total (default 1 GiB).
 *
 * @param bytes the whole file
 * @param where file name for messages (default `mat`)
 * @throws LrpError `E_FORMAT` naming `where`, the byte offset and the variable at fault
 */
export function readMat(bytes: Uint8Array, where = 'mat', options: ReadMatOptions = {}): Map<string, NdArray> {
  const { vars, entries } = readSome(bytes, where, options, (all) => all.filter(numeric));
  if (vars.size === 0 && entries.length > 0) {
    throw new LrpError('E_FORMAT', `no numeric variable; lrpjs reads only real numeric arrays: ${describeSkipped(entries)}`, where);
  }
  return vars;
}

/**
 * Reads one variable (default `data`, the toolbox's name) of a MAT-file Level 5; see {@link readMat}.
 * Only that variable is decompressed: the others are skipped by their declared sizes after a look
 * at their headers, so a large (or hostile) variable before it costs neither time nor memory.
 *
 * @throws LrpError `E_FORMAT` if the variable is missing (listing the variables present) or not a
 * real numeric array, or if the file is malformed
 */
export function readMatVariable(bytes: Uint8Array, name = 'data', where = 'mat', options: ReadMatOptions = {}): NdArray {
  const { vars, entries } = readSome(bytes, where, options, (all) => [lastOf(all, name)].filter((e) => e !== undefined));
  const found = vars.get(name);
  if (found) return found;
  const other = entries.find((e) => e.header.name === name);
  if (other) throw new LrpError('E_FORMAT', `variable '${name}' is a ${other.header.skipped}; lrpjs reads only real numeric arrays`, where);
  const present = entries.map((e) => `'${e.header.name}'`);
  throw new LrpError('E_FORMAT', `no variable '${name}' (variables present: ${present.length ? present.join(', ') : 'none'})`, where);
}

/**
 * Reads the data array of a MAT file as the toolbox's readers do: the variable `data`, or else the
 * file's only real numeric variable. Only that variable is decompressed (see {@link readMatVariable}).
 *
 * @throws LrpError `E_FORMAT` if there is no `data` and not exactly one numeric variable, or if the
 * file is malformed
 */
export function readMatData(bytes: Uint8Array, where = 'mat', options: ReadMatOptions = {}): NdArray {
  const { vars, entries } = readSome(bytes, where, options, (all) => {
    const data = lastOf(all, 'data');
    if (data) return [data];
    const names = new Set(all.filter(numeric).map((e) => e.header.name));
    return names.size === 1 ? [lastOf(all, [...names][0]!)!] : [];
  });
  const only = [...vars.values()][0];
  if (only) return only;
  const names = [...new Set(entries.filter(numeric).map((e) => `'${e.header.name}'`))];
  if (names.length === 0 && entries.length > 0) {
    throw new LrpError('E_FORMAT', `no numeric variable; lrpjs reads only real numeric arrays: ${describeSkipped(entries)}`, where);
  }
  throw new LrpError('E_FORMAT', `no variable 'data' and ${names.length ? `several variables (${names.join(', ')})` : 'no variables'}; cannot tell which to read`, where);
}
