import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import type { UnaryOp } from '../src/engine/ops.js';
import { JsOps } from '../src/backends/js/ops.js';
import { type WindowGeometry, windowGeometry } from '../src/model/shapes.js';
import type { Padding } from '../src/model/layers.js';
import { initWasm, initWasmSync, compileWasm, pickBuild, simdSupported, wasmBytes } from '../src/backends/wasm/module.js';
import { WasmMemory } from '../src/backends/wasm/memory.js';
import { WasmOps, type WasmTensor } from '../src/backends/wasm/ops.js';
import { relError, uniform } from './support/random-model.js';

// ---- helpers ----------------------------------------------------------------------------------

const rnd = uniform(20240607);
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
function randn(n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (rnd() * 2 - 1) * scale;
  return a;
}
/** Small integers: many exact ties for max pooling. */
function randInts(n: number, k: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = int(-k, k);
  return a;
}
/** Rounds to float32 so the float64 references see the same inputs as the wasm backend. */
const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));

/** max|a − b| / max|b| (the conformance error measure). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  return relError(a, b);
}
const TOL = 1e-4;

const simd = WasmOps.createSync({ simd: true });
const scalar = WasmOps.createSync({ simd: false });
const js = new JsOps();

function sameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
      throw new Error(`SIMD and scalar builds differ at ${i}: ${a[i]} vs ${b[i]}`);
    }
  }
}

/** Runs `fn` on both builds inside a scope, checks they agree bitwise, returns the SIMD result. */
function both(fn: (o: WasmOps) => WasmTensor): Float32Array {
  simd.beginScope();
  scalar.beginScope();
  try {
    const a = simd.read(fn(simd));
    const b = scalar.read(fn(scalar));
    sameBits(a, b);
    return a;
  } finally {
    simd.endScope();
    scalar.endScope();
  }
}

// ---- naive float64 references ------------------------------------------------------------------

function naiveGemm(tA: boolean, tB: boolean, M: number, N: number, K: number, a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i]! : a[i * K + k]!) * (tB ? b[j * K + k]! : b[k * N + j]!);
      c[i * N + j] = s;
    }
  return c;
}

function naiveConv(x: Float64Array, n: number, w: Float64Array, nf: number, b: Float64Array | null, g: WindowGeometry): Float64Array {
  const out = new Float64Array(n * g.outH * g.outW * nf);
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let f = 0; f < nf; f++) {
          let acc = b ? b[f]! : 0;
          for (let ky = 0; ky < g.kH; ky++)
            for (let kx = 0; kx < g.kW; kx++) {
              const iy = oy * g.sH + ky - g.pad[0];
              const ix = ox * g.sW + kx - g.pad[2];
              if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) continue;
              for (let c = 0; c < g.inC; c++) {
                acc += x[((s * g.inH + iy) * g.inW + ix) * g.inC + c]! * w[((ky * g.kW + kx) * g.inC + c) * nf + f]!;
              }
            }
          out[((s * g.outH + oy) * g.outW + ox) * nf + f] = acc;
        }
  return out;
}

/** Random window geometry: kernel 1–4, stride 1–3, padding valid / same / explicit. */
function randomGeometry(i: number): { g: WindowGeometry; n: number } {
  const k: [number, number] = [int(1, 4), int(1, 4)];
  const s: [number, number] = [int(1, 3), int(1, 3)];
  const kind = i % 3;
  const padding: Padding = kind === 0 ? 'valid' : kind === 1 ? 'same' : [int(0, 2), int(0, 2), int(0, 2), int(0, 2)];
  const h = int(k[0], 11);
  const w = int(k[1], 11);
  const c = [1, 2, 3, 5, 8, 13][int(0, 5)]!;
  return { g: windowGeometry([h, w, c], k, s, padding, 'test'), n: int(1, 2) };
}

// ---- tests -----------------------------------------------------------------------------------

describe('wasm module', () => {
  it('loads both builds, picks SIMD where supported, accepts a precompiled module', async () => {
    expect(simd.simd).toBe(true);
    expect(scalar.simd).toBe(false);
    expect(simdSupported()).toBe(true);
    const auto = await initWasm();
    expect(auto.simd).toBe(true);
    const mod = await compileWasm(false);
    const fromModule = initWasmSync({ module: mod });
    expect(fromModule.simd).toBe(false);
    expect((await WasmOps.create({ module: simd.module })).simd).toBe(true);
  });

  it('defaults to the relaxed-SIMD build only where the engine validates it (Node 20: behind a flag)', () => {
    const relaxedOk = WebAssembly.validate(wasmBytes('relaxed') as BufferSource);
    expect(relaxedOk).toBe(Number(process.versions.node.split('.')[0]) >= 22);
    expect(pickBuild()).toBe(relaxedOk ? 'relaxed' : 'simd');
    if (!relaxedOk) expect(() => initWasmSync({ build: 'relaxed' })).toThrow(/does not support relaxed SIMD/);
  });
});

