import { describe, expect, it } from 'vitest';
import { PickleGlobal, PickleObject, type PickleValue } from '../src/io/pickle.js';
import { decodePickledArray, intList } from '../src/io/pickled-ndarray.js';
import { expectLrpError } from './support/expect-error.js';

// numpy arrays as pickles hold them: `_reconstruct` + BUILD state (with or without the version),
// protocol 5's `_frombuffer`, dtype objects with their byte order, raw data as bytes or latin-1 text.

const g = (name: string, module = 'numpy.core.multiarray'): PickleGlobal => new PickleGlobal(module, name);
function obj(cls: PickleGlobal, args: PickleValue[], state?: PickleValue): PickleObject {
  const o = new PickleObject(cls, Object.freeze(args));
  if (state !== undefined) o.state = state;
  return o;
}
const dtype = (kind: PickleValue, order?: PickleValue): PickleObject =>
  obj(g('dtype', 'numpy'), [kind, false, true], order === undefined ? undefined : (Object.freeze([3, order, null, null, null, -1, -1, 0]) as PickleValue[]));
const tuple = (...v: PickleValue[]): PickleValue[] => Object.freeze(v) as PickleValue[];
const latin = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
function f8(values: number[], little = true, offset = 0): Uint8Array {
  const b = new Uint8Array(offset + 8 * values.length);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setFloat64(offset + 8 * i, x, little));
  return b.subarray(offset);
}
function f4(values: number[], little = true): Uint8Array {
  const b = new Uint8Array(4 * values.length);
  values.forEach((x, i) => new DataView(b.buffer).setFloat32(4 * i, x, little));
  return b;
}
const reconstruct = (state: PickleValue): PickleObject => obj(g('_reconstruct'), [g('ndarray'), tuple(0), latin('b')], state);
const budget = (left = 1 << 20): { left: number } => ({ left });
const decode = (v: PickleValue, b = budget()) => decodePickledArray(v, 'W', 'm.nn', b);
const refuse = (v: PickleValue, pattern: RegExp, b = budget()) => expectLrpError(() => decode(v, b), 'E_FORMAT', pattern);

