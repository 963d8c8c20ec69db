// im2col / col2im for NHWC activations and HWIO filters. Row p of the column matrix is output
// pixel p = (n·outH + oy)·outW + ox; its columns are the window elements (ky, kx, c) in HWIO order,
// so `cols · W[kH·kW·C, nf]` is the convolution and `(s · Wᵀ)` scattered back by col2im is its
// transpose. Both work on a chunk of rows [p0, p0 + rows) so the column matrix stays small.
// Window elements kx = 0..kW−1 of one row ky are consecutive input pixels, hence one contiguous
// run of (valid kx) · C floats.

import { addIntoF32, copyF32 } from './vec';

/** Writes rows [p0, p0+rows) of the column matrix of `x` into `cols` (row length kH·kW·C). */
export function im2col(
  x: usize, cols: usize, inH: i32, inW: i32, C: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32, p0: i32, rows: i32, dH: i32, dW: i32,
): void {
  if (dH != 1 || dW != 1) {
    im2colDilated(x, cols, inH, inW, C, outH, outW, kH, kW, sH, sW, padT, padL, p0, rows, dH, dW);
    return;
  }
  const rowLen = kH * kW * C;
  for (let r = 0; r < rows; r++) {
    const p = p0 + r;
    const ox = p % outW;
    const t = p / outW;
    const oy = t % outH;
    const n = t / outH;
    const ix0 = ox * sW - padL;
    const kx0 = max(0, -ix0);
    const kx1 = min(kW, inW - ix0);
    const dstRow = cols + (<usize>(r * rowLen) << 2);
    for (let ky = 0; ky < kH; ky++) {
      const iy = oy * sH + ky - padT;
      const dst = dstRow + (<usize>(ky * kW * C) << 2);
      if (iy < 0 || iy >= inH || kx1 <= kx0) {
        memory.fill(dst, 0, <usize>(kW * C) << 2);
        continue;
      }
      if (kx0 > 0) memory.fill(dst, 0, <usize>(kx0 * C) << 2);
      const src = x + (<usize>(((n * inH + iy) * inW + ix0 + kx0) * C) << 2);
      copyF32(dst + (<usize>(kx0 * C) << 2), src, (kx1 - kx0) * C);
      if (kx1 < kW) memory.fill(dst + (<usize>(kx1 * C) << 2), 0, <usize>((kW - kx1) * C) << 2);
    }
  }
}

/** Adds rows [p0, p0+rows) of the column matrix `cols` into the input-shaped `out` (not zeroed here). */
export function col2im(
  cols: usize, out: usize, inH: i32, inW: i32, C: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32, p0: i32, rows: i32, dH: i32, dW: i32,
): void {
  if (dH != 1 || dW != 1) {
    col2imDilated(cols, out, inH, inW, C, outH, outW, kH, kW, sH, sW, padT, padL, p0, rows, dH, dW);
    return;
  }
  const rowLen = kH * kW * C;
  for (let r = 0; r < rows; r++) {
    const p = p0 + r;
    const ox = p % outW;
    const t = p / outW;
    const oy = t % outH;
    const n = t / outH;
    const ix0 = ox * sW - padL;
    const kx0 = max(0, -ix0);
    const kx1 = min(kW, inW - ix0);
    if (kx1 <= kx0) continue;
    const srcRow = cols + (<usize>(r * rowLen) << 2);
    for (let ky = 0; ky < kH; ky++) {
      const iy = oy * sH + ky - padT;
      if (iy < 0 || iy >= inH) continue;
      const src = srcRow + (<usize>((ky * kW + kx0) * C) << 2);
      const dst = out + (<usize>(((n * inH + iy) * inW + ix0 + kx0) * C) << 2);
      addIntoF32(dst, src, (kx1 - kx0) * C);
    }
  }
}

/** Writes the row vector b[0..n) into every one of `rows` rows of c (row stride n). */
export function fillRows(c: usize, b: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) copyF32(c + (<usize>(r * n) << 2), b, n);
}

/** {@link im2col} with dilation: window element (ky, kx) reads input pixel (oy·sH + ky·dH − padT, ox·sW + kx·dW − padL). */
function im2colDilated(
  x: usize, cols: usize, inH: i32, inW: i32, C: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32, p0: i32, rows: i32, dH: i32, dW: i32,
): void {
  const rowLen = kH * kW * C;
  for (let r = 0; r < rows; r++) {
    const p = p0 + r;
    const ox = p % outW;
    const t = p / outW;
    const oy = t % outH;
    const n = t / outH;
    const dstRow = cols + (<usize>(r * rowLen) << 2);
    for (let ky = 0; ky < kH; ky++) {
      const iy = oy * sH + ky * dH - padT;
      for (let kx = 0; kx < kW; kx++) {
        const ix = ox * sW + kx * dW - padL;
        const dst = dstRow + (<usize>((ky * kW + kx) * C) << 2);
        if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) memory.fill(dst, 0, <usize>C << 2);
        else copyF32(dst, x + (<usize>(((n * inH + iy) * inW + ix) * C) << 2), C);
      }
    }
  }
}

/** {@link col2im} with dilation (see {@link im2colDilated}). */
function col2imDilated(
  cols: usize, out: usize, inH: i32, inW: i32, C: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32, p0: i32, rows: i32, dH: i32, dW: i32,
): void {
  const rowLen = kH * kW * C;
  for (let r = 0; r < rows; r++) {
    const p = p0 + r;
    const ox = p % outW;
    const t = p / outW;
    const oy = t % outH;
    const n = t / outH;
    const srcRow = cols + (<usize>(r * rowLen) << 2);
    for (let ky = 0; ky < kH; ky++) {
      const iy = oy * sH + ky * dH - padT;
      if (iy < 0 || iy >= inH) continue;
      for (let kx = 0; kx < kW; kx++) {
        const ix = ox * sW + kx * dW - padL;
        if (ix < 0 || ix >= inW) continue;
        addIntoF32(out + (<usize>(((n * inH + iy) * inW + ix) * C) << 2), srcRow + (<usize>((ky * kW + kx) * C) << 2), C);
      }
    }
  }
}
