import { describe, expect, it } from 'vitest';
import { JsOps } from '../src/backends/js/ops.js';
import { WasmOps, type WasmTensor } from '../src/backends/wasm/ops.js';
import type { Ops } from '../src/engine/ops.js';
import type { Padding } from '../src/model/layers.js';
import { type WindowGeometry, windowGeometry } from '../src/model/shapes.js';
import { LrpError } from '../src/errors.js';
import { relError, uniform } from './support/random-model.js';

// Weight-gradient kernels (denseGradW, convGradW) on every backend against naive loops.

const rnd = uniform(77);
/** Uniform values in [-1, 1], rounded to float32 so float64 references see the wasm inputs. */
function rand(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.fround(rnd() * 2 - 1);
  return a;
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  return relError(a, b);
}

function naiveDenseGradW(x: Float64Array, s: Float64Array, n: number, m: number, k: number): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let r = 0; r < n; r++) acc += x[r * m + i]! * s[r * k + j]!;
      out[i * k + j] = acc;
    }
  }
  return out;
}

function naiveConvGradW(x: Float64Array, s: Float64Array, n: number, g: WindowGeometry, nf: number): Float64Array {
  const out = new Float64Array(g.kH * g.kW * g.inC * nf);
  for (let ky = 0; ky < g.kH; ky++) {
    for (let kx = 0; kx < g.kW; kx++) {
      for (let c = 0; c < g.inC; c++) {
        for (let f = 0; f < nf; f++) {
          let acc = 0;
          for (let b = 0; b < n; b++) {
            for (let oy = 0; oy < g.outH; oy++) {
              for (let ox = 0; ox < g.outW; ox++) {
                const iy = oy * g.sH + ky - g.pad[0];
                const ix = ox * g.sW + kx - g.pad[2];
                if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) continue;
                acc += x[((b * g.inH + iy) * g.inW + ix) * g.inC + c]! * s[((b * g.outH + oy) * g.outW + ox) * nf + f]!;
              }
            }
          }
          out[((ky * g.kW + kx) * g.inC + c) * nf + f] = acc;
        }
      }
    }
  }
  return out;
}

const backends: [string, Ops<unknown>, number][] = [
  ['js', new JsOps() as Ops<unknown>, 1e-12],
  ['wasm simd', WasmOps.createSync({ simd: true }) as Ops<unknown>, 1e-5],
  ['wasm scalar', WasmOps.createSync({ simd: false }) as Ops<unknown>, 1e-5],
];

function run<T>(ops: Ops<T>, fn: () => T): Float64Array {
  ops.beginScope();
  try {
    return Float64Array.from(ops.read(fn()));
  } finally {
    ops.endScope();
  }
}

const denseCases: [number, number, number][] = [
  [1, 1, 1], [3, 5, 2], [25, 784, 10], [7, 33, 65], [64, 100, 9], [300, 17, 130], [5, 1, 12],
];

const convCases: { n: number; h: number; w: number; c: number; k: [number, number]; s: [number, number]; pad: Padding; nf: number }[] = [
  { n: 2, h: 8, w: 8, c: 1, k: [5, 5], s: [1, 1], pad: 'valid', nf: 6 },
  { n: 3, h: 7, w: 9, c: 3, k: [3, 3], s: [2, 1], pad: 'same', nf: 4 },
  { n: 2, h: 6, w: 6, c: 5, k: [1, 1], s: [1, 1], pad: 'valid', nf: 7 },
  { n: 2, h: 4, w: 4, c: 3, k: [4, 4], s: [1, 1], pad: 'valid', nf: 5 },
  { n: 4, h: 12, w: 12, c: 16, k: [5, 5], s: [1, 1], pad: [1, 2, 0, 1], nf: 32 },
  { n: 40, h: 28, w: 28, c: 1, k: [5, 5], s: [1, 1], pad: 'valid', nf: 16 },
];

