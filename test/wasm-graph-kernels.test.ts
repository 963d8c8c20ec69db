import { describe, expect, it } from 'vitest';
import { JsOps, type JsTensor } from '../src/backends/js/ops.js';
import { WasmOps, type WasmTensor } from '../src/backends/wasm/ops.js';
import type { Padding } from '../src/model/layers.js';
import { windowGeometry } from '../src/model/shapes.js';
import { relError, uniform } from './support/random-model.js';

// The graph primitives of the wasm core (SIMD and scalar builds) against the js backend, on sizes
// that exercise the SIMD bodies and their scalar tails.

const rnd = uniform(70707);
const randn = (n: number): Float64Array => Float64Array.from({ length: n }, () => rnd() * 2 - 1);
const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
const simd = WasmOps.createSync({ simd: true });
const scalar = WasmOps.createSync({ simd: false });
const js = new JsOps();

type Case = (o: { js: JsOps; w: WasmOps }) => { a: JsTensor; b: WasmTensor };

function agree(name: string, run: Case, tol = 1e-5): void {
  for (const [build, w] of [['simd', simd], ['scalar', scalar]] as const) {
    w.beginScope();
    try {
      const { a, b } = run({ js, w });
      expect(b.shape, `${name} ${build}`).toEqual(a.shape);
      expect(relError(w.read(b), a.data), `${name} ${build}`).toBeLessThanOrEqual(tol);
    } finally {
      w.endScope();
    }
  }
}

/** The same host data as a js tensor and a wasm tensor (rounded to float32 for both). */
function both(w: WasmOps, data: Float64Array, shape: number[]): [JsTensor, WasmTensor] {
  const d = f32(data);
  return [js.tensor(d, shape), w.tensor(d, shape)];
}

