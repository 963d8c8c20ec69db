/**
 * The js backend's primitives on small hand-computed cases: every elementwise map and its edges
 * (0, ties, the stabiliser's sign), softmax with large logits, max pooling's tie split, and every
 * refusal with its message. The js backend is the oracle the other backends are compared with, so
 * its own kernels are pinned here, not only through whole explanations.
 */
import { describe, expect, it } from 'vitest';
import { JsOps, type JsTensor } from '../src/backends/js/ops.js';
import type { UnaryOp } from '../src/engine/ops.js';
import { windowGeometry } from '../src/model/shapes.js';
import { expectLrpError } from './support/expect-error.js';

const js = new JsOps();
const T = (data: number[], shape: number[]): JsTensor => js.tensor(Float64Array.from(data), shape);
const v = (t: JsTensor): number[] => Array.from(js.read(t));

describe('elementwise maps', () => {
  const x = T([-2, 0, 0.5, 3], [1, 4]);
  it.each([
    ['relu', [0, 0, 0.5, 3]],
    ['pos', [0, 0, 0.5, 3]],
    ['neg', [-2, 0, 0, 0]],
    ['square', [4, 0, 0.25, 9]],
    ['abs', [2, 0, 0.5, 3]],
    ['step', [0, 0, 1, 1]],
    ['ones', [1, 1, 1, 1]],
    ['tanh', [Math.tanh(-2), 0, Math.tanh(0.5), Math.tanh(3)]],
    ['sigmoid', [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(-3))]],
    ['tanhGrad', [1 - 4, 1, 0.75, 1 - 9]],
    ['sigmoidGrad', [-6, 0, 0.25, -6]],
  ] as [UnaryOp, number[]][])('%s', (op, want) => {
    const y = js.unary(op, x);
    expect(v(y)).toEqual(want);
    expect(y.shape).toEqual([1, 4]);
  });

  it('sqrt of a negative value is NaN, of the others the root', () => {
    expect(v(js.unary('sqrt', T([4, 0, -1], [3])))).toEqual([2, 0, Number.NaN]);
  });

  it('binary add, sub, mul; scale', () => {
    const a = T([1, -2, 3], [1, 3]);
    const b = T([4, 5, -6], [1, 3]);
    expect(v(js.binary('add', a, b))).toEqual([5, 3, -3]);
    expect(v(js.binary('sub', a, b))).toEqual([-3, -7, 9]);
    expect(v(js.binary('mul', a, b))).toEqual([4, -10, -18]);
    expect(v(js.scale(a, -0.5))).toEqual([-0.5, 1, -1.5]);
  });

  it('clip and inside (open interval)', () => {
    const x5 = T([-1, 0, 3, 6, 7], [5]);
    expect(v(js.clip(x5, 0, 6))).toEqual([0, 0, 3, 6, 6]);
    expect(v(js.inside(x5, 0, 6))).toEqual([0, 0, 1, 0, 0]);
  });

  it('divStab: r / (z + ε·sgn0(z)), sgn0(0) = +1, 0 where the denominator is 0', () => {
    const r = T([1, 1, 1, 1, 2], [5]);
    const z = T([0, -0.5, 0.5, -1e-3, 0], [5]);
    expect(v(js.divStab(r, z, { eps: 0.5 }))).toEqual([2, -1, 1, 1 / (-1e-3 - 0.5), 4]);
    expect(v(js.divStab(r, T([0, 2, 0, 0, 4], [5]), { eps: 0 }))).toEqual([0, 0.5, 0, 0, 0.5]);
  });
});

describe('softmax', () => {
  it('subtracts the row maximum: logits of ±1e4 stay finite', () => {
    const y = v(js.softmax(T([1e4, 1e4 - Math.log(3), -1e4, 0, 0, Math.log(2)], [2, 3])));
    [0.75, 0.25, 0, 0.25, 0.25, 0.5].forEach((want, i) => expect(y[i]).toBeCloseTo(want, 12));
  });

  it('softmaxT: yᵢ(sᵢ − Σ y·s)', () => {
    const y = T([0.5, 0.25, 0.25], [1, 3]);
    const s = T([1, 0, 2], [1, 3]);
    // Σ y·s = 0.5 + 0.5 = 1
    expect(v(js.softmaxT(y, s))).toEqual([0, -0.25, 0.25]);
  });
});

