// Single-precision GEMM: C[M,N] (+)= op(A)[M,K] · op(B)[K,N], row-major, op = identity or transpose.
//
// Blocked after Goto & van de Geijn: B is packed per (KC × NC) block into NR-column panels, A per
// (MC × KC) block into MR-row panels (both zero-padded, 16-byte aligned), and an MR × NR register
// tile accumulates KC rank-1 updates with f32x4 mul + add (`madd4`: fused in the relaxed-SIMD build). Per element the
// sum runs over k in order inside a KC block, then C += block sum, so the scalar build (which walks
// the same blocks with scalar locals) gives the same bits as the SIMD build.
//
// Small M (fewer rows than one register tile, e.g. a dense layer on one sample) skips packing: B is
// streamed once (axpy form for B row-major, a register-transposed dot form for Bᵀ row-major), with
// the packed path's summation order per element, so a row's result never depends on M.

import { copyF32, madd1, madd4 } from './vec';

// @ts-ignore: decorator
@inline const MR: i32 = 4;
// @ts-ignore: decorator
@inline const NR: i32 = 8;
// @ts-ignore: decorator
@inline const KC: i32 = 256;
// @ts-ignore: decorator
@inline const MC: i32 = 128;
// @ts-ignore: decorator
@inline const NC: i32 = 512;

@inline function ceilTo(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

/** Bytes of scratch {@link gemm} needs for these sizes (packed panels, an edge tile, alignment). */
export function gemmScratchBytes(M: i32, N: i32, K: i32): i32 {
  // the small-M paths need one row of N (block sums), the packed path its panels and an edge tile;
  // at least the row, so that a caller sizing scratch for its largest M also serves a smaller tail
  const row = N * 4 + 16;
  if (M < MR) return row;
  const kc = min(K, KC);
  const mc = min(ceilTo(M, MR), MC);
  const nc = min(ceilTo(N, NR), NC);
  return max(row, (mc * kc + kc * nc + MR * NR) * 4 + 16);
}

// ---- packing ---------------------------------------------------------------------------------

/** Packs rows [i0, i0+mc) × cols [p0, p0+kc) of op(A) into MR-row panels: Ap[panel][k][MR]. */
function packA(a: usize, lda: i32, transA: i32, i0: i32, mc: i32, p0: i32, kc: i32, ap: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const dst = ap + (<usize>(ir * kc) << 2);
    if (transA) {
      // op(A)(i, k) = a[k·lda + i]: MR contiguous floats per k.
      let src = a + (<usize>(p0 * lda + i0 + ir) << 2);
      const step = <usize>lda << 2;
      if (mr == MR) {
        for (let k = 0; k < kc; k++) {
          const d = dst + (<usize>k << 4);
          if (ASC_FEATURE_SIMD) {
            v128.store(d, v128.load(src));
          } else {
            store<f32>(d, load<f32>(src));
            store<f32>(d, load<f32>(src, 4), 4);
            store<f32>(d, load<f32>(src, 8), 8);
            store<f32>(d, load<f32>(src, 12), 12);
          }
          src += step;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          const d = dst + (<usize>(k * MR) << 2);
          for (let ii = 0; ii < MR; ii++) {
            store<f32>(d + (<usize>ii << 2), ii < mr ? load<f32>(src + (<usize>ii << 2)) : 0);
          }
          src += step;
        }
      }
    } else {
      // op(A)(i, k) = a[i·lda + k]: one row at a time, strided stores.
      for (let ii = 0; ii < MR; ii++) {
        const d = dst + (<usize>ii << 2);
        if (ii < mr) {
          const src = a + (<usize>((i0 + ir + ii) * lda + p0) << 2);
          for (let k = 0; k < kc; k++) store<f32>(d + (<usize>(k * MR) << 2), load<f32>(src + (<usize>k << 2)));
        } else {
          for (let k = 0; k < kc; k++) store<f32>(d + (<usize>(k * MR) << 2), 0);
        }
      }
    }
  }
}