describe('wasm graph kernels = js', () => {
  for (const [c, m, k, s, d, pad] of [
    [6, 1, 3, 1, [1, 1], 'same'],
    [9, 1, 3, 2, [2, 2], 'valid'],
    [5, 3, 2, 1, [1, 3], [1, 0, 2, 1]],
    [4, 2, 3, 2, [3, 1], 'same'],
  ] as [number, number, number, number, [number, number], Padding][]) {
    it(`depthwise conv and transpose: C=${c}, M=${m}, ${k}x${k}, stride ${s}, dilation ${d.join('x')}, padding ${String(pad)}`, () => {
      const g = windowGeometry([9, 8, c], [k, k], [s, s], pad, 'test', d);
      const x = randn(2 * 9 * 8 * c);
      const w = randn(k * k * c * m);
      const b = randn(c * m);
      const sig = randn(2 * g.outH * g.outW * c * m);
      agree('depthwiseConv', ({ js: o, w: ow }) => {
        const [xa, xb] = both(ow, x, [2, 9, 8, c]);
        const [wa, wb] = both(ow, w, [k, k, c, m]);
        const [ba, bb] = both(ow, b, [c * m]);
        return { a: o.depthwiseConv(xa, wa, ba, g), b: ow.depthwiseConv(xb, wb, bb, g) };
      });
      agree('depthwiseConvT', ({ js: o, w: ow }) => {
        const [sa, sb] = both(ow, sig, [2, g.outH, g.outW, c * m]);
        const [wa, wb] = both(ow, w, [k, k, c, m]);
        return { a: o.depthwiseConvT(sa, wa, g), b: ow.depthwiseConvT(sb, wb, g) };
      });
    });
  }

  it('the SIMD and scalar builds agree bitwise on depthwise conv, its transpose and affine (same float operations)', () => {
    const g = windowGeometry([6, 7, 9], [3, 3], [1, 2], 'same', 'test', [1, 2]);
    const x = randn(2 * 6 * 7 * 9);
    const w = randn(81);
    const b = randn(9);
    const s = randn(2 * g.outH * g.outW * 9);
    const run = (o: WasmOps): Float32Array[] => {
      o.beginScope();
      try {
        const wt = o.tensor(w, [3, 3, 9, 1]);
        return [
          o.read(o.depthwiseConv(o.tensor(x, [2, 6, 7, 9]), wt, o.tensor(b, [9]), g)),
          o.read(o.depthwiseConvT(o.tensor(s, [2, g.outH, g.outW, 9]), wt, g)),
          o.read(o.affine(o.tensor(x, [2, 6, 7, 9]), o.tensor(b, [9]), o.tensor(w.subarray(0, 9), [9]))),
        ];
      } finally {
        o.endScope();
      }
    };
    const [a, c] = [run(simd), run(scalar)];
    a.forEach((t, k) => expect(Array.from(t)).toEqual(Array.from(c[k]!)));
  });

  it('the depthwise transpose is the adjoint of the forward map: <s, D x> = <Dᵀ s, x>', () => {
    const g = windowGeometry([7, 7, 3], [3, 3], [2, 1], 'same', 'test', [2, 1]);
    const x = js.tensor(randn(7 * 7 * 3), [1, 7, 7, 3]);
    const w = js.tensor(randn(9 * 3 * 2), [3, 3, 3, 2]);
    const s = js.tensor(randn(g.outH * g.outW * 6), [1, g.outH, g.outW, 6]);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((acc, v, i) => acc + v * b[i]!, 0);
    expect(dot(s.data, js.depthwiseConv(x, w, null, g).data)).toBeCloseTo(dot(js.depthwiseConvT(s, w, g).data, x.data), 12);
  });

  for (const [k, s, d, pad] of [
    [3, 1, [2, 2], 'same'],
    [2, 2, [3, 1], 'valid'],
    [3, 1, [1, 2], [2, 1, 0, 3]],
  ] as [number, number, [number, number], Padding][]) {
    it(`dilated conv, transpose and weight gradient: ${k}x${k}, stride ${s}, dilation ${d.join('x')}, padding ${String(pad)}`, () => {
      const g = windowGeometry([10, 9, 3], [k, k], [s, s], pad, 'test', d);
      const x = randn(2 * 10 * 9 * 3);
      const w = randn(k * k * 3 * 5);
      const sig = randn(2 * g.outH * g.outW * 5);
      agree('conv', ({ js: o, w: ow }) => {
        const [xa, xb] = both(ow, x, [2, 10, 9, 3]);
        const [wa, wb] = both(ow, w, [k, k, 3, 5]);
        return { a: o.conv(xa, wa, null, g), b: ow.conv(xb, wb, null, g) };
      });
      agree('convT', ({ js: o, w: ow }) => {
        const [sa, sb] = both(ow, sig, [2, g.outH, g.outW, 5]);
        const [wa, wb] = both(ow, w, [k, k, 3, 5]);
        return { a: o.convT(sa, wa, g), b: ow.convT(sb, wb, g) };
      });
      agree('convGradW', ({ js: o, w: ow }) => {
        const [xa, xb] = both(ow, x, [2, 10, 9, 3]);
        const [sa, sb] = both(ow, sig, [2, g.outH, g.outW, 5]);
        return { a: o.convGradW(xa, sa, g), b: ow.convGradW(xb, sb, g) };
      });
    });
  }

  it('a dilated conv reads every d-th pixel (hand-computed)', () => {
    const g = windowGeometry([1, 5, 1], [1, 2], [1, 1], 'valid', 'test', [1, 3]);
    const x = js.tensor(Float64Array.from([1, 2, 3, 4, 5]), [1, 1, 5, 1]);
    const w = js.tensor(Float64Array.from([10, 1]), [1, 2, 1, 1]);
    expect(Array.from(js.conv(x, w, null, g).data)).toEqual([14, 25]);
    simd.beginScope();
    expect(Array.from(simd.read(simd.conv(simd.tensor(x.data, x.shape), simd.tensor(w.data, w.shape), null, g)))).toEqual([14, 25]);
    simd.endScope();
  });

  for (const c of [1, 4, 7]) {
    it(`per-channel affine with and without shift, C=${c}`, () => {
      const x = randn(3 * 5 * c);
      const sc = randn(c);
      const sh = randn(c);
      agree('affine', ({ js: o, w: ow }) => {
        const [xa, xb] = both(ow, x, [3, 5, c]);
        const [sa, sb] = both(ow, sc, [c]);
        const [ha, hb] = both(ow, sh, [c]);
        return { a: o.affine(xa, sa, ha), b: ow.affine(xb, sb, hb) };
      });
      agree('affine no shift', ({ js: o, w: ow }) => {
        const [xa, xb] = both(ow, x, [3, 5, c]);
        const [sa, sb] = both(ow, sc, [c]);
        return { a: o.affine(xa, sa, null), b: ow.affine(xb, sb, null) };
      });
    });
  }

  it('clip and its derivative mask', () => {
    const x = Float64Array.from([-3, -1, -0.5, 0, 0.5, 2, 2.5, 6, 7]);
    agree('clip', ({ js: o, w: ow }) => {
      const [a, b] = both(ow, x, [1, 9]);
      return { a: o.clip(a, -1, 2), b: ow.clip(b, -1, 2) };
    }, 0);
    agree('inside', ({ js: o, w: ow }) => {
      const [a, b] = both(ow, x, [1, 9]);
      return { a: o.inside(a, 0, 6), b: ow.inside(b, 0, 6) };
    }, 0);
    expect(Array.from(js.inside(js.tensor(x, [1, 9]), 0, 6).data)).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0]);
    expect(Array.from(js.clip(js.tensor(x, [1, 9]), -1, 2).data)).toEqual([-1, -1, -0.5, 0, 0.5, 2, 2, 2, 2]);
  });

  for (const axis of [1, 2, 3]) {
    it(`concat and slice along axis ${axis} move the same elements`, () => {
      const shapes = [[2, 3, 4, 2], [2, 3, 4, 2], [2, 3, 4, 2]].map((s, k) => s.map((d, j) => (j === axis ? d + k : d)));
      const parts = shapes.map((s) => randn(s.reduce((a, b) => a * b, 1)));
      agree('concat', ({ js: o, w: ow }) => {
        const p = parts.map((d, k) => both(ow, d, shapes[k]!));
        return { a: o.concat(p.map((t) => t[0]), axis), b: ow.concat(p.map((t) => t[1]), axis) };
      }, 0);
      agree('slice', ({ js: o, w: ow }) => {
        const [a, b] = both(ow, parts[2]!, shapes[2]!);
        return { a: o.slice(a, axis, 1, shapes[2]![axis]! - 2), b: ow.slice(b, axis, 1, shapes[2]![axis]! - 2) };
      }, 0);
    });
  }

  it('concat then slice gives the parts back; pad then crop gives the input back, zeros around it', () => {
    const a = js.tensor(randn(12), [1, 2, 3, 2]);
    const b = js.tensor(randn(6), [1, 2, 3, 1]);
    const c = js.concat([a, b], 3);
    expect(c.shape).toEqual([1, 2, 3, 3]);
    expect(js.slice(c, 3, 0, 2).data).toEqual(a.data);
    expect(js.slice(c, 3, 2, 1).data).toEqual(b.data);
    const p = js.pad(a, [1, 2, 0, 1]);
    expect(p.shape).toEqual([1, 5, 4, 2]);
    expect(p.data.reduce((s, v) => s + Math.abs(v), 0)).toBeCloseTo(a.data.reduce((s, v) => s + Math.abs(v), 0), 14);
    expect(js.crop(p, [1, 2, 0, 1]).data).toEqual(a.data);
    agree('pad', ({ js: o, w: ow }) => {
      const [x, y] = both(ow, a.data, [1, 2, 3, 2]);
      return { a: o.pad(x, [2, 0, 1, 3]), b: ow.pad(y, [2, 0, 1, 3]) };
    }, 0);
    agree('crop', ({ js: o, w: ow }) => {
      const [x, y] = both(ow, p.data, [1, 5, 4, 2]);
      return { a: o.crop(x, [1, 2, 0, 1]), b: ow.crop(y, [1, 2, 0, 1]) };
    }, 0);
  });
});
