// Window kernels on NHWC tensors, vectorised along the channels: window sum and its transpose,
// max pooling (padding never wins; an all-padding window gives −∞) and max routing, which splits
// each output's relevance equally among the window elements equal to the window maximum.

import { addIntoF32, fillF32, maxIntoF32 } from './vec';

/** out[n, oy, ox, :] = Σ over the window's valid elements (or max when `isMax`). */
export function windowReduce(
  x: usize, out: usize, N: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32, isMax: i32,
): void {
  let o = out;
  const cBytes = <usize>C << 2;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        if (isMax) fillF32(o, -Infinity, C);
        else memory.fill(o, 0, cBytes);
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sH + ky - padT;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sW + kx - padL;
            if (ix < 0 || ix >= inW) continue;
            const src = x + (<usize>(((n * inH + iy) * inW + ix) * C) << 2);
            if (isMax) maxIntoF32(o, src, C);
            else addIntoF32(o, src, C);
          }
        }
        o += cBytes;
      }
    }
  }
}

/** out (input-shaped, zeroed here) += s[n, oy, ox, :] at every valid element of the window. */
export function windowSumT(
  s: usize, out: usize, N: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32,
): void {
  memory.fill(out, 0, <usize>(N * inH * inW * C) << 2);
  let sp = s;
  const cBytes = <usize>C << 2;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sH + ky - padT;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sW + kx - padL;
            if (ix < 0 || ix >= inW) continue;
            addIntoF32(out + (<usize>(((n * inH + iy) * inW + ix) * C) << 2), sp, C);
          }
        }
        sp += cBytes;
      }
    }
  }
}

/**
 * Adds share = s / (#ties) to the tied maxima of one window, channels [c0, c0 + w) with w ≤ 4; with
 * `first` ≠ 0 all of s to the first maximum in window order (PyTorch's gradient).
 */
@inline function routeScalar(
  x: usize, y: f32, s: f32, out: usize, n: i32, inH: i32, inW: i32, C: i32,
  oy: i32, ox: i32, kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32, first: i32,
): void {
  let ties: f32 = 0;
  for (let ky = 0; ky < kH; ky++) {
    const iy = oy * sH + ky - padT;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < kW; kx++) {
      const ix = ox * sW + kx - padL;
      if (ix < 0 || ix >= inW) continue;
      if (load<f32>(x + (<usize>(((n * inH + iy) * inW + ix) * C) << 2)) == y) ties += 1;
    }
  }
  if (ties == 0) return;
  const share = first ? s : s / ties;
  for (let ky = 0; ky < kH; ky++) {
    const iy = oy * sH + ky - padT;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < kW; kx++) {
      const ix = ox * sW + kx - padL;
      if (ix < 0 || ix >= inW) continue;
      const off = <usize>(((n * inH + iy) * inW + ix) * C) << 2;
      if (load<f32>(x + off) == y) {
        store<f32>(out + off, load<f32>(out + off) + share);
        if (first) return;
      }
    }
  }
}

/**
 * out (input-shaped, zeroed here) receives s split equally among the window elements equal to y, or
 * with `first` ≠ 0 all of s on the first of them in window order.
 */
export function maxRoute(
  x: usize, y: usize, s: usize, out: usize, N: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32, first: i32,
): void {
  memory.fill(out, 0, <usize>(N * inH * inW * C) << 2);
  let o: usize = 0;
  const cBytes = <usize>C << 2;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          const one = f32x4.splat(1);
          for (; c + 4 <= C; c += 4) {
            const cOff = <usize>c << 2;
            const yv = v128.load(y + o + cOff);
            let ties = f32x4.splat(0);
            for (let ky = 0; ky < kH; ky++) {
              const iy = oy * sH + ky - padT;
              if (iy < 0 || iy >= inH) continue;
              for (let kx = 0; kx < kW; kx++) {
                const ix = ox * sW + kx - padL;
                if (ix < 0 || ix >= inW) continue;
                const xv = v128.load(x + (<usize>(((n * inH + iy) * inW + ix) * C) << 2) + cOff);
                ties = f32x4.add(ties, v128.and(f32x4.eq(xv, yv), one));
              }
            }
            // share is masked to 0 where no element ties (ties = 0 would give ±∞/NaN).
            const sv = v128.load(s + o + cOff);
            const share = v128.and(first ? sv : f32x4.div(sv, ties), f32x4.ne(ties, f32x4.splat(0)));
            // Lanes whose first maximum has been served (first ≠ 0); all-zero otherwise.
            let taken = f32x4.splat(0);
            for (let ky = 0; ky < kH; ky++) {
              const iy = oy * sH + ky - padT;
              if (iy < 0 || iy >= inH) continue;
              for (let kx = 0; kx < kW; kx++) {
                const ix = ox * sW + kx - padL;
                if (ix < 0 || ix >= inW) continue;
                const off = (<usize>(((n * inH + iy) * inW + ix) * C) << 2) + cOff;
                const m = v128.andnot(f32x4.eq(v128.load(x + off), yv), taken);
                v128.store(out + off, f32x4.add(v128.load(out + off), v128.and(share, m)));
                if (first) taken = v128.or(taken, m);
              }
            }
          }
        }
        for (; c < C; c++) {
          const cOff = <usize>c << 2;
          routeScalar(x + cOff, load<f32>(y + o + cOff), load<f32>(s + o + cOff), out + cOff, n, inH, inW, C, oy, ox, kH, kW, sH, sW, padT, padL, first);
        }
        o += cBytes;
      }
    }
  }
}
