/** A tiny MAT-file Level 5 builder for hand-made test files (either byte order). */
import { zlibSync } from 'fflate';

/** MAT data types. */
export const MI = { INT8: 1, UINT8: 2, INT16: 3, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, MATRIX: 14, COMPRESSED: 15 };
/** MATLAB classes. */
export const MX = { CELL: 1, STRUCT: 2, CHAR: 4, DOUBLE: 6, SINGLE: 7, INT16: 10, INT64: 14 };

/** Joins byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

/** A data element; small (4-byte) format where `small` and the payload fits. */
export function el(type: number, payload: Uint8Array, le: boolean, small = false, pad = true): Uint8Array {
  if (small && payload.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (payload.length << 16) | type, le);
    out.set(payload, 4);
    return out;
  }
  const out = new Uint8Array(8 + (pad ? Math.ceil(payload.length / 8) * 8 : payload.length));
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, payload.length, le);
  out.set(payload, 8);
  return out;
}

/** Encodes numbers as a MAT data type in the given byte order. */
export function encode(values: readonly (number | bigint)[], type: number, le: boolean): Uint8Array {
  const size = { 1: 1, 2: 1, 3: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8 }[type]!;
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    const at = i * size;
    if (type === MI.INT8) v.setInt8(at, Number(x));
    else if (type === MI.UINT8) v.setUint8(at, Number(x));
    else if (type === MI.INT16) v.setInt16(at, Number(x), le);
    else if (type === MI.INT32) v.setInt32(at, Number(x), le);
    else if (type === MI.UINT32) v.setUint32(at, Number(x), le);
    else if (type === MI.SINGLE) v.setFloat32(at, Number(x), le);
    else if (type === MI.DOUBLE) v.setFloat64(at, Number(x), le);
    else v.setBigInt64(at, BigInt(x), le);
  });
  return out;
}

/** A miMATRIX element: class, dims, name and column-major data stored as `dataType`. */
export function matrix(le: boolean, cls: number, dims: number[], name: string, dataType: number, values: (number | bigint)[], flags = 0): Uint8Array {
  return el(
    MI.MATRIX,
    concat([
      el(MI.UINT32, encode([cls | flags, 0], MI.UINT32, le), le),
      el(MI.INT32, encode(dims, MI.INT32, le), le),
      el(MI.INT8, new TextEncoder().encode(name), le, true),
      el(dataType, encode(values, dataType, le), le, true),
    ]),
    le,
  );
}

export function matFile(le: boolean, elements: Uint8Array[], version = 0x0100): Uint8Array {
  const head = new Uint8Array(128).fill(0x20);
  head.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, hand-made test'));
  new DataView(head.buffer).setUint16(124, version, le);
  head.set(new TextEncoder().encode(le ? 'IM' : 'MI'), 126);
  return concat([head, ...elements]);
}

/** A zlib-compressed element holding `m`. */
export const compressed = (m: Uint8Array, le: boolean): Uint8Array => el(MI.COMPRESSED, zlibSync(m), le, false, false);

