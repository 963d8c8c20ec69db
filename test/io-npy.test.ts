import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { sizeOf, type DType, type NdArray, type TypedArray } from '../src/tensor.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';
import { expectLrpError } from './support/expect-error.js';
import { npyBytes } from './support/npy-bytes.js';

/** Raw bytes of values written with a DataView setter (`setFloat64`, ...) in the given byte order. */
function rawBytes(values: readonly (number | bigint)[], size: number, set: (v: DataView, at: number, x: never, le: boolean) => void, le: boolean): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => set(view, i * size, x as never, le));
  return out;
}

const expectFormatError = (f: () => unknown, pattern?: RegExp) => expectLrpError(f, 'E_FORMAT', pattern);

const SAMPLES: Record<DType, (n: number) => TypedArray> = {
  float32: (n) => Float32Array.from({ length: n }, (_, i) => (i - 3) * 0.1),
  float64: (n) => Float64Array.from({ length: n }, (_, i) => Math.PI * (i - 2) * 1e-7 + (i === 1 ? -0 : 0)),
  uint8: (n) => Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255),
  int8: (n) => Int8Array.from({ length: n }, (_, i) => ((i * 37) & 255) - 128),
  uint16: (n) => Uint16Array.from({ length: n }, (_, i) => (i * 4099) & 0xffff),
  int16: (n) => Int16Array.from({ length: n }, (_, i) => ((i * 4099) & 0xffff) - 32768),
  uint32: (n) => Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 0),
  int32: (n) => Int32Array.from({ length: n }, (_, i) => (i * 2654435761) | 0),
  int64: (n) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -1234567890123n),
  uint64: (n) => BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * 0xfedcba987654321n),
};

describe('npy round trip', () => {
  const shapes = [[], [0], [5], [2, 3], [2, 3, 4], [3, 0, 2], [1, 1, 1, 7]];
  for (const dtype of Object.keys(SAMPLES) as DType[]) {
    it(`${dtype} in every shape`, () => {
      for (const shape of shapes) {
        const a: NdArray = { dtype, data: SAMPLES[dtype](sizeOf(shape)), shape };
        const bytes = writeNpy(a);
        expect(bytes.length % 64).toBe((sizeOf(shape) * a.data.BYTES_PER_ELEMENT) % 64);
        const b = readNpy(bytes, 'roundtrip.npy');
        expect(b.dtype).toBe(dtype);
        expect(b.shape).toEqual(shape);
        expect(b.data).toEqual(a.data);
      }
    });
  }

  it('writes the header bytes numpy.save writes', () => {
    const cases: [DType, number[], string][] = [
      ['float32', [2, 3], "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"],
      ['float64', [], "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"],
      ['uint8', [5], "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }"],
      ['int64', [10000, 1], "{'descr': '<i8', 'fortran_order': False, 'shape': (10000, 1), }"],
      ['uint16', [1, 2, 3, 4], "{'descr': '<u2', 'fortran_order': False, 'shape': (1, 2, 3, 4), }"],
    ];
    for (const [dtype, shape, dict] of cases) {
      const bytes = writeNpy({ dtype, data: SAMPLES[dtype](sizeOf(shape)), shape });
      const headerLen = bytes[8]! | (bytes[9]! << 8);
      expect(headerLen + 10).toBe(128);
      expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
      expect(header.trimEnd()).toBe(dict);
      expect(header.endsWith('\n')).toBe(true);
    }
  });

  it('refuses data that does not match its shape or dtype', () => {
    expect(() => writeNpy({ dtype: 'float64', data: new Float64Array(5), shape: [2, 3] })).toThrow(/needs 6/);
    expect(() => writeNpy({ dtype: 'float32', data: new Float64Array(6), shape: [2, 3] })).toThrow(LrpError);
  });
});

