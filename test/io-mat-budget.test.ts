import { describe, expect, it } from 'vitest';
import { readDataFile } from '../src/io/data-file.js';
import { readMat, readMatData, readMatVariable } from '../src/io/mat.js';
import { expectLrpError } from './support/expect-error.js';
import { MI, MX, compressed, concat, el, encode, matFile, matrix } from './support/mat-builder.js';

const le = true;

/** The header of a double matrix element (tag, flags, dims, name, data tag) declaring `dataBytes` of data. */
function matrixHead(dims: number[], name: string, dataBytes: number): Uint8Array {
  const flags = el(MI.UINT32, encode([MX.DOUBLE, 0], MI.UINT32, le), le);
  const dimsEl = el(MI.INT32, encode(dims, MI.INT32, le), le);
  const nameEl = el(MI.INT8, new TextEncoder().encode(name), le, true);
  const dataTag = new Uint8Array(8);
  new DataView(dataTag.buffer).setUint32(0, MI.DOUBLE, le);
  new DataView(dataTag.buffer).setUint32(4, dataBytes, le);
  const body = concat([flags, dimsEl, nameEl, dataTag]);
  const tag = new Uint8Array(8);
  new DataView(tag.buffer).setUint32(0, MI.MATRIX, le);
  new DataView(tag.buffer).setUint32(4, body.length + dataBytes, le);
  return concat([tag, body]);
}

/**
 * A deflate bomb: a zlib stream (fixed Huffman codes, written bit by bit) that inflates to `head`
 * followed by `zeros` zero bytes, as runs of 258-byte back-references, 13 bits each: 2 GiB of zeros
 * in about 13 MiB. Its Adler-32 is left zero (a reader that stops early never sees it).
 */
function deflateBomb(head: Uint8Array, zeros: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(((head.length + 300) * 9 + (zeros / 258) * 13) / 8) + 64);
  out[0] = 0x78;
  out[1] = 0x01;
  let pos = 2;
  let acc = 0;
  let nbits = 0;
  const bits = (value: number, n: number): void => {
    acc |= value << nbits;
    nbits += n;
    while (nbits >= 8) {
      out[pos++] = acc & 0xff;
      acc >>>= 8;
      nbits -= 8;
    }
  };
  const huff = (code: number, n: number): void => {
    let rev = 0;
    for (let i = 0; i < n; i++) rev |= ((code >> i) & 1) << (n - 1 - i);
    bits(rev, n);
  };
  const literal = (v: number): void => (v < 144 ? huff(0x30 + v, 8) : huff(0x190 + v - 144, 9));
  bits(1, 1); // BFINAL
  bits(1, 2); // fixed Huffman codes
  for (const b of head) literal(b);
  literal(0);
  let left = zeros - 1;
  for (; left >= 258; left -= 258) (huff(0xc5, 8), huff(0, 5)); // length 258 (code 285), distance 1
  for (; left > 0; left--) literal(0);
  huff(0, 7); // end of block
  if (nbits > 0) bits(0, 8 - nbits);
  return out.subarray(0, pos + 4);
}

const DATA = matrix(le, MX.DOUBLE, [2, 3], 'data', MI.DOUBLE, [1, 2, 3, 4, 5, 6]);
const zeroMatrix = (name: string, n: number): Uint8Array => concat([matrixHead([n, 1], name, 8 * n), new Uint8Array(8 * n)]);

describe('MAT files: only the requested variable is decompressed, and one budget caps each read', () => {
  // 2 GiB of declared zeros before `data`: the old reader inflated every variable and refused this file.
  const bombHead = matrixHead([1 << 14, 1 << 14], 'decoy', 2 ** 31);
  const bombStream = deflateBomb(bombHead, 2 ** 31);
  const bombFile = matFile(le, [el(MI.COMPRESSED, bombStream, le, false, false), compressed(DATA, le)]);

  it('the decoy really is a bomb: 2 GiB declared in a few MiB', () => {
    expect(bombStream.length).toBeLessThan(16 << 20);
    const e = expectLrpError(() => readMat(bombFile, 'bomb.mat'), 'E_FORMAT', /declares 2147483704 inflated bytes, over the limit/);
    expect(e.where).toBe('bomb.mat, byte 136');
  });

  it('reading `data` skips the decoy after its header: the whole read inflates under 10 kB', () => {
    const budget = { maxInflatedBytes: 10_000 };
    expect(Array.from(readMatVariable(bombFile, 'data', 'bomb.mat', budget).data as Float64Array)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(readMatData(bombFile, 'bomb.mat', budget).shape).toEqual([2, 3]);
    expect(readDataFile(bombFile, 'bomb.mat', budget).shape).toEqual([2, 3]);
    expect(readDataFile(bombFile, 'bomb.mat').shape).toEqual([2, 3]); // default budget: 1 GiB
  });

  it('asking for the decoy is refused by the budget, naming its offset', () => {
    const e = expectLrpError(() => readMatVariable(bombFile, 'decoy', 'bomb.mat'), 'E_FORMAT', /over the limit of \d+ left of the read's inflate budget of 1073741824 bytes/);
    expect(e.where).toBe('bomb.mat, byte 136');
  });

  it('the budget is for the whole read, not per variable', () => {
    const n = 75_000; // 600 kB each, compressed to under 1 kB
    const file = matFile(le, [compressed(zeroMatrix('a', n), le), compressed(zeroMatrix('b', n), le), compressed(DATA, le)]);
    const budget = { maxInflatedBytes: 1 << 20 };
    expect(readMatVariable(file, 'a', 'two.mat', budget).shape).toEqual([n, 1]);
    expect(readMatVariable(file, 'b', 'two.mat', budget).shape).toEqual([n, 1]);
    const e = expectLrpError(() => readMat(file, 'two.mat', budget), 'E_FORMAT', /left of the read's inflate budget of 1048576 bytes/);
    expect(e.where).toBe(`two.mat, byte ${128 + compressed(zeroMatrix('a', n), le).length + 8}`);
    expect(readMat(file, 'two.mat', { maxInflatedBytes: 2 << 20 }).size).toBe(3);
  });

  it('uncompressed variables are skipped by their declared sizes; readMatData picks `data` or the only numeric variable', () => {
    const file = matFile(le, [zeroMatrix('big', 1000), DATA]);
    expect(readMatData(file).shape).toEqual([2, 3]);
    expect(readMatData(matFile(le, [zeroMatrix('only', 4)])).shape).toEqual([4, 1]);
    expectLrpError(() => readMatData(matFile(le, [zeroMatrix('x', 1), zeroMatrix('y', 1)]), 'xy.mat'), 'E_FORMAT', /no variable 'data' and several variables \('x', 'y'\)/);
  });

  it('a spent budget is refused before the next header is peeked', () => {
    const file = matFile(le, [compressed(DATA, le), compressed(DATA, le)]);
    expectLrpError(() => readMatVariable(file, 'data', 'b.mat', { maxInflatedBytes: 100 }), 'E_FORMAT', /inflate budget of 100 bytes is spent/);
  });
});