describe('wasm firstNonFinite', () => {
  it('finds the first NaN / ±Infinity at every position and length, on both builds, like the js reference', () => {
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    let checked = 0;
    for (const n of [0, 1, 3, 15, 16, 17, 31, 32, 33, 64, 100]) {
      // finite values only, edge cases included: largest float32, subnormals, both zeros
      const clean = Float64Array.from({ length: n }, (_, i) => [3.4028234663852886e38, -1.4e-45, -0, 0, 1][i % 5]! * (i % 3 === 0 ? 1 : -1));
      for (const ops of [simd, scalar]) expect(ops.firstNonFinite(ops.tensor(clean, [n]))).toBe(-1);
      for (let at = 0; at < n; at++) {
        for (const v of specials) {
          const data = Float64Array.from(clean);
          data[at] = v;
          if (at + 5 < n) data[at + 5] = specials[(at + 1) % 3]!; // a later bad value never wins
          for (const ops of [simd, scalar]) expect(ops.firstNonFinite(ops.tensor(data, [n])), `n ${n} at ${at} ${v}`).toBe(at);
          expect(js.firstNonFinite(js.tensor(data, [n]))).toBe(at);
          checked++;
        }
      }
    }
    expect(checked).toBe(3 * (1 + 3 + 15 + 16 + 17 + 31 + 32 + 33 + 64 + 100));
  });
});

describe('wasm GEMM', () => {
  const cases: [number, number, number][] = [
    [1, 1, 1], [1, 37, 19], [2, 5, 300], [3, 17, 4], [4, 8, 8], [5, 9, 3], [7, 13, 11],
    [33, 65, 17], [130, 20, 260], [6, 530, 7], [129, 515, 513], [64, 64, 64],
  ];
  it.each(cases)('dense / denseT %i×%i×%i match naive loops, JsOps and the scalar build', (M, N, K) => {
    const x = f32(randn(M * K));
    const w = f32(randn(K * N));
    const bias = f32(randn(N));
    const d = both((o) => o.dense(o.tensor(x, [M, K]), o.param(w, [K, N]), o.param(bias, [N])));
    const ref = naiveGemm(false, false, M, N, K, x, w).map((v, i) => v + bias[i % N]!);
    expect(relErr(d, ref)).toBeLessThan(TOL);
    expect(relErr(d, js.read(js.dense(js.tensor(x, [M, K]), js.param(w, [K, N]), js.param(bias, [N]))))).toBeLessThan(TOL);
    const s = f32(randn(M * N));
    const dt = both((o) => o.denseT(o.tensor(s, [M, N]), o.param(w, [K, N])));
    expect(relErr(dt, naiveGemm(false, true, M, K, N, s, w))).toBeLessThan(TOL);
    expect(relErr(dt, js.read(js.denseT(js.tensor(s, [M, N]), js.param(w, [K, N]))))).toBeLessThan(TOL);
  });

  it('raw gemm: all four transpose variants, overwrite and accumulate', () => {
    for (const build of [true, false]) {
      const core = initWasmSync({ simd: build });
      const mem = new WasmMemory(core.exports.memory, core.exports.heapBase());
      for (const [M, N, K] of [[2, 7, 5], [9, 11, 300], [131, 9, 20]] as const) {
        for (const tA of [0, 1])
          for (const tB of [0, 1]) {
            const a = f32(randn(M * K));
            const b = f32(randn(K * N));
            const c0 = f32(randn(M * N));
            const pa = mem.alloc(a.length * 4).ptr;
            const pb = mem.alloc(b.length * 4).ptr;
            const pc = mem.alloc(c0.length * 4).ptr;
            const ps = mem.alloc(core.exports.gemmScratchBytes(M, N, K)).ptr;
            mem.f32(pa, a.length).set(a);
            mem.f32(pb, b.length).set(b);
            const ref = naiveGemm(!!tA, !!tB, M, N, K, a, b);
            for (const accumulate of [0, 1]) {
              mem.f32(pc, c0.length).set(c0);
              core.exports.gemm(tA, tB, M, N, K, pa, tA ? M : K, pb, tB ? K : N, pc, N, accumulate, ps);
              const want = accumulate ? ref.map((v, i) => v + c0[i]!) : ref;
              expect(relErr(mem.f32(pc, c0.length), want)).toBeLessThan(TOL);
            }
            mem.reset();
          }
      }
    }
  });
});