describe('npy reader', () => {
  it('reads big-endian files of every multi-byte dtype', () => {
    const le = false;
    const f8 = readNpy(npyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", rawBytes([1.5, -2, 3e300, 4], 8, (v, a, x, e) => v.setFloat64(a, x, e), le)));
    expect(Array.from(f8.data as Float64Array)).toEqual([1.5, -2, 3e300, 4]);
    const f4 = readNpy(npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", rawBytes([0.5, -1, 2], 4, (v, a, x, e) => v.setFloat32(a, x, e), le)));
    expect(Array.from(f4.data as Float32Array)).toEqual([0.5, -1, 2]);
    const i4 = readNpy(npyBytes("{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }", rawBytes([1, -2, 0x12345678], 4, (v, a, x, e) => v.setInt32(a, x, e), le)));
    expect(Array.from(i4.data as Int32Array)).toEqual([1, -2, 0x12345678]);
    const u2 = readNpy(npyBytes("{'descr': '>u2', 'fortran_order': False, 'shape': (2,), }", rawBytes([0x1234, 0xfffe], 2, (v, a, x, e) => v.setUint16(a, x, e), le)));
    expect(Array.from(u2.data as Uint16Array)).toEqual([0x1234, 0xfffe]);
    const i8 = readNpy(npyBytes("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", rawBytes([-5n, 1n << 40n], 8, (v, a, x, e) => v.setBigInt64(a, x, e), le)));
    expect(Array.from(i8.data as BigInt64Array)).toEqual([-5n, 1n << 40n]);
    expect(i8.dtype).toBe('int64');
  });

  it('transposes Fortran-order arrays to C order', () => {
    // C-order value at [i, j, k] is 100 i + 10 j + k; Fortran order stores i fastest.
    const shape = [2, 3, 4];
    const fortran: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const a = readNpy(npyBytes("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3, 4), }", rawBytes(fortran, 2, (v, at, x, e) => v.setInt16(at, x, e), true)));
    expect(a.shape).toEqual(shape);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(100 * i + 10 * j + k);
    expect(Array.from(a.data as Int16Array)).toEqual(expected);
    const m = readNpy(npyBytes("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }", rawBytes([1, 4, 2, 5, 3, 6], 8, (v, at, x, e) => v.setFloat64(at, x, e), false)));
    expect(Array.from(m.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads Python-2 headers, scalar and 1-D shapes, versions 2.0 and 3.0, double quotes', () => {
    const data = rawBytes([1, 2, 3, 4, 5, 6], 8, (v, a, x, e) => v.setFloat64(a, x, e), true);
    const py2 = readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 2L), }", data));
    expect(py2.shape).toEqual([3, 2]);
    expect(Array.from(py2.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", data)).shape).toEqual([]);
    expect(readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", data)).data.length).toBe(5);
    expect(readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", data, 2)).shape).toEqual([6]);
    expect(readNpy(npyBytes('{"shape": (2,3), "fortran_order": False, "descr": "<f8", "x": "é"}', data, 3)).shape).toEqual([2, 3]);
    expect(readNpy(npyBytes("{'descr': '=f8', 'fortran_order': False, 'shape': (1, 0), }", data)).shape).toEqual([1, 0]);
  });

  it('reads numpy bool as uint8 0/1', () => {
    const a = readNpy(npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", Uint8Array.from([0, 1, 2, 255])));
    expect(a.dtype).toBe('uint8');
    expect(Array.from(a.data as Uint8Array)).toEqual([0, 1, 1, 1]);
  });

  it('refuses malformed and unsupported files with E_FORMAT and a byte offset', () => {
    const data = new Uint8Array(48);
    const err = expectFormatError(() => readNpy(new Uint8Array([1, 2, 3]), 'tiny.npy'), /tiny\.npy, byte 0: truncated/);
    expect(err.where).toBe('tiny.npy, byte 0');
    expectFormatError(() => readNpy(new TextEncoder().encode('PK\x03\x04 not numpy at all'), 'z.npy'), /bad magic/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", data)), /unsupported dtype '<f2'/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", data)), /unsupported dtype/);
    expectFormatError(() => readNpy(npyBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", data)), /structured/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", data), 'big.npy'), /big\.npy, byte 128: truncated.*needs 8000000000000 data bytes but only 48/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", data)), /too large/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", data)), /absurdly large/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", data)), /not a size/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", data)), /fortran_order/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,) ", data)), /header/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (7,), }", data)), /truncated/);
    expectFormatError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, 4)), /version 4/);
    const hugeHeader = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, 2);
    new DataView(hugeHeader.buffer).setUint32(8, 0xfffffff0, true);
    expectFormatError(() => readNpy(hugeHeader), /byte 8: header length 4294967280 exceeds the limit of 10000 bytes/);
    expectFormatError(() => readNpy(hugeHeader, 'npy', { maxHeaderBytes: 2 ** 32 }), /byte 12: truncated: header needs 4294967280 bytes/);
  });

  it('caps the header length (numpy max_header_size, 10,000 bytes by default) before parsing it', () => {
    const long = `{'descr': '<f8', 'fortran_order': False, 'shape': (2,), ${"'pad': 0, ".repeat(2000)}}`;
    const data = new Uint8Array(Float64Array.from([1, 2]).buffer);
    const bytes = npyBytes(long, data, 2);
    const e = expectFormatError(() => readNpy(bytes, 'long.npy'), /header length \d+ exceeds the limit of 10000 bytes/);
    expect(e.where).toBe('long.npy, byte 8');
    expect(Array.from(readNpy(bytes, 'long.npy', { maxHeaderBytes: 30000 }).data as Float64Array)).toEqual([1, 2]);
    const short = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data);
    expectFormatError(() => readNpy(short, 's.npy', { maxHeaderBytes: 16 }), /exceeds the limit of 16 bytes/);
  });
});