/** Packs rows [p0, p0+kc) × cols [j0, j0+nc) of op(B) into NR-column panels: Bp[panel][k][NR]. */
function packB(b: usize, ldb: i32, transB: i32, p0: i32, kc: i32, j0: i32, nc: i32, bp: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const dst = bp + (<usize>(jr * kc) << 2);
    if (!transB) {
      // op(B)(k, j) = b[k·ldb + j]: NR contiguous floats per k.
      let src = b + (<usize>(p0 * ldb + j0 + jr) << 2);
      const step = <usize>ldb << 2;
      if (nr == NR) {
        for (let k = 0; k < kc; k++) {
          const d = dst + (<usize>k << 5);
          copyF32(d, src, NR);
          src += step;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          const d = dst + (<usize>(k * NR) << 2);
          for (let jj = 0; jj < NR; jj++) {
            store<f32>(d + (<usize>jj << 2), jj < nr ? load<f32>(src + (<usize>jj << 2)) : 0);
          }
          src += step;
        }
      }
    } else {
      // op(B)(k, j) = b[j·ldb + k]: one source row per panel column, strided stores.
      for (let jj = 0; jj < NR; jj++) {
        const d = dst + (<usize>jj << 2);
        if (jj < nr) {
          const src = b + (<usize>((j0 + jr + jj) * ldb + p0) << 2);
          for (let k = 0; k < kc; k++) store<f32>(d + (<usize>(k * NR) << 2), load<f32>(src + (<usize>k << 2)));
        } else {
          for (let k = 0; k < kc; k++) store<f32>(d + (<usize>(k * NR) << 2), 0);
        }
      }
    }
  }
}

// ---- micro-kernels ---------------------------------------------------------------------------