describe('wasm convolution', () => {
  it.each(Array.from({ length: 36 }, (_, i) => i))('conv / convT on random geometry #%i', (i) => {
    const { g, n } = randomGeometry(i);
    const nf = int(1, 9);
    const x = f32(randn(n * g.inH * g.inW * g.inC));
    const w = f32(randn(g.kH * g.kW * g.inC * nf));
    const b = i % 2 ? f32(randn(nf)) : null;
    const xs = [n, g.inH, g.inW, g.inC];
    const ws = [g.kH, g.kW, g.inC, nf];
    const y = both((o) => o.conv(o.tensor(x, xs), o.param(w, ws), b ? o.param(b, [nf]) : null, g));
    expect(relErr(y, naiveConv(x, n, w, nf, b, g))).toBeLessThan(TOL);
    expect(relErr(y, js.read(js.conv(js.tensor(x, xs), js.param(w, ws), b ? js.param(b, [nf]) : null, g)))).toBeLessThan(TOL);
    const s = f32(randn(n * g.outH * g.outW * nf));
    const ss = [n, g.outH, g.outW, nf];
    const t = both((o) => o.convT(o.tensor(s, ss), o.param(w, ws), g));
    expect(relErr(t, js.read(js.convT(js.tensor(s, ss), js.param(w, ws), g)))).toBeLessThan(TOL);
    // adjoint identity <conv(x), s> = <x, convT(s)> (no bias)
    const y0 = naiveConv(x, n, w, nf, null, g);
    let lhs = 0;
    let rhs = 0;
    for (let k = 0; k < s.length; k++) lhs += y0[k]! * s[k]!;
    for (let k = 0; k < x.length; k++) rhs += x[k]! * t[k]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(lhs)) * Math.sqrt(x.length));
  });

  it('conv through the identity im2col paths (1×1 stride 1, full window) and large chunked im2col', () => {
    const cases: [number[], [number, number], [number, number], number][] = [
      [[7, 5, 6], [1, 1], [1, 1], 10],
      [[4, 3, 5], [4, 3], [1, 1], 7],
      [[40, 37, 24], [3, 3], [1, 1], 16], // KK = 216, P = 1480 rows → several chunks
    ];
    for (const [shape, k, st, nf] of cases) {
      const g = windowGeometry(shape, k, st, 'valid', 'test');
      const n = 2;
      const x = f32(randn(n * g.inH * g.inW * g.inC));
      const w = f32(randn(g.kH * g.kW * g.inC * nf));
      const b = f32(randn(nf));
      const xs = [n, g.inH, g.inW, g.inC];
      const ws = [g.kH, g.kW, g.inC, nf];
      const y = both((o) => o.conv(o.tensor(x, xs), o.param(w, ws), o.param(b, [nf]), g));
      expect(relErr(y, naiveConv(x, n, w, nf, b, g))).toBeLessThan(TOL);
      const s = f32(randn(n * g.outH * g.outW * nf));
      const ss = [n, g.outH, g.outW, nf];
      const t = both((o) => o.convT(o.tensor(s, ss), o.param(w, ws), g));
      expect(relErr(t, js.read(js.convT(js.tensor(s, ss), js.param(w, ws), g)))).toBeLessThan(TOL);
    }
  });
});