describe('npy data is viewed, not copied, where alignment and byte order allow', () => {
  const values = [1.5, -2, 3.25, 1e300, -0, 7];
  const cases: [DType, TypedArray][] = [
    ['float64', Float64Array.from(values)],
    ['float32', Float32Array.from(values.slice(0, 4))],
    ['int32', Int32Array.from([1, -2, 3, 4])],
    ['uint16', Uint16Array.from([1, 2, 65535])],
    ['int64', BigInt64Array.from([1n, -2n])],
  ];
  it.each(cases)('%s: a view on the file bytes, same values as a copy', (dtype, data) => {
    const file = writeNpy({ dtype, data, shape: [data.length] });
    const a = readNpy(file);
    expect(a.data.buffer).toBe(file.buffer);
    expect(Array.from(a.data as Float64Array)).toEqual(Array.from(data as Float64Array));
  });

  it.each([1, 2, 3, 4, 5, 6, 7])('misaligned by %i byte(s): a copy with the same values', (k) => {
    const file = writeNpy({ dtype: 'float64', data: Float64Array.from(values), shape: [2, 3] });
    const holder = new Uint8Array(file.length + 8);
    holder.set(file, k);
    const a = readNpy(holder.subarray(k, k + file.length));
    expect(a.data.buffer).not.toBe(holder.buffer);
    expect(Array.from(a.data as Float64Array)).toEqual(values);
  });

  it('big-endian, Fortran-order and bool data are converted into a new array', () => {
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 1.5, false);
    new DataView(be.buffer).setFloat64(8, -2, false);
    const bigEndian = npyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be);
    const a = readNpy(bigEndian);
    expect(a.data.buffer).not.toBe(bigEndian.buffer);
    expect(Array.from(a.data as Float64Array)).toEqual([1.5, -2]);
    const fortran = npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(Float64Array.from(values).buffer));
    const f = readNpy(fortran);
    expect(f.data.buffer).not.toBe(fortran.buffer);
    expect(Array.from(f.data as Float64Array)).toEqual([1.5, 3.25, -0, -2, 1e300, 7]);
    const bool = npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", Uint8Array.from([0, 2, 1]));
    expect(Array.from(readNpy(bool).data as Uint8Array)).toEqual([0, 1, 1]);
    expect(Array.from(bool.subarray(bool.length - 3))).toEqual([0, 2, 1]); // the file bytes are left alone
  });
});

describeWith(toolboxFixtures, 'npy toolbox fixtures', () => {

  it('reads test_labels.npy with its Python-2 header (10000L, 1L)', () => {
    const bytes = readFileSync(fixture('toolbox', 'data', 'test_labels.npy'));
    expect(new TextDecoder().decode(bytes.subarray(10, 80))).toContain('(10000L, 1L)');
    const a = readNpy(bytes, 'test_labels.npy');
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([10000, 1]);
    expect(Array.from(a.data.subarray(0, 10) as Float64Array)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect((a.data as Float64Array).reduce((s, x) => s + x, 0)).toBe(44434);
  });

  it('reads every reference case input X.npy', () => {
    const cases = readdirSync(fixture('reference', 'cases'));
    expect(cases.length).toBeGreaterThan(0);
    for (const name of cases) {
      const a = readNpy(readFileSync(fixture('reference', 'cases', name, 'X.npy')), `${name}/X.npy`);
      expect(a.dtype).toBe('float64');
      expect(a.data.length).toBe(sizeOf(a.shape));
      expect(Array.from(a.data as Float64Array).every(Number.isFinite)).toBe(true);
      const t = readNpy(readFileSync(fixture('reference', 'cases', name, 'target.npy')), `${name}/target.npy`);
      expect(t.dtype).toBe('int32');
      expect(t.shape).toEqual([a.shape[0]]);
    }
    const lenet = readNpy(readFileSync(fixture('reference', 'cases', 'lenet5-simple', 'X.npy')));
    expect(lenet.shape).toEqual([8, 32, 32, 1]);
    expect((lenet.data as Float64Array).reduce((s, x) => s + x, 0)).toBeCloseTo(-6862.376470588235, 9);
  });

  it('writes back what it read, byte for byte for a file numpy wrote', () => {
    const bytes = readFileSync(fixture('reference', 'cases', 'lenet5-simple', 'X.npy'));
    expect(Buffer.from(writeNpy(readNpy(bytes))).equals(bytes)).toBe(true);
  });
});