/** MR × NR tile: c (+)= Ap-panel · Bp-panel over kc. `ldc` in bytes. */
@inline function kernelSimd(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd4(a, b0, c00);
    c01 = madd4(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd4(a, b0, c10);
    c11 = madd4(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd4(a, b0, c20);
    c21 = madd4(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd4(a, b0, c30);
    c31 = madd4(a, b1, c31);
    ap += 16;
    bp += 32;
  }
  if (acc) {
    c00 = f32x4.add(v128.load(c), c00);
    c01 = f32x4.add(v128.load(c, 16), c01);
    c10 = f32x4.add(v128.load(c + ldc), c10);
    c11 = f32x4.add(v128.load(c + ldc, 16), c11);
    c20 = f32x4.add(v128.load(c + 2 * ldc), c20);
    c21 = f32x4.add(v128.load(c + 2 * ldc, 16), c21);
    c30 = f32x4.add(v128.load(c + 3 * ldc), c30);
    c31 = f32x4.add(v128.load(c + 3 * ldc, 16), c31);
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** Scalar MR × 4 half-tile at column offset `j` (0 or 4) of the NR-wide panel; same per-element order. */
@inline function kernelScalarHalf(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, acc: bool): void {
  let c00: f32 = 0, c01: f32 = 0, c02: f32 = 0, c03: f32 = 0;
  let c10: f32 = 0, c11: f32 = 0, c12: f32 = 0, c13: f32 = 0;
  let c20: f32 = 0, c21: f32 = 0, c22: f32 = 0, c23: f32 = 0;
  let c30: f32 = 0, c31: f32 = 0, c32: f32 = 0, c33: f32 = 0;
  for (let k = 0; k < kc; k++) {
    const b0 = load<f32>(bp), b1 = load<f32>(bp, 4), b2 = load<f32>(bp, 8), b3 = load<f32>(bp, 12);
    let a = load<f32>(ap);
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = load<f32>(ap, 4);
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = load<f32>(ap, 8);
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = load<f32>(ap, 12);
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
    ap += 16;
    bp += 32;
  }
  if (acc) {
    c00 = load<f32>(c) + c00; c01 = load<f32>(c, 4) + c01; c02 = load<f32>(c, 8) + c02; c03 = load<f32>(c, 12) + c03;
    let r = c + ldc;
    c10 = load<f32>(r) + c10; c11 = load<f32>(r, 4) + c11; c12 = load<f32>(r, 8) + c12; c13 = load<f32>(r, 12) + c13;
    r += ldc;
    c20 = load<f32>(r) + c20; c21 = load<f32>(r, 4) + c21; c22 = load<f32>(r, 8) + c22; c23 = load<f32>(r, 12) + c23;
    r += ldc;
    c30 = load<f32>(r) + c30; c31 = load<f32>(r, 4) + c31; c32 = load<f32>(r, 8) + c32; c33 = load<f32>(r, 12) + c33;
  }
  store<f32>(c, c00); store<f32>(c, c01, 4); store<f32>(c, c02, 8); store<f32>(c, c03, 12);
  let r = c + ldc;
  store<f32>(r, c10); store<f32>(r, c11, 4); store<f32>(r, c12, 8); store<f32>(r, c13, 12);
  r += ldc;
  store<f32>(r, c20); store<f32>(r, c21, 4); store<f32>(r, c22, 8); store<f32>(r, c23, 12);
  r += ldc;
  store<f32>(r, c30); store<f32>(r, c31, 4); store<f32>(r, c32, 8); store<f32>(r, c33, 12);
}

@inline function kernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, acc: bool): void {
  if (ASC_FEATURE_SIMD) {
    kernelSimd(kc, ap, bp, c, ldc, acc);
  } else {
    kernelScalarHalf(kc, ap, bp, c, ldc, acc);
    kernelScalarHalf(kc, ap, bp + 16, c + 16, ldc, acc);
  }
}

// ---- small-M paths (no packing) --------------------------------------------------------------
//
// Every path sums each element of C in the same order as the packed path, so a row of C does not
// depend on how many rows share the call (a sample's result is the same in any batch): per KC
// block, s = 0 + a_k0·b_k0 + a_k0+1·b_k0+1 + … in k order, then C = s (first block, no
// accumulation) or C = C + s. The SIMD and scalar builds keep that order too, and every product is
// added by `madd4`/`madd1` as in the packed kernel (fused in the relaxed-SIMD build, on every path).

/**
 * C (+)= op(A) · B for B row-major, M small: B is streamed four rows at a time, contiguously, into
 * a row accumulator (C's row for the first block without accumulation, else `tmp`, added to C at
 * the end of each KC block). Walking B row-wise keeps the hardware prefetcher on its streams.
 */
function smallAxpy(transA: i32, M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: bool, tmp: usize): void {
  const sAi = transA ? 1 : lda;
  const sAkE: i32 = transA ? lda : 1;
  const sAk = <usize>sAkE << 2;
  const ldbB = <usize>ldb << 2;
  const rowBytes = <usize>N << 2;
  for (let i = 0; i < M; i++) {
    const arow = a + (<usize>(i * sAi) << 2);
    const crow = c + (<usize>(i * ldc) << 2);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const pEnd = min(K, p0 + KC);
      const direct = !acc && p0 == 0;
      const s = direct ? crow : tmp;
      memory.fill(s, 0, rowBytes);
      let k = p0;
      for (; k + 4 <= pEnd; k += 4) {
        const ap = arow + <usize>k * sAk;
        const a0 = load<f32>(ap), a1 = load<f32>(ap + sAk), a2 = load<f32>(ap + 2 * sAk), a3 = load<f32>(ap + 3 * sAk);
        const b0 = b + <usize>k * ldbB;
        const b1 = b0 + ldbB, b2 = b1 + ldbB, b3 = b2 + ldbB;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          const v0 = f32x4.splat(a0), v1 = f32x4.splat(a1), v2 = f32x4.splat(a2), v3 = f32x4.splat(a3);
          for (; j + 4 <= N; j += 4) {
            const o = <usize>j << 2;
            let cv = v128.load(s + o);
            cv = madd4(v0, v128.load(b0 + o), cv);
            cv = madd4(v1, v128.load(b1 + o), cv);
            cv = madd4(v2, v128.load(b2 + o), cv);
            cv = madd4(v3, v128.load(b3 + o), cv);
            v128.store(s + o, cv);
          }
        }
        for (; j < N; j++) {
          const o = <usize>j << 2;
          let cs = load<f32>(s + o);
          cs = madd1(a0, load<f32>(b0 + o), cs);
          cs = madd1(a1, load<f32>(b1 + o), cs);
          cs = madd1(a2, load<f32>(b2 + o), cs);
          cs = madd1(a3, load<f32>(b3 + o), cs);
          store<f32>(s + o, cs);
        }
      }
      for (; k < pEnd; k++) {
        const a0 = load<f32>(arow + <usize>k * sAk);
        const b0 = b + <usize>k * ldbB;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          const v0 = f32x4.splat(a0);
          for (; j + 4 <= N; j += 4) {
            const o = <usize>j << 2;
            v128.store(s + o, madd4(v0, v128.load(b0 + o), v128.load(s + o)));
          }
        }
        for (; j < N; j++) {
          const o = <usize>j << 2;
          store<f32>(s + o, madd1(a0, load<f32>(b0 + o), load<f32>(s + o)));
        }
      }
      if (!direct) {
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          for (; j + 4 <= N; j += 4) {
            const o = <usize>j << 2;
            v128.store(crow + o, f32x4.add(v128.load(crow + o), v128.load(tmp + o)));
          }
        }
        for (; j < N; j++) {
          const o = <usize>j << 2;
          store<f32>(crow + o, load<f32>(crow + o) + load<f32>(tmp + o));
        }
      }
    }
  }
}

