// Contiguous float32 vector helpers shared by the kernels. Every helper has a SIMD path (f32x4 with a
// scalar tail) and a scalar path; the choice is made at compile time by ASC_FEATURE_SIMD, so the
// scalar build (`--enable simd` absent) never contains a v128 instruction. Each output element is
// computed by the same float operations in both paths, so the two builds agree bitwise.
// The relaxed-SIMD build (`--enable simd,relaxed-simd`) differs in one place only: `madd4` is a
// fused multiply-add there (one rounding instead of two), so it agrees with the others within
// float32 rounding, not bitwise.

/**
 * c + a·b on four f32 lanes: `f32x4.relaxed_madd` in the relaxed-SIMD build (fused where the CPU
 * has FMA), `f32x4.mul` then `f32x4.add` otherwise. Only called on SIMD paths.
 */
// @ts-ignore: decorator
@inline export function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * c + a·b on one f32: in the relaxed-SIMD build the same fused operation as {@link madd4} (lane 0 of
 * `f32x4.relaxed_madd`), so a scalar tail rounds as the vector lanes do; `c + a * b` otherwise.
 */
// @ts-ignore: decorator
@inline export function madd1(a: f32, b: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
  return c + a * b;
}

/** dst[0..n) = src[0..n) */
@inline export function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      v128.store(dst + o, v128.load(src + o));
      v128.store(dst + o, v128.load(src + o, 16), 16);
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, v128.load(src + o));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(src + o));
  }
}

/** dst[0..n) = 0 */
@inline export function zeroF32(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

/** dst[0..n) += src[0..n) */
@inline export function addIntoF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** dst[0..n) = max(dst, src) with `src > dst ? src : dst` (NaN in src never wins). */
@inline export function maxIntoF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const d = v128.load(dst + o);
      const s = v128.load(src + o);
      v128.store(dst + o, v128.bitselect(s, d, f32x4.gt(s, d)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(dst + o);
    const s = load<f32>(src + o);
    store<f32>(dst + o, s > d ? s : d);
  }
}

/** dst[0..n) = v */
@inline export function fillF32(dst: usize, v: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(v);
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), s);
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), v);
}
