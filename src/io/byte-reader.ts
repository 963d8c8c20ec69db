import { LrpError } from '../errors.js';
import type { DType, TypedArray } from '../tensor.js';

/** Size in bytes of one element of each {@link DType}. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  int64: 8,
  uint64: 8,
};

type TypedArrayCtor = { new (length: number): TypedArray; new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray };

const CTORS: Readonly<Record<DType, TypedArrayCtor>> = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
};

/** True where this machine stores numbers little-endian (virtually everywhere). */
export const HOST_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A zero-filled typed array of `dtype` with `length` elements. */
export function allocate(dtype: DType, length: number): TypedArray {
  return new CTORS[dtype](length);
}

/** The {@link DType} a typed array holds (by its class); `undefined` for anything else. */
export function dtypeOfArray(a: unknown): DType | undefined {
  for (const [dtype, ctor] of Object.entries(CTORS) as [DType, TypedArrayCtor][]) if (a instanceof ctor) return dtype;
  return undefined;
}

/**
 * `count` elements of `dtype` at `offset` of `bytes` as a typed-array view sharing its memory (no
 * copy). The caller checks the bounds, the byte order and that `bytes.byteOffset + offset` is a
 * multiple of the element size.
 */
export function viewElements(bytes: Uint8Array, offset: number, dtype: DType, count: number): TypedArray {
  return new CTORS[dtype](bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, count);
}

/** Reverses the bytes of every `size`-byte element of `bytes` in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** Serialises the elements of a typed array as bytes in the requested byte order (a copy). */
export function encodeElements(a: TypedArray, littleEndian = true): Uint8Array {
  const out = new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer);
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(out, a.BYTES_PER_ELEMENT);
  return out;
}

/**
 * Bounds-checked reading of a byte buffer. Every failure is an {@link LrpError} `E_FORMAT` whose
 * `where` names the source and the byte offset, e.g. `x.npy, byte 10`.
 */
export class ByteReader {
  /** Byte order of multi-byte reads. */
  littleEndian: boolean;
  private readonly view: DataView;

  constructor(
    /** The bytes read. */
    readonly bytes: Uint8Array,
    /** Name of the source for messages (file name or a description). */
    readonly where: string,
    littleEndian = true,
  ) {
    this.littleEndian = littleEndian;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Number of bytes available. */
  get length(): number {
    return this.bytes.length;
  }

  /** Throws `E_FORMAT` naming the source and `offset`. */
  fail(message: string, offset: number): never {
    throw new LrpError('E_FORMAT', message, `${this.where}, byte ${offset}`);
  }

  /** Throws unless `length` bytes starting at `offset` are present; `what` names them in the message. */
  need(offset: number, length: number, what: string): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.bytes.length)) {
      this.fail(`truncated: ${what} needs ${length} bytes but only ${Math.max(0, this.bytes.length - offset)} remain`, offset);
    }
  }

  /** Unsigned 16-bit integer at `offset`. */
  u16(offset: number, what = 'uint16'): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, this.littleEndian);
  }

  /** Unsigned 32-bit integer at `offset`. */
  u32(offset: number, what = 'uint32'): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, this.littleEndian);
  }

  /** Signed 32-bit integer at `offset`. */
  i32(offset: number, what = 'int32'): number {
    this.need(offset, 4, what);
    return this.view.getInt32(offset, this.littleEndian);
  }

  /** A copy of `length` raw bytes at `offset`. */
  slice(offset: number, length: number, what: string): Uint8Array {
    this.need(offset, length, what);
    return new Uint8Array(this.bytes.subarray(offset, offset + length)); // a copy, even for a Node Buffer
  }

  /**
   * `count` elements of `dtype` at `offset` in the reader's byte order (or `littleEndian`), as a
   * host-order typed array. The size is checked against the bytes present before allocating.
   */
  elements(offset: number, dtype: DType, count: number, what: string, littleEndian = this.littleEndian): TypedArray {
    const size = DTYPE_BYTES[dtype];
    if (!Number.isSafeInteger(count) || count < 0) this.fail(`${what}: bad element count ${count}`, offset);
    this.need(offset, count * size, what);
    const copy = new Uint8Array(this.bytes.subarray(offset, offset + count * size)); // own buffer at offset 0
    if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(copy, size);
    return new CTORS[dtype](copy.buffer as ArrayBuffer, 0, count);
  }
}

/**
 * Converts elements to another {@link DType} the way a C cast would (floats to integers truncate
 * and wrap; NaN becomes 0 for 32-bit-or-smaller integers). Returns `src` itself when the dtype
 * already matches. Non-finite values cannot become 64-bit integers: `E_FORMAT` naming `where`.
 */
export function convertElements(src: TypedArray, dtype: DType, where: string): TypedArray {
  if (dtypeOfArray(src) === dtype) return src;
  const n = src.length;
  const out = allocate(dtype, n);
  const srcBig = src instanceof BigInt64Array || src instanceof BigUint64Array;
  const outBig = out instanceof BigInt64Array || out instanceof BigUint64Array;
  if (outBig) {
    const o = out as BigInt64Array;
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      if (typeof v === 'bigint') o[i] = v;
      else {
        if (!Number.isFinite(v)) throw new LrpError('E_FORMAT', `element ${i} is ${v}, which a 64-bit integer cannot hold`, where);
        o[i] = BigInt(Math.trunc(v));
      }
    }
  } else if (srcBig) {
    const o = out as Float64Array;
    for (let i = 0; i < n; i++) o[i] = Number(src[i]!);
  } else {
    (out as Float64Array).set(src as Float64Array);
  }
  return out;
}
