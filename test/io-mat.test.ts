import { readFileSync } from 'node:fs';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { readMat, readMatVariable, writeMat } from '../src/io/mat.js';
import { readNpy } from '../src/io/npy.js';
import { sizeOf, type DType, type NdArray, type TypedArray } from '../src/tensor.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';
import { expectLrpError } from './support/expect-error.js';
import { MI, MX, compressed, concat, el, encode, matFile, matrix } from './support/mat-builder.js';

const expectFormatError = (f: () => unknown, pattern?: RegExp) => expectLrpError(f, 'E_FORMAT', pattern);

const nums = (a: NdArray): number[] => Array.from(a.data as Float64Array, Number);

// scipy.io.savemat({'a': [[1.5,-2,3],[4,5,6.25]], 'n': arange(24, int16).reshape(2,3,4), 'name': 'hello', 's': {'x': 1.0}})
const SCIPY_PLAIN =
  'TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IEZyaSBOb3YgMjcgMDM6MDQ6MzMgMjAyNgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0OAAAAYAAAAAYAAAAIAAAABgAAAAAAAAAFAAAACAAAAAIAAAADAAAAAQABAGEAAAAJAAAAMAAAAAAAAAAAAPg/AAAAAAAAEEAAAAAAAAAAwAAAAAAAABRAAAAAAAAACEAAAAAAAAAZQA4AAABoAAAABgAAAAgAAAAKAAAAAAAAAAUAAAAMAAAAAgAAAAMAAAAEAAAAAAAAAAEAAQBuAAAAAwAAADAAAAAAAAwABAAQAAgAFAABAA0ABQARAAkAFQACAA4ABgASAAoAFgADAA8ABwATAAsAFwAOAAAAOAAAAAYAAAAIAAAABAAAAAAAAAAFAAAACAAAAAEAAAAFAAAAAQAEAG5hbWUQAAAABQAAAGhlbGxvAAAADgAAAHgAAAAGAAAACAAAAAIAAAAAAAAABQAAAAgAAAABAAAAAQAAAAEAAQBzAAAABQAEAAIAAAABAAIAeAAAAA4AAAA4AAAABgAAAAgAAAAGAAAAAAAAAAUAAAAIAAAAAQAAAAEAAAABAAAAAAAAAAkAAAAIAAAAAAAAAAAA8D8=';
// scipy.io.savemat({'data': arange(12, float32).reshape(3,4)*0.5, 'u': [[7]] uint64}, do_compression=True)
const SCIPY_COMPRESSED =
  'TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IEZyaSBOb3YgMjcgMDM6MDQ6MzMgMjAyNgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0PAAAASAAAAHic42NgYEgAYjYg5gBidgYIYIXymYGYBYgZgWRKYkkiSN6AAQ4cGBgagJjBnoFBAUhPAPGBbAcgvQCIDwDZCUB6gwMAJXQJiw8AAAAmAAAAeJzjY2BgsABiNiDmAGJ+BghghfIZ4ZiRoRRI80LF2aHqACN+AQY=';

const fromBase64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));