describe('wasm pooling', () => {
  it.each(Array.from({ length: 30 }, (_, i) => i))('windowSum / windowSumT / maxPool / maxRoute on random geometry #%i', (i) => {
    const { g, n } = randomGeometry(i);
    const xs = [n, g.inH, g.inW, g.inC];
    const ys = [n, g.outH, g.outW, g.inC];
    const x = i % 2 ? randInts(n * g.inH * g.inW * g.inC, 2) : f32(randn(n * g.inH * g.inW * g.inC));
    const s = f32(randn(n * g.outH * g.outW * g.inC));
    const jx = js.tensor(x, xs);
    const js_ = js.tensor(s, ys);
    expect(relErr(both((o) => o.windowSum(o.tensor(x, xs), g)), js.read(js.windowSum(jx, g)))).toBeLessThan(TOL);
    expect(relErr(both((o) => o.windowSumT(o.tensor(s, ys), g)), js.read(js.windowSumT(js_, g)))).toBeLessThan(TOL);
    const mp = both((o) => o.maxPool(o.tensor(x, xs), g));
    expect(Array.from(mp)).toEqual(Array.from(js.read(js.maxPool(jx, g))));
    const route = both((o) => {
      const xt = o.tensor(x, xs);
      return o.maxRoute(xt, o.maxPool(xt, g), o.tensor(s, ys), g);
    });
    expect(relErr(route, js.read(js.maxRoute(jx, js.maxPool(jx, g), js_, g)))).toBeLessThan(TOL);
    const first = both((o) => {
      const xt = o.tensor(x, xs);
      return o.maxRoute(xt, o.maxPool(xt, g), o.tensor(s, ys), g, 'first');
    });
    expect(relErr(first, js.read(js.maxRoute(jx, js.maxPool(jx, g), js_, g, 'first')))).toBeLessThan(TOL);
  });

  it("max routing 'first' gives each window's relevance to its first maximum, per channel (SIMD lanes and the rest)", () => {
    // 2×2 window, 5 channels; element k of the window (row by row) holds x[k][c].
    const x = [
      [3, 0, 1, 2, 5],
      [1, 0, 4, 2, 5],
      [3, 7, 4, 2, 1],
      [3, 7, 0, 1, 5],
    ];
    const s = [0.9, 2, -1, 4, 0.5];
    // First maxima: channel 0 element 0, 1 element 2, 2 element 1, 3 element 0, 4 element 0.
    const expected = [
      [0.9, 0, 0, 4, 0.5],
      [0, 0, -1, 0, 0],
      [0, 2, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ].flat();
    const g = windowGeometry([2, 2, 5], [2, 2], [2, 2], 'valid', 'test');
    const wasm = both((o) => {
      const xt = o.tensor(new Float64Array(x.flat()), [1, 2, 2, 5]);
      return o.maxRoute(xt, o.maxPool(xt, g), o.tensor(new Float64Array(s), [1, 1, 1, 5]), g, 'first');
    });
    expect(Array.from(wasm)).toEqual(Array.from(Float32Array.from(expected)));
    const jx = js.tensor(new Float64Array(x.flat()), [1, 2, 2, 5]);
    expect(Array.from(js.read(js.maxRoute(jx, js.maxPool(jx, g), js.tensor(new Float64Array(s), [1, 1, 1, 5]), g, 'first')))).toEqual(expected);
    // The default still splits ties: channel 0 has three maxima.
    const split = js.read(js.maxRoute(js.tensor(new Float64Array(x.flat()), [1, 2, 2, 5]), js.tensor(new Float64Array([3, 7, 4, 2, 5]), [1, 1, 1, 5]), js.tensor(new Float64Array(s), [1, 1, 1, 5]), g));
    expect(split[0]).toBeCloseTo(0.3, 12);
  });

  it('max routing splits ties equally and conserves the relevance', () => {
    const g = windowGeometry([2, 2, 1], [2, 2], [2, 2], 'valid', 'test');
    const r = both((o) => o.maxRoute(o.tensor(new Float64Array([3, 1, 3, 3]), [1, 2, 2, 1]), o.tensor(new Float64Array([3]), [1, 1, 1, 1]), o.tensor(new Float64Array([0.9]), [1, 1, 1, 1]), g));
    expect(Array.from(r).map((v) => +v.toFixed(6))).toEqual([0.3, 0, 0.3, 0.3]);
  });
});

describe('wasm elementwise', () => {
  const ops: UnaryOp[] = ['relu', 'tanh', 'sigmoid', 'pos', 'neg', 'square', 'abs', 'sqrt', 'step', 'ones', 'tanhGrad', 'sigmoidGrad'];
  for (const n of [1, 3, 4, 7, 64, 1001]) {
    it(`unary, binary, scale, divStab on ${n} elements`, () => {
      const x = f32(randn(n, 3));
      x[0] = 0;
      for (const op of ops) {
        const input = op === 'sqrt' ? x.map(Math.abs) : x;
        const got = both((o) => o.unary(op, o.tensor(input, [n])));
        expect(relErr(got, js.read(js.unary(op, js.tensor(input, [n])))), op).toBeLessThan(TOL);
      }
      const y = f32(randn(n, 3));
      for (const op of ['add', 'sub', 'mul'] as const) {
        const got = both((o) => o.binary(op, o.tensor(x, [n]), o.tensor(y, [n])));
        expect(relErr(got, js.read(js.binary(op, js.tensor(x, [n]), js.tensor(y, [n]))))).toBeLessThan(TOL);
      }
      expect(relErr(both((o) => o.scale(o.tensor(x, [n]), -2.5)), x.map((v) => v * -2.5))).toBeLessThan(TOL);
      for (const eps of [0, 0.01]) {
        const z = Float64Array.from(y, (v, i) => (i % 3 === 0 ? 0 : v));
        const got = both((o) => o.divStab(o.tensor(x, [n]), o.tensor(z, [n]), { eps }));
        const want = js.read(js.divStab(js.tensor(x, [n]), js.tensor(z, [n]), { eps }));
        expect(got.every(Number.isFinite)).toBe(true);
        expect(relErr(got, want)).toBeLessThan(TOL);
      }
    });
  }

  it('softmax and softmaxT per row', () => {
    for (const [rows, d] of [[1, 1], [1, 10], [3, 7], [5, 1000]] as const) {
      const x = f32(randn(rows * d, 20));
      const y = both((o) => o.softmax(o.tensor(x, [rows, d])));
      const jy = js.softmax(js.tensor(x, [rows, d]));
      expect(relErr(y, js.read(jy))).toBeLessThan(TOL);
      const s = f32(randn(rows * d));
      const yt = Float64Array.from(y);
      const t = both((o) => o.softmaxT(o.tensor(yt, [rows, d]), o.tensor(s, [rows, d])));
      expect(relErr(t, js.read(js.softmaxT(js.tensor(yt, [rows, d]), js.tensor(s, [rows, d]))))).toBeLessThan(TOL);
    }
  });
});

describe('wasm memory', () => {
  it('arena reset keeps memory stable over 10,000 scope cycles', () => {
    const o = WasmOps.createSync();
    const w = o.param(randn(64 * 32), [64, 32]);
    const x = randn(4 * 64);
    let size = 0;
    let grows = 0;
    for (let i = 0; i < 10_000; i++) {
      o.beginScope();
      const y = o.dense(o.tensor(x, [4, 64]), w, null);
      o.unary('relu', o.denseT(y, w));
      o.endScope();
      if (i === 0) {
        size = o.memoryStats().memoryBytes;
        grows = o.memoryStats().grows;
      }
    }
    expect(o.memoryStats().memoryBytes).toBe(size);
    expect(o.memoryStats().grows).toBe(grows);
    expect(o.memoryStats().arenaUsed).toBe(0);
  });

  it('params dispose frees space: a repeated allocate / free workload reuses the region without growth', () => {
    const o = WasmOps.createSync();
    /** 5000 seeded steps of random allocations and frees, then everything freed. */
    const workload = () => {
      const r = uniform(99);
      const live: WasmTensor[] = [];
      for (let i = 0; i < 5000; i++) {
        if (live.length > 20 || (live.length > 0 && r() < 0.5)) {
          o.dispose(live.splice(Math.floor(r() * live.length), 1)[0]!);
        } else {
          const n = 1 + Math.floor(r() * 5000);
          live.push(o.param(new Float64Array(n).fill(i), [n]));
        }
      }
      for (const t of live) o.dispose(t);
      expect(o.memoryStats().paramUsed).toBe(0);
    };
    workload();
    const first = o.memoryStats();
    for (let k = 0; k < 3; k++) workload();
    expect(o.memoryStats().paramCapacity).toBe(first.paramCapacity);
    expect(o.memoryStats().memoryBytes).toBe(first.memoryBytes);
    expect(o.memoryStats().grows).toBe(first.grows);
  });

  it('live params keep their data while others are freed and the arena moves', () => {
    const o = WasmOps.createSync();
    const a = randn(1000);
    const pa = o.param(a, [1000]);
    o.beginScope();
    const xa = randn(5000);
    const tx = o.tensor(xa, [5000]);
    const before = tx.ptr;
    // a big param mid-run grows the region and moves the live arena up
    const big = o.param(randn(200_000), [200_000]);
    expect(tx.ptr).toBeGreaterThan(before);
    expect(relErr(o.read(tx), f32(xa))).toBe(0);
    expect(relErr(o.read(pa), f32(a))).toBe(0);
    o.dispose(big);
    o.endScope();
    expect(relErr(o.read(pa), f32(a))).toBe(0);
  });

  it('stale handles and bad shapes fail with LrpError, not garbage', () => {
    const o = WasmOps.createSync();
    o.beginScope();
    const t = o.tensor(new Float64Array(4), [2, 2]);
    expect(() => o.beginScope()).toThrow(LrpError);
    o.endScope();
    expect(() => o.read(t)).toThrow(/run scope ended/);
    const p = o.param(new Float64Array(6), [2, 3]);
    o.beginScope();
    expect(() => o.dense(o.tensor(new Float64Array(5), [1, 5]), p, null)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => o.tensor(new Float64Array(5), [2, 2])).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    o.endScope();
    o.dispose(p);
    expect(() => o.read(p)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});
