import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { expectLrpError } from './support/expect-error.js';
import { npyBytes } from './support/npy-bytes.js';

// The header rules of the .npy format at their edges: header lengths NumPy writes, version choice,
// dtype strings, shape limits, and the exact place each refusal names.

const f8 = (values: number[]): Uint8Array => new Uint8Array(Float64Array.from(values).buffer);
const dictOf = (descr: string, shape: string, fortran = 'False'): string => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
const ones = (n: number): number[] => new Array<number>(n).fill(1);

/** Version byte and header length field of written `.npy` bytes. */
function headerField(bytes: Uint8Array): { major: number; headerLen: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  return { major, headerLen: major === 1 ? view.getUint16(8, true) : view.getUint32(8, true) };
}

describe('npy writer header layout (lengths as NumPy 2.4 numpy.save writes them)', () => {
  it('adds a whole 64-byte block when the header would end exactly on a 64-byte boundary', () => {
    // 36 dims: prefix 10 + padded dict 181 + newline = 192, a multiple of 64; NumPy pads 64 more.
    const bytes = writeNpy({ dtype: 'float64', data: new Float64Array(1), shape: ones(36) });
    expect(headerField(bytes)).toEqual({ major: 1, headerLen: 246 });
    expect(bytes.length).toBe(256 + 8);
    expect(bytes[255]).toBe(0x0a);
    expect(bytes.subarray(191, 255).every((b) => b === 0x20)).toBe(true);
  });

  it('pads for the first axis to grow to 21 digits (17 dims: 182-byte header, not 118)', () => {
    const bytes = writeNpy({ dtype: 'float64', data: new Float64Array(1), shape: ones(17) });
    expect(headerField(bytes)).toEqual({ major: 1, headerLen: 182 });
    const text = new TextDecoder().decode(bytes.subarray(10, 192));
    expect(text.startsWith(dictOf('<f8', `(${ones(17).join(', ')})`) + ' '.repeat(20))).toBe(true);
    const wide = writeNpy({ dtype: 'uint8', data: new Uint8Array(123456789).subarray(0, 0), shape: [0, 123456789] });
    const wideText = new TextDecoder().decode(wide.subarray(10, 10 + headerField(wide).headerLen));
    // 21 - len('0') = 20 spaces after the dict, whatever the later axes are.
    expect(wideText.startsWith(`${dictOf('|u1', '(0, 123456789)')}${' '.repeat(20)}`)).toBe(true);
    expect(readNpy(wide).shape).toEqual([0, 123456789]);
  });

  it('keeps version 1.0 up to a 65535-byte header and switches to 2.0 beyond', () => {
    const v1 = writeNpy({ dtype: 'float64', data: new Float64Array(1), shape: ones(21797) });
    expect(headerField(v1)).toEqual({ major: 1, headerLen: 65526 });
    expect(v1.length).toBe(65536 + 8);
    const v2 = writeNpy({ dtype: 'float64', data: new Float64Array(1), shape: ones(21820) });
    expect(headerField(v2)).toEqual({ major: 2, headerLen: 65588 });
    expect(Array.from(v2.subarray(6, 8))).toEqual([2, 0]);
    expect(v2.length).toBe(65600 + 8);
    expect(v2[65599]).toBe(0x0a);
    expect(new Float64Array(v2.slice(65600).buffer)[0]).toBe(0);
  });

  it('refuses bad dimensions and mismatched data with the figures', () => {
    expectLrpError(() => writeNpy({ dtype: 'float64', data: new Float64Array(6), shape: [-2, -3] }), 'E_SHAPE', /cannot write shape \(-2, -3\): bad dimension -2/);
    expectLrpError(() => writeNpy({ dtype: 'float64', data: new Float64Array(2), shape: [1.5, 2] }), 'E_SHAPE', /bad dimension 1\.5/);
    expectLrpError(() => writeNpy({ dtype: 'float64', data: new Float64Array(5), shape: [2, 3] }), 'E_SHAPE', /^data has 5 elements but shape \(2, 3\) needs 6$/);
    expectLrpError(() => writeNpy({ dtype: 'float32', data: new Float64Array(6), shape: [2, 3] }), 'E_INPUT', /^dtype is float32 but data is a Float64Array$/);
  });
});

