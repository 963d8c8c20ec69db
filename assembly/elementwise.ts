// Elementwise maps, the LRP division stabiliser and row softmax. Op codes are shared with
// src/backends/wasm/module.ts (UNARY_CODES, BINARY_CODES). tanh, sigmoid and exp are scalar (no
// SIMD transcendental); everything else runs f32x4 with a scalar tail.

// @ts-ignore: decorator
@inline const RELU = 0;
// @ts-ignore: decorator
@inline const TANH = 1;
// @ts-ignore: decorator
@inline const SIGMOID = 2;
// @ts-ignore: decorator
@inline const POS = 3;
// @ts-ignore: decorator
@inline const NEG = 4;
// @ts-ignore: decorator
@inline const SQUARE = 5;
// @ts-ignore: decorator
@inline const ABS = 6;
// @ts-ignore: decorator
@inline const SQRT = 7;
// @ts-ignore: decorator
@inline const STEP = 8;
// @ts-ignore: decorator
@inline const ONES = 9;
// @ts-ignore: decorator
@inline const TANH_GRAD = 10;
// @ts-ignore: decorator
@inline const SIGMOID_GRAD = 11;

@inline function unaryScalar(op: i32, v: f32): f32 {
  switch (op) {
    case RELU:
    case POS: return v > 0 ? v : 0;
    case TANH: return Mathf.tanh(v);
    case SIGMOID: return 1 / (1 + Mathf.exp(-v));
    case NEG: return v < 0 ? v : 0;
    case SQUARE: return v * v;
    case ABS: return Mathf.abs(v);
    case SQRT: return Mathf.sqrt(v);
    case STEP: return v > 0 ? 1 : 0;
    case ONES: return 1;
    case TANH_GRAD: return 1 - v * v;
    case SIGMOID_GRAD: return v * (1 - v);
    default: return v;
  }
}

@inline function unaryVec(op: i32, v: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (op) {
    case RELU:
    case POS: return v128.and(v, f32x4.gt(v, zero));
    case NEG: return v128.and(v, f32x4.lt(v, zero));
    case SQUARE: return f32x4.mul(v, v);
    case ABS: return f32x4.abs(v);
    case SQRT: return f32x4.sqrt(v);
    case STEP: return v128.and(one, f32x4.gt(v, zero));
    case ONES: return one;
    case TANH_GRAD: return f32x4.sub(one, f32x4.mul(v, v));
    case SIGMOID_GRAD: return f32x4.mul(v, f32x4.sub(one, v));
    default: return v;
  }
}

/** out[i] = op(x[i]) for i < n (out may equal x). */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (op != TANH && op != SIGMOID) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, unaryVec(op, v128.load(x + o)));
      }
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, unaryScalar(op, load<f32>(x + o)));
  }
}

/** out = a (op) b: 0 add, 1 sub, 2 mul. */
export function binary(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const u = v128.load(a + o);
      const v = v128.load(b + o);
      v128.store(out + o, op == 0 ? f32x4.add(u, v) : op == 1 ? f32x4.sub(u, v) : f32x4.mul(u, v));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const u = load<f32>(a + o);
    const v = load<f32>(b + o);
    store<f32>(out + o, op == 0 ? u + v : op == 1 ? u - v : u * v);
  }
}

/** out = c · x */
export function scale(x: usize, c: f32, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const cv = f32x4.splat(c);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.mul(v128.load(x + o), cv));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o) * c);
  }
}

/** out = r / (z + eps·sgn0(z)), sgn0(z) = z ≥ 0 ? 1 : −1; 0 where that denominator is 0. */
export function divStab(r: usize, z: usize, eps: f32, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const ep = f32x4.splat(eps);
    const en = f32x4.splat(-eps);
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const zv = v128.load(z + o);
      const d = f32x4.add(zv, v128.bitselect(ep, en, f32x4.ge(zv, zero)));
      v128.store(out + o, v128.and(f32x4.div(v128.load(r + o), d), f32x4.ne(d, zero)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const zv = load<f32>(z + o);
    const d = zv + (zv >= 0 ? eps : -eps);
    store<f32>(out + o, d == 0 ? 0 : load<f32>(r + o) / d);
  }
}

/** Row softmax of x[rows, d] with the row maximum subtracted (scalar, same order in both builds). */
export function softmax(x: usize, out: usize, rows: i32, d: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * d) << 2);
    const orow = out + (<usize>(r * d) << 2);
    let m: f32 = -Infinity;
    for (let j = 0; j < d; j++) m = max(m, load<f32>(xr + (<usize>j << 2)));
    let sum: f32 = 0;
    for (let j = 0; j < d; j++) {
      const e = Mathf.exp(load<f32>(xr + (<usize>j << 2)) - m);
      store<f32>(orow + (<usize>j << 2), e);
      sum += e;
    }
    const inv: f32 = 1 / sum;
    for (let j = 0; j < d; j++) {
      const p = orow + (<usize>j << 2);
      store<f32>(p, load<f32>(p) * inv);
    }
  }
}

/** out = y ⊙ (s − Σ_j y_j s_j) per row of length d. */
export function softmaxT(y: usize, s: usize, out: usize, rows: i32, d: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * d) << 2;
    let dot: f32 = 0;
    for (let j = 0; j < d; j++) dot += load<f32>(y + off + (<usize>j << 2)) * load<f32>(s + off + (<usize>j << 2));
    for (let j = 0; j < d; j++) {
      const o = off + (<usize>j << 2);
      store<f32>(out + o, load<f32>(y + o) * (load<f32>(s + o) - dot));
    }
  }
}

/**
 * Index of the first NaN or ±Infinity of x[0..n), or −1: a value whose exponent bits are all set.
 * The SIMD path tests 16 values per step and stops at the first block holding one; the scalar loop
 * then locates it, so both builds return the same index.
 */
export function firstNonFinite(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const exp = i32x4.splat(0x7f800000);
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      const a = i32x4.eq(v128.and(v128.load(p), exp), exp);
      const b = i32x4.eq(v128.and(v128.load(p, 16), exp), exp);
      const c = i32x4.eq(v128.and(v128.load(p, 32), exp), exp);
      const d = i32x4.eq(v128.and(v128.load(p, 48), exp), exp);
      if (v128.any_true(v128.or(v128.or(a, b), v128.or(c, d)))) break;
    }
  }
  for (; i < n; i++) {
    if ((load<u32>(x + (<usize>i << 2)) & 0x7f800000) == 0x7f800000) return i;
  }
  return -1;
}