/** One element's block sum in k order: 0 + x_p0·y_p0 + … + x_pEnd-1·y_pEnd-1 (scalar). */
@inline function dotRange(x: usize, y: usize, p0: i32, pEnd: i32): f32 {
  let s: f32 = 0;
  for (let k = p0; k < pEnd; k++) s = madd1(load<f32>(x + (<usize>k << 2)), load<f32>(y + (<usize>k << 2)), s);
  return s;
}

/** Stores `s` at `cp`, or adds it to what is there (`add`). */
@inline function putSum(cp: usize, s: f32, add: bool): void {
  store<f32>(cp, add ? load<f32>(cp) + s : s);
}

/**
 * C (+)= A · Bᵀ-stored B (b[j·ldb + k]), A row-major, M small. The SIMD build computes four
 * columns at once: 4 × 4 blocks of B (four B rows, four k) are transposed in registers, so each
 * lane runs its own element's sum in k order, exactly as the scalar build and the packed path.
 */
function smallDot(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: bool): void {
  const ldbB = <usize>ldb << 2;
  for (let i = 0; i < M; i++) {
    const arow = a + (<usize>(i * lda) << 2);
    const crow = c + (<usize>(i * ldc) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= N; j += 4) {
        const r0 = b + <usize>j * ldbB;
        const r1 = r0 + ldbB, r2 = r1 + ldbB, r3 = r2 + ldbB;
        const cp = crow + (<usize>j << 2);
        for (let p0 = 0; p0 < K; p0 += KC) {
          const pEnd = min(K, p0 + KC);
          let v = f32x4.splat(0);
          let k = p0;
          for (; k + 4 <= pEnd; k += 4) {
            const o = <usize>k << 2;
            const q0 = v128.load(r0 + o), q1 = v128.load(r1 + o), q2 = v128.load(r2 + o), q3 = v128.load(r3 + o);
            const u0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5);
            const u1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
            const u2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7);
            const u3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
            const x = arow + o;
            v = madd4(v128.load32_splat(x), v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v);
            v = madd4(v128.load32_splat(x, 4), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7), v);
            v = madd4(v128.load32_splat(x, 8), v128.shuffle<f32>(u2, u3, 0, 1, 4, 5), v);
            v = madd4(v128.load32_splat(x, 12), v128.shuffle<f32>(u2, u3, 2, 3, 6, 7), v);
          }
          let s0 = f32x4.extract_lane(v, 0), s1 = f32x4.extract_lane(v, 1), s2 = f32x4.extract_lane(v, 2), s3 = f32x4.extract_lane(v, 3);
          for (; k < pEnd; k++) {
            const o = <usize>k << 2;
            const x = load<f32>(arow + o);
            s0 = madd1(x, load<f32>(r0 + o), s0);
            s1 = madd1(x, load<f32>(r1 + o), s1);
            s2 = madd1(x, load<f32>(r2 + o), s2);
            s3 = madd1(x, load<f32>(r3 + o), s3);
          }
          const add = acc || p0 > 0;
          putSum(cp, s0, add);
          putSum(cp + 4, s1, add);
          putSum(cp + 8, s2, add);
          putSum(cp + 12, s3, add);
        }
      }
    }
    for (; j < N; j++) {
      const row = b + <usize>j * ldbB;
      const cp = crow + (<usize>j << 2);
      for (let p0 = 0; p0 < K; p0 += KC) putSum(cp, dotRange(arow, row, p0, min(K, p0 + KC)), acc || p0 > 0);
    }
  }
}