describe('npy reader header edges', () => {
  const data = f8([1, 2, 3, 4, 5, 6]);

  it('accepts dtype strings without a byte-order mark and refuses text around them', () => {
    expect(readNpy(npyBytes(dictOf('f8', '(6,)'), data)).data).toEqual(Float64Array.from([1, 2, 3, 4, 5, 6]));
    expectLrpError(() => readNpy(npyBytes(dictOf('x<f8', '(6,)'), data)), 'E_FORMAT', /unsupported dtype 'x<f8'/);
    expectLrpError(() => readNpy(npyBytes(dictOf('<f8x', '(6,)'), data)), 'E_FORMAT', /unsupported dtype '<f8x'/);
  });

  it('refuses headers that are not dicts, or whose shape is not a tuple of sizes, naming the header offset', () => {
    expectLrpError(() => readNpy(npyBytes('[1, 2]', data), 'a.npy'), 'E_FORMAT', /^a\.npy, byte 10: header is not a dict$/);
    expectLrpError(() => readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': 6}", data)), 'E_FORMAT', /header 'shape' must be a tuple/);
    expectLrpError(() => readNpy(npyBytes(dictOf('<f8', '(True,)'), data)), 'E_FORMAT', /byte 10: shape entry true is not a size/);
    expectLrpError(() => readNpy(npyBytes(dictOf('<f8', "('a',)"), data)), 'E_FORMAT', /shape entry "a" is not a size/);
  });

  it('allows 64 dimensions and refuses 65', () => {
    expect(readNpy(npyBytes(dictOf('<f8', `(${ones(64).join(', ')})`), data)).shape).toEqual(ones(64));
    expectLrpError(() => readNpy(npyBytes(dictOf('<f8', `(${ones(65).join(', ')})`), data)), 'E_FORMAT', /shape has 65 dimensions \(at most 64\)/);
  });

  it('checks the size of every axis even when another axis is 0', () => {
    const big = '(0, 4294967296, 4294967296, 4294967296)';
    expectLrpError(() => readNpy(npyBytes(dictOf('<f8', big), data)), 'E_FORMAT', /shape \(0, 4294967296, 4294967296, 4294967296\) is absurdly large/);
    // 2^53 - 1 elements is a size (refused only because the bytes are missing).
    expectLrpError(() => readNpy(npyBytes(dictOf('u1', '(9007199254740991,)'), data)), 'E_FORMAT', /truncated: shape \(9007199254740991\) of uint8 needs 9007199254740991 data bytes but only 48 are present/);
  });

  it('names the missing data bytes and where the data starts', () => {
    expectLrpError(() => readNpy(npyBytes(dictOf('<f8', '(7, 1)'), data), 'x.npy'), 'E_FORMAT', /^x\.npy, byte 128: truncated: shape \(7, 1\) of float64 needs 56 data bytes but only 48 are present$/);
  });

  it('refuses versions 0 and 4, and a version 2.0 file cut inside its 4-byte header length', () => {
    expectLrpError(() => readNpy(npyBytes(dictOf('<f8', '(6,)'), data, 0)), 'E_FORMAT', /byte 6: unsupported \.npy format version 0\.0/);
    const cut = npyBytes(dictOf('<f8', '(6,)'), data, 2).slice(0, 10);
    expectLrpError(() => readNpy(cut), 'E_FORMAT', /^npy, byte 8: truncated: header length needs 4 bytes but only 2 remain$/);
    expectLrpError(() => readNpy(new Uint8Array(9)), 'E_FORMAT', /^npy, byte 0: truncated: npy magic and version needs 10 bytes/);
  });

  it('decodes version 1.0/2.0 headers as latin-1 and version 3.0 headers as strict UTF-8', () => {
    // '#' stands for the single latin-1 byte e9 (é), which is not valid UTF-8 on its own.
    const latin1 = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'note': 'caf#'}", data);
    latin1[latin1.indexOf(0x23)] = 0xe9;
    expect(readNpy(latin1).shape).toEqual([6]);
    const v3 = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'note': 'caf\u00e9'}", data, 3);
    v3[v3.indexOf(0xc3)] = 0xff;
    expectLrpError(() => readNpy(v3, 'u.npy'), 'E_FORMAT', /^u\.npy, byte 12: header is not valid UTF-8$/);
    const v3ok = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'note': 'caf\u00e9'}", data, 3);
    expect(readNpy(v3ok).shape).toEqual([6]);
  });
});
