import { zlibSync } from 'fflate';
import { LrpError } from '../errors.js';
import type { NdArray } from '../tensor.js';
import { dtypeOfArray, encodeElements } from './byte-reader.js';
import { rowMajorToColumnMajor } from './column-major.js';
import { DTYPE_MAT_CLASS, DTYPE_MAT_TYPE, MI_COMPRESSED, MI_MATRIX } from './mat-types.js';

/** Options of {@link writeMat}. */
export interface WriteMatOptions {
  /** Wrap each variable in a zlib-compressed element (MATLAB `-v7`); default `false` (`-v6`). */
  compress?: boolean;
}

const MI_INT8 = 1;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MAX_DIM = 0x7fffffff;

/** One data element: tag plus payload padded to 8 bytes; 4-byte small format where it fits. */
function element(type: number, payload: Uint8Array, padded = true): Uint8Array {
  const small = payload.length <= 4 && type !== MI_MATRIX && type !== MI_COMPRESSED;
  if (!small && payload.length > 0xffffffff) throw new LrpError('E_INPUT', `MAT element of ${payload.length} bytes exceeds 4 GiB`);
  const size = small ? 8 : 8 + (padded ? Math.ceil(payload.length / 8) * 8 : payload.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  if (small) {
    view.setUint32(0, ((payload.length << 16) | type) >>> 0, true);
    out.set(payload, 4);
  } else {
    view.setUint32(0, type, true);
    view.setUint32(4, payload.length, true);
    out.set(payload, 8);
  }
  return out;
}

/** Concatenates byte arrays. */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The miMATRIX element of one variable. */
function matrixElement(name: string, a: NdArray): Uint8Array {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new LrpError('E_USAGE', `'${name}' is not a MATLAB variable name (a letter, then letters, digits or _, at most 63)`);
  }
  const count = a.shape.reduce((x, y) => x * y, 1);
  for (const d of a.shape) {
    if (!Number.isInteger(d) || d < 0 || d > MAX_DIM) throw new LrpError('E_SHAPE', `variable '${name}': cannot write dimension ${d}`);
  }
  if (count !== a.data.length) throw new LrpError('E_SHAPE', `variable '${name}': data has ${a.data.length} elements but shape [${a.shape.join(', ')}] needs ${count}`);
  if (dtypeOfArray(a.data) !== a.dtype) throw new LrpError('E_INPUT', `variable '${name}': dtype is ${a.dtype} but data is a ${a.data.constructor.name}`);
  const dims = a.shape.length === 0 ? [1, 1] : a.shape.length === 1 ? [1, a.shape[0]!] : [...a.shape];
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, DTYPE_MAT_CLASS[a.dtype], true);
  const dimBytes = new Uint8Array(4 * dims.length);
  dims.forEach((d, k) => new DataView(dimBytes.buffer).setInt32(4 * k, d, true));
  const nameBytes = Uint8Array.from(name, (c) => c.charCodeAt(0));
  const data = encodeElements(rowMajorToColumnMajor(a.data, dims), true);
  const body = concat([
    element(MI_UINT32, flags),
    element(MI_INT32, dimBytes),
    element(MI_INT8, nameBytes),
    element(DTYPE_MAT_TYPE[a.dtype], data),
  ]);
  return element(MI_MATRIX, body);
}

/** The 128-byte MAT-file Level 5 header: text, no subsystem data, version 0x0100, little-endian. */
function header(): Uint8Array {
  const out = new Uint8Array(128);
  const text = 'MATLAB 5.0 MAT-file, Platform: lrpjs, Created by: lrpjs';
  for (let i = 0; i < 116; i++) out[i] = i < text.length ? text.charCodeAt(i) : 0x20;
  out[124] = 0x00;
  out[125] = 0x01;
  out[126] = 0x49; // 'I'
  out[127] = 0x4d; // 'M'
  return out;
}

/**
 * Writes variables as a MATLAB MAT-file Level 5, little-endian, readable by MATLAB, Octave and
 * `scipy.io.loadmat`. Each variable keeps its dtype as MATLAB class (float64 → double, float32 →
 * single, integers → the same integer class) and is stored column-major; a 0-D array becomes 1×1
 * and a 1-D array of n elements a 1×n row (as scipy's default `oned_as='row'`).
 *
 * @throws LrpError `E_USAGE` for a name MATLAB does not accept, `E_SHAPE` when data and shape
 * disagree, `E_INPUT` when the data's array class does not match `dtype`
 */
export function writeMat(vars: Readonly<Record<string, NdArray>>, options: WriteMatOptions = {}): Uint8Array {
  const parts = [header()];
  for (const [name, a] of Object.entries(vars)) {
    const matrix = matrixElement(name, a);
    parts.push(options.compress ? element(MI_COMPRESSED, zlibSync(matrix), false) : matrix);
  }
  return concat(parts);
}