describe('MAT reader on files scipy wrote', () => {
  it('reads numeric variables and skips char and struct ones', () => {
    const vars = readMat(fromBase64(SCIPY_PLAIN), 'plain.mat');
    expect([...vars.keys()]).toEqual(['a', 'n']);
    const a = vars.get('a')!;
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([2, 3]);
    expect(nums(a)).toEqual([1.5, -2, 3, 4, 5, 6.25]);
    const n = vars.get('n')!;
    expect(n.dtype).toBe('int16');
    expect(n.shape).toEqual([2, 3, 4]);
    expect(nums(n)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('names missing and non-numeric variables', () => {
    const bytes = fromBase64(SCIPY_PLAIN);
    expectFormatError(() => readMatVariable(bytes, 'name', 'plain.mat'), /plain\.mat: variable 'name' is a char array/);
    expectFormatError(() => readMatVariable(bytes, 's', 'plain.mat'), /'s' is a struct/);
    expectFormatError(() => readMatVariable(bytes, undefined, 'plain.mat'), /no variable 'data' \(variables present: 'a', 'n', 'name', 's'\)/);
    expect(readMatVariable(bytes, 'a').shape).toEqual([2, 3]);
  });

  it('reads compressed variables of class single and uint64', () => {
    const bytes = fromBase64(SCIPY_COMPRESSED);
    const data = readMatVariable(bytes);
    expect(data.dtype).toBe('float32');
    expect(data.shape).toEqual([3, 4]);
    expect(nums(data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 0.5));
    const u = readMatVariable(bytes, 'u');
    expect(u.dtype).toBe('uint64');
    expect(Array.from(u.data as BigUint64Array)).toEqual([7n]);
  });
});

describe('MAT reader on hand-built files', () => {
  for (const le of [true, false]) {
    const order = le ? 'little-endian' : 'big-endian';
    it(`${order}: classes stored in other types, small elements, N-D, compressed`, () => {
      const cm = [1, 4, 2, 5, 3, 6]; // column-major [[1,2,3],[4,5,6]]
      const file = matFile(le, [
        matrix(le, MX.DOUBLE, [2, 3], 'u8', MI.UINT8, cm),
        matrix(le, MX.DOUBLE, [1, 1], 'tiny', MI.INT16, [-7]), // 2-byte data: small element
        matrix(le, MX.SINGLE, [2, 3], 'sgl', MI.DOUBLE, cm.map((x) => x / 4)),
        matrix(le, MX.INT16, [2, 3], 'i16', MI.INT8, cm.map((x) => -x)),
        matrix(le, MX.DOUBLE, [2, 3], 'fromi64', MI.INT64, cm.map(BigInt)),
        matrix(le, MX.INT64, [2, 3], 'toi64', MI.DOUBLE, cm.map((x) => x * 1e9)),
        compressed(matrix(le, MX.DOUBLE, [2, 2, 2], 'nd', MI.INT32, [0, 100, 10, 110, 1, 101, 11, 111]), le),
        matrix(le, MX.DOUBLE, [0, 3], 'empty', MI.DOUBLE, []),
      ]);
      const v = readMat(file, `${order}.mat`);
      expect(v.get('u8')).toEqual({ dtype: 'float64', shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) });
      expect(v.get('tiny')).toEqual({ dtype: 'float64', shape: [1, 1], data: Float64Array.from([-7]) });
      expect(v.get('sgl')).toEqual({ dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6].map((x) => x / 4)) });
      expect(v.get('i16')).toEqual({ dtype: 'int16', shape: [2, 3], data: Int16Array.from([-1, -2, -3, -4, -5, -6]) });
      expect(v.get('fromi64')!.data).toEqual(Float64Array.from([1, 2, 3, 4, 5, 6]));
      expect(v.get('toi64')!.data).toEqual(BigInt64Array.from([1, 2, 3, 4, 5, 6].map((x) => BigInt(x * 1e9))));
      // nd[i, j, k] = 100 i + 10 j + k
      expect(v.get('nd')).toEqual({ dtype: 'float64', shape: [2, 2, 2], data: Float64Array.from([0, 1, 10, 11, 100, 101, 110, 111]) });
      expect(v.get('empty')).toEqual({ dtype: 'float64', shape: [0, 3], data: new Float64Array(0) });
    });
  }

  it('skips complex, cell and struct variables and refuses a file with nothing numeric', () => {
    const le = true;
    const complexVar = matrix(le, MX.DOUBLE, [1, 1], 'z', MI.DOUBLE, [1], 0x800);
    const cell = el(MI.MATRIX, concat([el(MI.UINT32, encode([MX.CELL, 0], MI.UINT32, le), le), el(MI.INT32, encode([1, 0], MI.INT32, le), le), el(MI.INT8, new TextEncoder().encode('c'), le, true)]), le);
    const both = matFile(le, [complexVar, cell, matrix(le, MX.DOUBLE, [1, 1], 'data', MI.DOUBLE, [3])]);
    expect([...readMat(both).keys()]).toEqual(['data']);
    expectFormatError(() => readMatVariable(both, 'z', 'c.mat'), /'z' is a complex array/);
    expectFormatError(() => readMat(matFile(le, [complexVar, cell]), 'only.mat'), /only\.mat: no numeric variable.*'z' is a complex array, 'c' is a cell array/);
  });

  it('refuses malformed files with E_FORMAT naming file and byte', () => {
    const le = true;
    const good = matrix(le, MX.DOUBLE, [2, 3], 'data', MI.DOUBLE, [1, 2, 3, 4, 5, 6]);
    expectFormatError(() => readMat(new Uint8Array(100), 'short.mat'), /short\.mat, byte 0: truncated: MAT-file header/);
    expectFormatError(() => readMat(matFile(le, [good], 0x0200), 'h5.mat'), /v7\.3 \(HDF5\)/);
    const noMark = matFile(le, [good]);
    noMark[126] = 0;
    expectFormatError(() => readMat(noMark), /IM\/MI/);
    expectFormatError(() => readMat(matFile(le, [good]).subarray(0, 200), 't.mat'), /t\.mat, byte 136: truncated: variable \(96 bytes declared\)/);
    expectFormatError(() => readMat(matFile(le, [matrix(le, MX.DOUBLE, [100000, 100000], 'data', MI.DOUBLE, [1, 2])]), 'huge.mat'), /huge\.mat, byte \d+: variable 'data' of shape \[100000, 100000\] needs 80000000000 bytes of float64 but holds 16/);
    expectFormatError(() => readMat(matFile(le, [el(MI.DOUBLE, new Uint8Array(8), le)])), /expected a matrix \(14\) or compressed \(15\)/);
    const bad = matFile(le, [compressed(good, le)]);
    bad[128 + 8 + 5] ^= 0xff;
    expectFormatError(() => readMat(bad, 'z.mat'), /z\.mat, byte 136: compressed element/);
  });

  it('bounds the inflated size by the declared size, the compressed size and a limit', () => {
    const le = true;
    const good = matrix(le, MX.DOUBLE, [2, 3], 'data', MI.DOUBLE, [1, 2, 3, 4, 5, 6]);
    const lying = good.slice();
    new DataView(lying.buffer).setUint32(4, 0xfffffff0, true); // claims 4 GiB
    expectFormatError(() => readMat(matFile(le, [compressed(lying, le)]), 'bomb.mat'), /bomb\.mat, byte 136: compressed element: declares 4294967280 inflated bytes, more than \d+ compressed bytes can hold/);
    const short = good.slice();
    new DataView(short.buffer).setUint32(4, 16, true); // claims less than it inflates to
    expectFormatError(() => readMat(matFile(le, [compressed(short, le)])), /compressed variable at byte 128, inflated\), byte \d+: matrix element ends before its dimensions/);
    const zeros = matrix(le, MX.DOUBLE, [1000, 100], 'data', MI.DOUBLE, new Array<number>(100000).fill(0));
    expectFormatError(() => readMat(matFile(le, [compressed(zeros, le)]), 'z.mat', { maxInflatedBytes: 1 << 16 }), /over the limit of \d+ left of the read's inflate budget of 65536 bytes/);
    expect(readMat(matFile(le, [compressed(zeros, le)])).get('data')!.shape).toEqual([1000, 100]);
    const truncated = zlibSync(good).subarray(0, 20);
    expectFormatError(() => readMat(matFile(le, [el(MI.COMPRESSED, truncated, le, false, false)])), /zlib data is corrupt|inflates to/);
  });
});

