import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { dataFormatOf, readDataFile, writeDataFile } from '../src/io/data-file.js';
import { writeMat } from '../src/io/mat.js';
import { readMatrixText, writeMatrixText } from '../src/io/matrix-text.js';
import type { NdArray } from '../src/tensor.js';
import { expectLrpError } from './support/expect-error.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

const formatError = (f: () => unknown) => expectLrpError(f);

describe('matrix text reader', () => {
  it('reads whitespace-separated rows into float64 [rows, cols]', () => {
    const a = readMatrixText(text('1 2.5 -3e-2\n\t4   5 6\r\n\n7 8 .5 # comment\n# a whole comment line\n'));
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([3, 3]);
    expect(Array.from(a.data as Float64Array)).toEqual([1, 2.5, -0.03, 4, 5, 6, 7, 8, 0.5]);
  });

  it('reads a single row, a single column, special values and an empty file', () => {
    expect(readMatrixText(text('1 2 3')).shape).toEqual([1, 3]);
    expect(readMatrixText(text('1\n2\n3\n')).shape).toEqual([3, 1]);
    expect(Array.from(readMatrixText(text('nan inf -inf +Infinity 1E3 -0')).data as Float64Array)).toEqual([NaN, Infinity, -Infinity, Infinity, 1000, -0]);
    expect(readMatrixText(text(''))).toEqual({ dtype: 'float64', shape: [0, 0], data: new Float64Array(0) });
    expect(readMatrixText(text('\n  \n')).shape).toEqual([0, 0]);
  });

  it('names the line and column of a bad field', () => {
    const e = formatError(() => readMatrixText(text('1 2 3\n4 x5 6\n'), 'data.txt'));
    expect(e.where).toBe('data.txt, line 2');
    expect(e.message).toBe('data.txt, line 2: field 2 (column 3) is not a number: "x5"');
    for (const bad of ['0x10', '1,2', '1..2', '--1', 'e5', '1e', 'Infinit', '']) {
      if (bad) expect(formatError(() => readMatrixText(text(`1 ${bad}`))).message).toMatch(/line 1: field 2/);
    }
  });

  it('names the line of a ragged row', () => {
    const e = formatError(() => readMatrixText(text('1 2 3\n\n4 5 6\n7 8\n'), 'r.txt'));
    expect(e.message).toBe('r.txt, line 4: row has 2 values but the rows before have 3');
  });

  it('survives bytes that are not UTF-8', () => {
    expect(formatError(() => readMatrixText(Uint8Array.from([0x31, 0x20, 0xff, 0xfe]), 'b.txt')).message).toMatch(/b\.txt, line 1: field 2/);
  });
});

describe('matrix text writer', () => {
  it('writes full precision that reads back exactly', () => {
    const values = [0.1, 1 / 3, -2.5e-300, 1e21, 123456789.12345678, Number.MIN_VALUE, -0, NaN, Infinity, -Infinity, 5e-324, 0.30000000000000004];
    const a: NdArray = { dtype: 'float64', data: Float64Array.from(values), shape: [3, 4] };
    const bytes = writeMatrixText(a);
    expect(decode(bytes).split('\n')).toHaveLength(4);
    const b = readMatrixText(bytes);
    expect(b.shape).toEqual([3, 4]);
    expect(Array.from(b.data as Float64Array)).toEqual(values);
  });

  it('writes float32 and integer arrays exactly, 1-D as a column, higher ranks as rows', () => {
    const f = Float32Array.from([0.1, -1.7, 3.3]);
    expect(readMatrixText(writeMatrixText({ dtype: 'float32', data: f, shape: [1, 3] })).data).toEqual(Float64Array.from(f));
    expect(decode(writeMatrixText({ dtype: 'int64', data: BigInt64Array.from([-9007199254740993n, 2n]), shape: [2] }))).toBe('-9007199254740993\n2\n');
    expect(decode(writeMatrixText({ dtype: 'uint8', data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2] }))).toBe('1 2 3 4\n5 6 7 8\n');
    expect(decode(writeMatrixText({ dtype: 'float64', data: Float64Array.from([4]), shape: [] }))).toBe('4\n');
    expect(() => writeMatrixText({ dtype: 'float64', data: new Float64Array(3), shape: [2, 2] })).toThrow(LrpError);
  });
});

describe('data file dispatch', () => {
  const a: NdArray = { dtype: 'float64', data: Float64Array.from([1, 2, 3, 4.5, 5, 6]), shape: [2, 3] };

  it('round-trips through .npy, .mat and .txt by extension', () => {
    for (const name of ['x.npy', 'x.mat', 'x.txt', 'DIR/X.NPY', 'y.MAT']) {
      expect(readDataFile(writeDataFile(a, name), name)).toEqual(a);
    }
    expect(readDataFile(writeDataFile(a, 'u.mat', { compress: false }), 'u.mat')).toEqual(a);
  });

  it('reads the only variable of a .mat file without `data`, and refuses ambiguity', () => {
    expect(readDataFile(writeMat({ images: a }), 'one.mat')).toEqual(a);
    const e = formatError(() => readDataFile(writeMat({ p: a, q: a }), 'two.mat'));
    expect(e.message).toMatch(/two\.mat: no variable 'data' and several variables \('p', 'q'\)/);
  });

  it('refuses unknown extensions with E_FORMAT', () => {
    expect(formatError(() => readDataFile(new Uint8Array(4), 'x.csv')).message).toMatch(/x\.csv: unknown data file extension '\.csv'/);
    expect(formatError(() => writeDataFile(a, 'noext')).message).toMatch(/\(none\)/);
    expect(dataFormatOf('a.b.Txt')).toBe('txt');
  });

  it('passes the file name into reader errors', () => {
    expect(formatError(() => readDataFile(new Uint8Array(3), 'bad.npy')).message).toMatch(/^bad\.npy, byte 0/);
    expect(formatError(() => readDataFile(new Uint8Array(3), 'bad.mat')).message).toMatch(/^bad\.mat, byte 0/);
    expect(formatError(() => readDataFile(text('1 2\n3'), 'bad.txt')).message).toMatch(/^bad\.txt, line 2/);
  });
});