describe('max pooling', () => {
  const g = windowGeometry([2, 2, 1], [2, 2], [2, 2], 'valid', 'test');
  it('the maximum of each window; the signal split equally between tied maxima', () => {
    const x = T([1, 3, 3, -1], [1, 2, 2, 1]);
    const y = js.maxPool(x, g);
    expect(v(y)).toEqual([3]);
    expect(v(js.maxRoute(x, y, T([6], [1, 1, 1, 1]), g))).toEqual([0, 3, 3, 0]);
    const neg = T([-5, -2, -3, -4], [1, 2, 2, 1]);
    expect(v(js.maxPool(neg, g))).toEqual([-2]);
  });
});

describe('refusals', () => {
  it('shapes that differ, named by the operation', () => {
    const a = T([1, 2], [2]);
    const b = T([1, 2, 3], [3]);
    expect(expectLrpError(() => js.binary('mul', a, b), 'E_SHAPE').message).toBe('mul: shapes [2] and [3] differ');
    expect(expectLrpError(() => js.divStab(a, b, { eps: 0 }), 'E_SHAPE').message).toBe('divStab: shapes [2] and [3] differ');
    expect(expectLrpError(() => js.softmaxT(a, b), 'E_SHAPE').message).toBe('softmaxT: shapes [2] and [3] differ');
    expect(expectLrpError(() => js.reshape(b, [2, 2]), 'E_SHAPE').message).toBe('cannot reshape [3] to [2, 2]');
  });

  it('weight gradients of mismatched or empty batches', () => {
    expect(expectLrpError(() => js.denseGradW(T([1, 2], [1, 2]), T([1, 2], [2, 1])), 'E_SHAPE').message).toBe('denseGradW: batch sizes of [1, 2] and [2, 1] differ');
    expect(expectLrpError(() => js.denseGradW(T([], [0, 2]), T([], [0, 1])), 'E_SHAPE').message).toBe('denseGradW: batch sizes of [0, 2] and [0, 1] differ');
    const g = windowGeometry([3, 3, 1], [2, 2], [1, 1], 'valid', 'test');
    const x = T(new Array(9).fill(1), [1, 3, 3, 1]);
    expect(expectLrpError(() => js.convGradW(x, T(new Array(4).fill(1), [1, 2, 2]), g), 'E_SHAPE').message).toBe('convGradW: signal [1, 2, 2] does not fit input [1, 3, 3, 1]');
    expect(expectLrpError(() => js.convGradW(x, T(new Array(8).fill(1), [2, 2, 2, 1]), g), 'E_SHAPE').message).toMatch(/^convGradW: signal \[2, 2, 2, 1\]/);
    expect(expectLrpError(() => js.convGradW(x, T(new Array(3).fill(1), [1, 3, 1, 1]), g), 'E_SHAPE').message).toMatch(/^convGradW: signal \[1, 3, 1, 1\]/);
    expect(expectLrpError(() => js.convGradW(x, T(new Array(3).fill(1), [1, 1, 3, 1]), g), 'E_SHAPE').message).toMatch(/^convGradW: signal \[1, 1, 3, 1\]/);
    expect(v(js.convGradW(x, T([1, 2, 3, 4], [1, 2, 2, 1]), g))).toEqual([10, 10, 10, 10]);
  });

  it('affine on the wrong number of channels', () => {
    const x = T([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(v(js.affine(x, T([1, 2, 3], [3]), T([0, 0, 1], [3])))).toEqual([1, 4, 10, 4, 10, 19]);
    expect(v(js.affine(x, T([1, 2, 3], [3]), null))).toEqual([1, 4, 9, 4, 10, 18]);
    expect(expectLrpError(() => js.affine(x, T([1, 2], [2]), null), 'E_SHAPE').message).toBe('affine: 2 channels do not fit [2, 3]');
    expect(expectLrpError(() => js.affine(x, T([1, 2, 3], [3]), T([1], [1])), 'E_SHAPE').message).toBe('affine: 3 channels do not fit [2, 3]');
  });

  it('concat and slice along an axis out of range or parts that do not fit', () => {
    const a = T([1, 2, 3, 4], [2, 2]);
    const b = T([5, 6], [2, 1]);
    expect(v(js.concat([a, b], 1))).toEqual([1, 2, 5, 3, 4, 6]);
    expect(js.concat([a, b], 1).shape).toEqual([2, 3]);
    for (const axis of [0, 2, 0.5]) expect(expectLrpError(() => js.concat([a, b], axis), 'E_SHAPE').message).toBe(`axis ${axis} is out of range for [2, 2]`);
    expect(expectLrpError(() => js.concat([a, T([1, 2, 3], [3, 1])], 1), 'E_SHAPE').message).toBe('concat: [3, 1] does not fit [2, 2] along axis 1');
    expect(expectLrpError(() => js.concat([a, T([1, 2], [2, 1, 1])], 1), 'E_SHAPE').message).toBe('concat: [2, 1, 1] does not fit [2, 2] along axis 1');
    expect(v(js.slice(T([1, 2, 3, 4, 5, 6], [2, 3]), 1, 1, 2))).toEqual([2, 3, 5, 6]);
    expect(v(js.slice(T([1, 2, 3, 4, 5, 6], [2, 3]), 1, 3, 0))).toEqual([]);
    for (const [start, size] of [[-1, 1], [2, 2], [0, -1]]) {
      expect(expectLrpError(() => js.slice(T([1, 2, 3, 4, 5, 6], [2, 3]), 1, start!, size!), 'E_SHAPE').message).toBe(
        `slice: [${start}, ${start! + size!}) is outside axis 1 of [2, 3]`,
      );
    }
  });

  it('pad and crop need [N, H, W, C]; crop no more than there is', () => {
    const x = T([1, 2, 3, 4], [1, 2, 2, 1]);
    const p = js.pad(x, [1, 0, 0, 1]);
    expect(p.shape).toEqual([1, 3, 3, 1]);
    expect(v(p)).toEqual([0, 0, 0, 1, 2, 0, 3, 4, 0]);
    expect(v(js.crop(p, [1, 0, 0, 1]))).toEqual([1, 2, 3, 4]);
    expect(v(js.crop(p, [0, 3, 3, 0]))).toEqual([]);
    expect(expectLrpError(() => js.pad(T([1, 2], [1, 2]), [0, 0, 0, 0]), 'E_SHAPE').message).toBe('pad: expects [N, H, W, C], got [1, 2]');
    expect(expectLrpError(() => js.crop(T([1, 2], [1, 2]), [0, 0, 0, 0]), 'E_SHAPE').message).toBe('crop: expects [N, H, W, C], got [1, 2]');
    expect(expectLrpError(() => js.crop(p, [2, 2, 0, 0]), 'E_SHAPE').message).toBe('crop: [2, 2, 0, 0] is more than [1, 3, 3, 1]');
    expect(expectLrpError(() => js.crop(p, [0, 0, 4, 0]), 'E_SHAPE').message).toBe('crop: [0, 0, 4, 0] is more than [1, 3, 3, 1]');
  });
});

describe('handles', () => {
  it('tensor copies its data, param shares it, read returns a copy, reshape shares', () => {
    const data = Float64Array.of(1, 2);
    const t = js.tensor(data, [2]);
    data[0] = 9;
    expect(v(t)).toEqual([1, 2]);
    const p = js.param(data, [2]);
    expect(p.data).toBe(data);
    const r = js.read(t);
    r[0] = 7;
    expect(v(t)).toEqual([1, 2]);
    const s = js.reshape(t, [1, 2]);
    expect(s.data).toBe(t.data);
    expect(js.shape(s)).toEqual([1, 2]);
    expect(js.firstNonFinite(T([0, Number.NaN], [2]))).toBe(1);
    expect(js.name).toBe('js');
    expect(js.precision).toBe('float64');
  });
});