const SAMPLE: Record<DType, (n: number) => TypedArray> = {
  float64: (n) => Float64Array.from({ length: n }, (_, i) => (i - 2) / 3),
  float32: (n) => Float32Array.from({ length: n }, (_, i) => (i - 2) / 3),
  uint8: (n) => Uint8Array.from({ length: n }, (_, i) => i * 7),
  int8: (n) => Int8Array.from({ length: n }, (_, i) => 3 - i * 5),
  uint16: (n) => Uint16Array.from({ length: n }, (_, i) => i * 999),
  int16: (n) => Int16Array.from({ length: n }, (_, i) => 100 - i * 999),
  uint32: (n) => Uint32Array.from({ length: n }, (_, i) => i * 99999999),
  int32: (n) => Int32Array.from({ length: n }, (_, i) => 1 - i * 99999999),
  int64: (n) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -(1n << 50n)),
  uint64: (n) => BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * (1n << 60n)),
};

describe('MAT writer', () => {
  for (const compress of [false, true]) {
    it(`round-trips every dtype and shape (${compress ? 'compressed' : 'uncompressed'})`, () => {
      const shapes: [number[], number[]][] = [[[2, 3], [2, 3]], [[2, 3, 4], [2, 3, 4]], [[5], [1, 5]], [[], [1, 1]], [[0, 3], [0, 3]], [[3, 1, 2], [3, 1, 2]]];
      for (const dtype of Object.keys(SAMPLE) as DType[]) {
        const vars: Record<string, NdArray> = {};
        shapes.forEach(([shape], k) => (vars[`v${k}_${dtype}`] = { dtype, data: SAMPLE[dtype](sizeOf(shape)), shape }));
        const back = readMat(writeMat(vars, { compress }), 'rt.mat');
        shapes.forEach(([shape, matShape], k) => {
          const got = back.get(`v${k}_${dtype}`)!;
          expect(got).toEqual({ dtype, data: SAMPLE[dtype](sizeOf(shape)), shape: matShape });
        });
      }
    });
  }

  it('writes a standard header and refuses bad names and inconsistent arrays', () => {
    const bytes = writeMat({ data: { dtype: 'float64', data: new Float64Array(1), shape: [1] } });
    expect(new TextDecoder().decode(bytes.subarray(0, 10))).toBe('MATLAB 5.0');
    expect(Array.from(bytes.subarray(124, 128))).toEqual([0, 1, 0x49, 0x4d]);
    const one = { dtype: 'float64' as const, data: new Float64Array(1), shape: [1] };
    expect(() => writeMat({ '1x': one })).toThrow(/not a MATLAB variable name/);
    expect(() => writeMat({ x: { ...one, shape: [2] } })).toThrow(/needs 2/);
    expect(() => writeMat({ x: { ...one, dtype: 'int8' } })).toThrow(LrpError);
  });
});