describe('pickled numpy arrays', () => {
  it('reads the 5-tuple and 4-tuple BUILD states, C and Fortran order (True or 1)', () => {
    const data = f8([1, 2, 3, 4, 5, 6]);
    const c = decode(reconstruct(tuple(1, tuple(2, 3), dtype('f8', '<'), false, data)));
    expect(c.shape).toEqual([2, 3]);
    expect(Array.from(c.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const fortran = decode(reconstruct(tuple(1, tuple(2, 3), dtype('f8', '<'), true, data)));
    expect(Array.from(fortran.data)).toEqual([1, 3, 5, 2, 4, 6]);
    const one = decode(reconstruct(tuple(tuple(2, 3), dtype('f8', '<'), 1, data)));
    expect(Array.from(one.data)).toEqual([1, 3, 5, 2, 4, 6]);
    const zero = decode(reconstruct(tuple(tuple(2, 3), dtype('f8', '<'), 0, data)));
    expect(Array.from(zero.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const ndarray = decode(obj(g('ndarray'), [], tuple(tuple(3), dtype('f8'), false, f8([7, 8, 9]))));
    expect(Array.from(ndarray.data)).toEqual([7, 8, 9]);
  });

  it('returns a view on aligned host-order f8 data and a copy otherwise', () => {
    const data = f8([1, 2]);
    expect(decode(reconstruct(tuple(1, tuple(2), dtype('f8', '<'), false, data))).data.buffer).toBe(data.buffer);
    const odd = f8([1, 2], true, 4);
    const copy = decode(reconstruct(tuple(1, tuple(2), dtype('f8', '<'), false, odd)));
    expect(copy.data.buffer).not.toBe(odd.buffer);
    expect(Array.from(copy.data)).toEqual([1, 2]);
  });

  it('reads big-endian and native orders, f4 widened, dtype and data given as bytes or text', () => {
    expect(Array.from(decode(reconstruct(tuple(1, tuple(2), dtype('f8', '>'), false, f8([1.5, -2], false)))).data)).toEqual([1.5, -2]);
    expect(Array.from(decode(reconstruct(tuple(1, tuple(2), dtype('f8', '='), false, f8([3, 4])))).data)).toEqual([3, 4]);
    expect(Array.from(decode(reconstruct(tuple(1, tuple(2), dtype('f8', '|'), false, f8([3, 4])))).data)).toEqual([3, 4]);
    expect(Array.from(decode(reconstruct(tuple(1, tuple(2), dtype(latin('f4'), '>'), false, f4([0.5, -1], false)))).data)).toEqual([0.5, -1]);
    expect(Array.from(decode(reconstruct(tuple(1, tuple(1), dtype('f4', null), false, f4([0.25])))).data)).toEqual([0.25]);
    const asText = String.fromCharCode(...f8([2.5]));
    expect(Array.from(decode(reconstruct(tuple(1, tuple(1), dtype('f8'), false, asText))).data)).toEqual([2.5]);
  });

  it('reads protocol 5 _frombuffer in C and F order', () => {
    const fb = (order: PickleValue, args?: PickleValue[]) =>
      obj(g('_frombuffer', 'numpy.core.numeric'), args ?? [f8([1, 2, 3, 4]), dtype('f8', '<'), tuple(2, 2), order]);
    expect(Array.from(decode(fb('C')).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(decode(fb(latin('F'))).data)).toEqual([1, 3, 2, 4]);
    refuse(fb('X'), /^m\.nn, W: numpy _frombuffer order "X" is not 'C' or 'F'$/);
    refuse(fb('C', [f8([1]), dtype('f8')]), /^m\.nn, W: numpy _frombuffer needs \(buffer, dtype, shape, order\)$/);
    const built = fb('C');
    built.state = null;
    refuse(built, /^m\.nn, W: is not a numpy array$/);
  });

  it('refuses what is not an array, with the array named', () => {
    refuse(5, /^m\.nn, W: is not a numpy array$/);
    refuse(obj(g('other'), [], tuple(1, tuple(1), dtype('f8'), false, f8([1]))), /^m\.nn, W: is not a numpy array$/);
    refuse(reconstruct(tuple(1, tuple(1), dtype('f8'))), /^m\.nn, W: numpy array has no \(version, shape, dtype, fortran, data\) state$/);
    refuse(reconstruct(null), /no \(version, shape, dtype, fortran, data\) state/);
    refuse(reconstruct(tuple(1, tuple(1), 'f8', false, f8([1]))), /^m\.nn, W: numpy array has no dtype$/);
    refuse(reconstruct(tuple(1, tuple(1), obj(g('float64'), ['f8']), false, f8([1]))), /numpy array has no dtype/);
    refuse(reconstruct(tuple(1, tuple(1), dtype('i4'), false, f8([1]))), /^m\.nn, W: numpy dtype "i4" is not supported \(need f8 or f4\)$/);
    refuse(reconstruct(tuple(1, tuple(1), dtype('f8', 'X'), false, f8([1]))), /^m\.nn, W: numpy byte order "X" is not supported$/);
    refuse(reconstruct(tuple(1, tuple(1), dtype('f8'), false, 7)), /^m\.nn, W: numpy array data is not a byte string$/);
    refuse(reconstruct(tuple(1, tuple(1), dtype('f8'), false, '\u0100'.repeat(8))), /^m\.nn, W: numpy array data holds a character outside latin-1$/);
    refuse(
      reconstruct(tuple(1, tuple(2, 3), dtype('f8'), false, f8([1, 2, 3, 4, 5]))),
      /^m\.nn, W: numpy array of shape \(2, 3\) needs 48 bytes of data, got 40$/,
    );
  });

  it('refuses shapes that are not tuples of non-negative integers', () => {
    for (const shape of [tuple(2, -1), tuple(1.5), tuple('a'), 3, tuple(null)]) {
      refuse(reconstruct(tuple(1, shape, dtype('f8'), false, f8([1]))), /^m\.nn, W: array shape is not a tuple of non-negative integers$/);
    }
    expect(intList(tuple(0, 2), 'pool', 'x')).toEqual([0, 2]);
    expectLrpError(() => intList(tuple(1, -2), 'pool', 'x'), 'E_FORMAT', /^x: pool is not a tuple of non-negative integers$/);
  });

  it('counts decoded bytes against the budget', () => {
    const arr = reconstruct(tuple(1, tuple(2), dtype('f8'), false, f8([1, 2])));
    const b = budget(16);
    expect(Array.from(decode(arr, b).data)).toEqual([1, 2]);
    expect(b.left).toBe(0);
    refuse(arr, /^m\.nn, W: arrays add up to more bytes than the file holds \(shared arrays are not supported\)$/, budget(15));
  });
});
