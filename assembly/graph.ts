// Kernels of the graph node kinds: per-channel affine maps (BatchNorm), depthwise convolution and
// its transpose (with dilation), and clip with its derivative mask. Same float operations in the
// SIMD and the scalar path (multiply, then add), so both builds agree bitwise; the relaxed-SIMD build
// fuses the depthwise multiply-adds (`madd4`).

import { madd4 } from './vec';

/** out[r, j] = x[r, j]·scale[j] (+ shift[j]) for `rows` rows of `C` channels. */
export function affine(x: usize, scale: usize, shift: usize, out: usize, rows: i32, C: i32, hasShift: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = <usize>(r * C) << 2;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= C; j += 4) {
        const o = <usize>j << 2;
        let v = f32x4.mul(v128.load(x + row + o), v128.load(scale + o));
        if (hasShift) v = f32x4.add(v, v128.load(shift + o));
        v128.store(out + row + o, v);
      }
    }
    for (; j < C; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(x + row + o) * load<f32>(scale + o);
      if (hasShift) v = v + load<f32>(shift + o);
      store<f32>(out + row + o, v);
    }
  }
}

/** First and one-past-last window column whose input column `ix0 + k·d` lies in `[0, inW)`. */
@inline function validRange(ix0: i32, k: i32, d: i32, inW: i32): i64 {
  const k0 = ix0 < 0 ? (-ix0 + d - 1) / d : 0;
  const k1 = ix0 >= inW ? 0 : min(k, (inW - 1 - ix0) / d + 1);
  return (<i64>k0 << 32) | <i64>(<u32>k1);
}

/**
 * Depthwise convolution of NHWC `x` with `w[kH, kW, C, M]`: out[n, oy, ox, c·M + m] =
 * b[c·M + m] + Σ_{ky, kx} x[n, oy·sH + ky·dH − padT, ox·sW + kx·dW − padL, c] · w[ky, kx, c, m].
 */
export function depthwise(
  x: usize, w: usize, b: usize, out: usize, N: i32, inH: i32, inW: i32, C: i32, M: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padT: i32, padL: i32, hasBias: i32,
): void {
  const CM = C * M;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = out + (<usize>(((n * outH + oy) * outW + ox) * CM) << 2);
        if (hasBias) memory.copy(o, b, <usize>CM << 2);
        else memory.fill(o, 0, <usize>CM << 2);
        const ix0 = ox * sW - padL;
        const range = validRange(ix0, kW, dW, inW);
        const kx0 = <i32>(range >> 32);
        const kx1 = <i32>(range & 0xffffffff);
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sH + ky * dH - padT;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = kx0; kx < kx1; kx++) {
            const xi = x + (<usize>(((n * inH + iy) * inW + ix0 + kx * dW) * C) << 2);
            const wi = w + (<usize>((ky * kW + kx) * CM) << 2);
            let j = 0;
            if (M == 1) {
              if (ASC_FEATURE_SIMD) {
                for (; j + 4 <= C; j += 4) {
                  const q = <usize>j << 2;
                  v128.store(o + q, madd4(v128.load(xi + q), v128.load(wi + q), v128.load(o + q)));
                }
              }
              for (; j < C; j++) {
                const q = <usize>j << 2;
                store<f32>(o + q, load<f32>(o + q) + load<f32>(xi + q) * load<f32>(wi + q));
              }
            } else {
              for (let c = 0; c < C; c++) {
                const xv = load<f32>(xi + (<usize>c << 2));
                for (let m = 0; m < M; m++) {
                  const q = <usize>(c * M + m) << 2;
                  store<f32>(o + q, load<f32>(o + q) + xv * load<f32>(wi + q));
                }
              }
            }
          }
        }
      }
    }
  }
}

/** Transpose of {@link depthwise}: adds Σ_m s[n, oy, ox, c·M + m]·w[ky, kx, c, m] into the NHWC `out` (zeroed here). */
export function depthwiseT(
  s: usize, w: usize, out: usize, N: i32, inH: i32, inW: i32, C: i32, M: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padT: i32, padL: i32,
): void {
  const CM = C * M;
  memory.fill(out, 0, <usize>(N * inH * inW * C) << 2);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const so = s + (<usize>(((n * outH + oy) * outW + ox) * CM) << 2);
        const ix0 = ox * sW - padL;
        const range = validRange(ix0, kW, dW, inW);
        const kx0 = <i32>(range >> 32);
        const kx1 = <i32>(range & 0xffffffff);
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sH + ky * dH - padT;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = kx0; kx < kx1; kx++) {
            const xi = out + (<usize>(((n * inH + iy) * inW + ix0 + kx * dW) * C) << 2);
            const wi = w + (<usize>((ky * kW + kx) * CM) << 2);
            let c = 0;
            if (M == 1) {
              if (ASC_FEATURE_SIMD) {
                for (; c + 4 <= C; c += 4) {
                  const q = <usize>c << 2;
                  v128.store(xi + q, madd4(v128.load(so + q), v128.load(wi + q), v128.load(xi + q)));
                }
              }
              for (; c < C; c++) {
                const q = <usize>c << 2;
                store<f32>(xi + q, load<f32>(xi + q) + load<f32>(so + q) * load<f32>(wi + q));
              }
            } else {
              for (; c < C; c++) {
                let acc: f32 = 0;
                for (let m = 0; m < M; m++) {
                  const q = <usize>(c * M + m) << 2;
                  acc += load<f32>(so + q) * load<f32>(wi + q);
                }
                const p = xi + (<usize>c << 2);
                store<f32>(p, load<f32>(p) + acc);
              }
            }
          }
        }
      }
    }
  }
}

/** out = min(max(x, lo), hi) elementwise. */
export function clip(x: usize, lo: f32, hi: f32, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v < lo ? lo : v > hi ? hi : v);
  }
}

/** out = lo < x < hi ? 1 : 0 elementwise (the derivative of clip). */
export function inside(x: usize, lo: f32, hi: f32, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v > lo && v < hi ? <f32>1 : <f32>0);
  }
}