describeWith(toolboxFixtures, 'MAT toolbox fixtures', () => {

  it('reads test_images.mat: 10000 x 784 digits 0..255, double class stored as uint8, compressed', () => {
    const bytes = readFileSync(fixture('toolbox', 'data', 'test_images.mat'));
    const x = readMatVariable(bytes, 'data', 'test_images.mat');
    expect(x.dtype).toBe('float64');
    expect(x.shape).toEqual([10000, 784]);
    const d = x.data as Float64Array;
    const rowSum = (i: number): number => d.subarray(i * 784, (i + 1) * 784).reduce((s, v) => s + v, 0);
    // expected values computed with scipy.io.loadmat
    expect(rowSum(0)).toBe(18454);
    expect(rowSum(1)).toBe(28850);
    expect(rowSum(9999)).toBe(30168);
    expect(Array.from(d.subarray(202, 212))).toEqual([84, 185, 159, 151, 60, 36, 0, 0, 0, 0]);
    expect(Array.from(d.subarray(1234 * 784 + 400, 1234 * 784 + 410))).toEqual([14, 79, 218, 215, 148, 229, 255, 254, 121, 36]);
    let total = 0;
    let column400 = 0;
    let outOfRange = 0;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (!(v >= 0 && v <= 255 && Number.isInteger(v))) outOfRange++;
      total += v;
      if (i % 784 === 400) column400 += v;
    }
    expect(outOfRange).toBe(0);
    expect(total).toBe(264911535);
    expect(column400).toBe(751996);
  });

  it('reads test_labels.mat equal to test_labels.npy', () => {
    const mat = readMatVariable(readFileSync(fixture('toolbox', 'data', 'test_labels.mat')), 'data', 'test_labels.mat');
    const npy = readNpy(readFileSync(fixture('toolbox', 'data', 'test_labels.npy')));
    expect(mat.shape).toEqual([10000, 1]);
    expect(nums(mat)).toEqual(nums(npy));
  });
});