/** Generic strided fallback (small M with both operands transposed), per element in k order per KC block. */
function smallGeneric(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: bool): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const cp = c + (<usize>(i * ldc + j) << 2);
      for (let p0 = 0; p0 < K; p0 += KC) {
        const pEnd = min(K, p0 + KC);
        let s: f32 = 0;
        for (let k = p0; k < pEnd; k++) s = madd1(load<f32>(a + (<usize>(k * lda + i) << 2)), load<f32>(b + (<usize>(j * ldb + k) << 2)), s);
        putSum(cp, s, acc || p0 > 0);
      }
    }
  }
}

// ---- driver ----------------------------------------------------------------------------------

/**
 * C[M,N] = op(A)·op(B) (accumulate = 0) or C += op(A)·op(B) (accumulate = 1). op(A)(i,k) is
 * a[i·lda + k], or a[k·lda + i] when transA; op(B)(k,j) is b[k·ldb + j], or b[j·ldb + k] when
 * transB. Pointers are byte addresses, leading dimensions in elements. `scratch` must hold
 * gemmScratchBytes(M, N, K) bytes and must not overlap A, B or C.
 */
export function gemm(
  transA: i32, transB: i32, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: i32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  const acc0 = accumulate != 0;
  if (K <= 0) {
    if (!acc0) for (let i = 0; i < M; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>N << 2);
    return;
  }
  if (M < MR) {
    if (!transB) smallAxpy(transA, M, N, K, a, lda, b, ldb, c, ldc, acc0, (scratch + 15) & ~(<usize>15));
    else if (!transA) smallDot(M, N, K, a, lda, b, ldb, c, ldc, acc0);
    else smallGeneric(M, N, K, a, lda, b, ldb, c, ldc, acc0);
    return;
  }
  const ap = (scratch + 15) & ~(<usize>15);
  const kcMax = min(K, KC);
  const bp = ap + (<usize>(min(ceilTo(M, MR), MC) * kcMax) << 2);
  const tile = bp + (<usize>(kcMax * min(ceilTo(N, NR), NC)) << 2);
  const ldcB = <usize>ldc << 2;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(b, ldb, transB, pc, kc, jc, nc, bp);
      const acc = acc0 || pc > 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(a, lda, transA, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bpan = bp + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const apan = ap + (<usize>(ir * kc) << 2);
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            if (mr == MR && nr == NR) {
              kernel(kc, apan, bpan, cp, ldcB, acc);
            } else {
              kernel(kc, apan, bpan, tile, <usize>(NR << 2), false);
              for (let ii = 0; ii < mr; ii++) {
                const crow = cp + <usize>ii * ldcB;
                const trow = tile + (<usize>(ii * NR) << 2);
                for (let jj = 0; jj < nr; jj++) {
                  const o = <usize>jj << 2;
                  const t = load<f32>(trow + o);
                  store<f32>(crow + o, acc ? load<f32>(crow + o) + t : t);
                }
              }
            }
          }
        }
      }
    }
  }
}