describe.each(backends)('weight gradients on %s', (_name, ops, tol) => {
  it.each(denseCases)('denseGradW of x[%i, %i] and s[·, %i] equals the naive xᵀ·s', (n, m, k) => {
    const x = rand(n * m);
    const s = rand(n * k);
    const got = run(ops, () => ops.denseGradW(ops.tensor(x, [n, m]), ops.tensor(s, [n, k])));
    expect(relErr(got, naiveDenseGradW(x, s, n, m, k))).toBeLessThan(tol);
  });

  it('denseGradW with a ones column gives the bias gradient (column sums)', () => {
    const s = rand(37 * 11);
    const got = run(ops, () => ops.denseGradW(ops.tensor(new Float64Array(37).fill(1), [37, 1]), ops.tensor(s, [37, 11])));
    const want = new Float64Array(11);
    for (let r = 0; r < 37; r++) for (let j = 0; j < 11; j++) want[j] += s[r * 11 + j]!;
    expect(relErr(got, want)).toBeLessThan(tol);
  });

  it.each(convCases)('convGradW equals the naive weight gradient (%o)', ({ n, h, w, c, k, s: st, pad, nf }) => {
    const g = windowGeometry([h, w, c], k, st, pad, 'test');
    const x = rand(n * h * w * c);
    const s = rand(n * g.outH * g.outW * nf);
    const got = run(ops, () => ops.convGradW(ops.tensor(x, [n, h, w, c]), ops.tensor(s, [n, g.outH, g.outW, nf]), g));
    expect(relErr(got, naiveConvGradW(x, s, n, g, nf))).toBeLessThan(tol);
  });

  it('convGradW is the adjoint of conv: <conv(x, W), s> = <W, convGradW(x, s)>', () => {
    const g = windowGeometry([6, 7, 2], [3, 2], [1, 2], 'same', 'test');
    const x = rand(2 * 6 * 7 * 2);
    const W = rand(3 * 2 * 2 * 3);
    const s = rand(2 * g.outH * g.outW * 3);
    const y = run(ops, () => ops.conv(ops.tensor(x, [2, 6, 7, 2]), ops.param(W, [3, 2, 2, 3]), null, g));
    const gw = run(ops, () => ops.convGradW(ops.tensor(x, [2, 6, 7, 2]), ops.tensor(s, [2, g.outH, g.outW, 3]), g));
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < y.length; i++) lhs += y[i]! * s[i]!;
    for (let i = 0; i < W.length; i++) rhs += W[i]! * gw[i]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
  });

  it('refuses mismatched batch sizes with E_SHAPE', () => {
    ops.beginScope();
    try {
      expect(() => ops.denseGradW(ops.tensor(rand(6), [2, 3]), ops.tensor(rand(12), [3, 4]))).toThrow(LrpError);
      const g = windowGeometry([4, 4, 1], [3, 3], [1, 1], 'valid', 'test');
      expect(() => ops.convGradW(ops.tensor(rand(16), [1, 4, 4, 1]), ops.tensor(rand(3 * 4 * 2), [3, 2, 2, 2]), g)).toThrow(LrpError);
    } finally {
      ops.endScope();
    }
  });
});

describe('weight gradients of the two wasm builds', () => {
  it('SIMD and scalar builds give bitwise equal results', () => {
    const a = WasmOps.createSync({ simd: true });
    const b = WasmOps.createSync({ simd: false });
    const g = windowGeometry([12, 12, 6], [5, 5], [1, 1], 'valid', 'test');
    const x = rand(8 * 12 * 12 * 6);
    const s = rand(8 * g.outH * g.outW * 16);
    const sd = rand(8 * 10);
    const go = (o: WasmOps): Float32Array => {
      o.beginScope();
      try {
        const t = o.convGradW(o.tensor(x, [8, 12, 12, 6]), o.tensor(s, [8, g.outH, g.outW, 16]), g) as WasmTensor;
        const d = o.denseGradW(o.tensor(x, [8, 864]), o.tensor(sd, [8, 10]));
        return Float32Array.from([...o.read(t), ...o.read(d)]);
      } finally {
        o.endScope();
      }
    };
    const ra = go(a);
    const rb = go(b);
    expect(Buffer.from(ra.buffer).equals(Buffer.from(rb.buffer))).toBe(true);
  });
});
