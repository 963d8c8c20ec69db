import { LrpError } from '../../errors.js';
import type { BinaryOp, MaxTies, Ops, Stabilizer, UnaryOp } from '../../engine/ops.js';
import { firstNonFiniteValue } from '../../engine/numeric-check.js';
import type { WindowGeometry } from '../../model/shapes.js';
import { showShape, sizeOf } from '../../tensor.js';

import * as graph from './graph-ops.js';
import { type JsTensor, jsTensor as t } from './js-tensor.js';

export type { JsTensor };

function sameShape(a: JsTensor, b: JsTensor, op: string): void {
  if (a.data.length !== b.data.length) {
    throw new LrpError('E_SHAPE', `${op}: shapes ${showShape(a.shape)} and ${showShape(b.shape)} differ`);
  }
}

const unaryMaps: Record<UnaryOp, (v: number) => number> = {
  relu: (v) => (v > 0 ? v : 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  pos: (v) => (v > 0 ? v : 0),
  neg: (v) => (v < 0 ? v : 0),
  square: (v) => v * v,
  abs: Math.abs,
  sqrt: Math.sqrt,
  step: (v) => (v > 0 ? 1 : 0),
  ones: () => 1,
  tanhGrad: (y) => 1 - y * y,
  sigmoidGrad: (y) => y * (1 - y),
};

/**
 * Visits every (output position, window element) pair of a window layer: `fn(o, i)` gets the flat
 * index `o` of output `[n, oy, ox, ·]` and `i` of input `[n, iy, ix, ·]` (channel 0), skipping
 * padding. The readable heart of convolution and pooling in the js backend.
 */
function forEachWindow(n: number, g: WindowGeometry, outC: number, fn: (o: number, i: number, ky: number, kx: number) => void): void {
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const o = ((b * g.outH + oy) * g.outW + ox) * outC;
        for (let ky = 0; ky < g.kH; ky++) {
          const iy = oy * g.sH + ky * g.dH - g.pad[0];
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kW; kx++) {
            const ix = ox * g.sW + kx * g.dW - g.pad[2];
            if (ix < 0 || ix >= g.inW) continue;
            fn(o, ((b * g.inH + iy) * g.inW + ix) * g.inC, ky, kx);
          }
        }
      }
    }
  }
}

/**
 * The js backend's primitives: plain float64 loops written to be read, like the toolbox's numpy
 * sandbox. It is the oracle every other backend is tested against.
 */
export class JsOps implements Ops<JsTensor> {
  readonly name = 'js';
  readonly precision = 'float64' as const;

  tensor(data: Float32Array | Float64Array, shape: readonly number[]): JsTensor {
    return t(Float64Array.from(data), [...shape]);
  }
  param(data: Float64Array, shape: readonly number[]): JsTensor {
    return t(data, [...shape]);
  }
  beginScope(): void {}
  endScope(): void {}
  read(x: JsTensor): Float64Array {
    return x.data.slice();
  }
  firstNonFinite(x: JsTensor): number {
    return firstNonFiniteValue(x.data);
  }
  shape(x: JsTensor): readonly number[] {
    return x.shape;
  }
  reshape(x: JsTensor, shape: readonly number[]): JsTensor {
    if (sizeOf(shape) !== x.data.length) throw new LrpError('E_SHAPE', `cannot reshape ${showShape(x.shape)} to ${showShape(shape)}`);
    return t(x.data, [...shape]);
  }

  dense(x: JsTensor, w: JsTensor, b: JsTensor | null): JsTensor {
    const [m, k] = w.shape as [number, number];
    const n = x.data.length / m;
    const out = new Float64Array(n * k);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < k; j++) {
        let s = b ? b.data[j]! : 0;
        for (let i = 0; i < m; i++) s += x.data[r * m + i]! * w.data[i * k + j]!;
        out[r * k + j] = s;
      }
    }
    return t(out, [n, k]);
  }

  denseT(s: JsTensor, w: JsTensor): JsTensor {
    const [m, k] = w.shape as [number, number];
    const n = s.data.length / k;
    const out = new Float64Array(n * m);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += s.data[r * k + j]! * w.data[i * k + j]!;
        out[r * m + i] = acc;
      }
    }
    return t(out, [n, m]);
  }

  denseGradW(x: JsTensor, s: JsTensor): JsTensor {
    const n = x.shape[0]!;
    if (s.shape[0] !== n || n === 0) throw new LrpError('E_SHAPE', `denseGradW: batch sizes of ${showShape(x.shape)} and ${showShape(s.shape)} differ`);
    const m = x.data.length / n;
    const k = s.data.length / n;
    const out = new Float64Array(m * k);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < m; i++) {
        const xv = x.data[r * m + i]!;
        for (let j = 0; j < k; j++) out[i * k + j] += xv * s.data[r * k + j]!;
      }
    }
    return t(out, [m, k]);
  }

  conv(x: JsTensor, w: JsTensor, b: JsTensor | null, g: WindowGeometry): JsTensor {
    const nf = w.shape[3]!;
    const n = x.shape[0]!;
    const out = new Float64Array(n * g.outH * g.outW * nf);
    if (b) for (let o = 0; o < out.length; o++) out[o] = b.data[o % nf]!;
    forEachWindow(n, g, nf, (o, i, ky, kx) => {
      const wBase = (ky * g.kW + kx) * g.inC * nf;
      for (let c = 0; c < g.inC; c++) {
        const xv = x.data[i + c]!;
        for (let f = 0; f < nf; f++) out[o + f] += xv * w.data[wBase + c * nf + f]!;
      }
    });
    return t(out, [n, g.outH, g.outW, nf]);
  }

  convT(s: JsTensor, w: JsTensor, g: WindowGeometry): JsTensor {
    const nf = w.shape[3]!;
    const n = s.shape[0]!;
    const out = new Float64Array(n * g.inH * g.inW * g.inC);
    forEachWindow(n, g, nf, (o, i, ky, kx) => {
      const wBase = (ky * g.kW + kx) * g.inC * nf;
      for (let c = 0; c < g.inC; c++) {
        let acc = 0;
        for (let f = 0; f < nf; f++) acc += s.data[o + f]! * w.data[wBase + c * nf + f]!;
        out[i + c] += acc;
      }
    });
    return t(out, [n, g.inH, g.inW, g.inC]);
  }

  convGradW(x: JsTensor, s: JsTensor, g: WindowGeometry): JsTensor {
    const n = x.shape[0]!;
    const nf = s.shape[3]!;
    if (s.shape.length !== 4 || s.shape[0] !== n || s.shape[1] !== g.outH || s.shape[2] !== g.outW) {
      throw new LrpError('E_SHAPE', `convGradW: signal ${showShape(s.shape)} does not fit input ${showShape(x.shape)}`);
    }
    const out = new Float64Array(g.kH * g.kW * g.inC * nf);
    forEachWindow(n, g, nf, (o, i, ky, kx) => {
      const wBase = (ky * g.kW + kx) * g.inC * nf;
      for (let c = 0; c < g.inC; c++) {
        const xv = x.data[i + c]!;
        for (let f = 0; f < nf; f++) out[wBase + c * nf + f] += xv * s.data[o + f]!;
      }
    });
    return t(out, [g.kH, g.kW, g.inC, nf]);
  }

  windowSum(x: JsTensor, g: WindowGeometry): JsTensor {
    const n = x.shape[0]!;
    const out = new Float64Array(n * g.outH * g.outW * g.inC);
    forEachWindow(n, g, g.inC, (o, i) => {
      for (let c = 0; c < g.inC; c++) out[o + c] += x.data[i + c]!;
    });
    return t(out, [n, g.outH, g.outW, g.inC]);
  }

  windowSumT(s: JsTensor, g: WindowGeometry): JsTensor {
    const n = s.shape[0]!;
    const out = new Float64Array(n * g.inH * g.inW * g.inC);
    forEachWindow(n, g, g.inC, (o, i) => {
      for (let c = 0; c < g.inC; c++) out[i + c] += s.data[o + c]!;
    });
    return t(out, [n, g.inH, g.inW, g.inC]);
  }

  maxPool(x: JsTensor, g: WindowGeometry): JsTensor {
    const n = x.shape[0]!;
    const out = new Float64Array(n * g.outH * g.outW * g.inC).fill(-Infinity);
    forEachWindow(n, g, g.inC, (o, i) => {
      for (let c = 0; c < g.inC; c++) if (x.data[i + c]! > out[o + c]!) out[o + c] = x.data[i + c]!;
    });
    return t(out, [n, g.outH, g.outW, g.inC]);
  }

  maxRoute(x: JsTensor, y: JsTensor, s: JsTensor, g: WindowGeometry, mode: MaxTies = 'split'): JsTensor {
    const n = x.shape[0]!;
    const ties = new Float64Array(y.data.length);
    forEachWindow(n, g, g.inC, (o, i) => {
      for (let c = 0; c < g.inC; c++) if (x.data[i + c] === y.data[o + c]) ties[o + c]! += 1;
    });
    const out = new Float64Array(x.data.length);
    // 'first': the share of a window goes whole to its first maximum; `served` marks windows done.
    const served = new Uint8Array(mode === 'first' ? y.data.length : 0);
    forEachWindow(n, g, g.inC, (o, i) => {
      for (let c = 0; c < g.inC; c++) {
        if (x.data[i + c] !== y.data[o + c]) continue;
        if (mode === 'split') out[i + c] += s.data[o + c]! / ties[o + c]!;
        else if (!served[o + c]) {
          out[i + c] += s.data[o + c]!;
          served[o + c] = 1;
        }
      }
    });
    return t(out, x.shape);
  }

  unary(op: UnaryOp, x: JsTensor): JsTensor {
    const f = unaryMaps[op];
    return t(x.data.map(f), x.shape);
  }

  binary(op: BinaryOp, a: JsTensor, b: JsTensor): JsTensor {
    sameShape(a, b, op);
    const out = new Float64Array(a.data.length);
    for (let i = 0; i < out.length; i++) {
      const u = a.data[i]!;
      const v = b.data[i]!;
      out[i] = op === 'add' ? u + v : op === 'sub' ? u - v : u * v;
    }
    return t(out, a.shape);
  }

  scale(x: JsTensor, c: number): JsTensor {
    return t(x.data.map((v) => v * c), x.shape);
  }

  divStab(r: JsTensor, z: JsTensor, stab: Stabilizer): JsTensor {
    sameShape(r, z, 'divStab');
    const out = new Float64Array(r.data.length);
    for (let i = 0; i < out.length; i++) {
      const zi = z.data[i]!;
      const d = zi + stab.eps * (zi >= 0 ? 1 : -1);
      out[i] = d === 0 ? 0 : r.data[i]! / d;
    }
    return t(out, r.shape);
  }

  softmax(x: JsTensor): JsTensor {
    const d = x.shape[x.shape.length - 1]!;
    const out = new Float64Array(x.data.length);
    for (let r = 0; r < out.length; r += d) {
      let max = -Infinity;
      for (let j = 0; j < d; j++) max = Math.max(max, x.data[r + j]!);
      let sum = 0;
      for (let j = 0; j < d; j++) sum += out[r + j] = Math.exp(x.data[r + j]! - max);
      for (let j = 0; j < d; j++) out[r + j]! /= sum;
    }
    return t(out, x.shape);
  }

  softmaxT(y: JsTensor, s: JsTensor): JsTensor {
    sameShape(y, s, 'softmaxT');
    const d = y.shape[y.shape.length - 1]!;
    const out = new Float64Array(y.data.length);
    for (let r = 0; r < out.length; r += d) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += y.data[r + j]! * s.data[r + j]!;
      for (let j = 0; j < d; j++) out[r + j] = y.data[r + j]! * (s.data[r + j]! - dot);
    }
    return t(out, y.shape);
  }

  affine(x: JsTensor, scale: JsTensor, shift: JsTensor | null): JsTensor {
    return graph.affine(x, scale, shift);
  }
  depthwiseConv(x: JsTensor, w: JsTensor, b: JsTensor | null, g: WindowGeometry): JsTensor {
    const n = x.shape[0]!;
    const [, , c, m] = w.shape as [number, number, number, number];
    const out = new Float64Array(n * g.outH * g.outW * c * m);
    if (b) for (let o = 0; o < out.length; o++) out[o] = b.data[o % (c * m)]!;
    forEachWindow(n, g, c * m, (o, i, ky, kx) => {
      const wBase = (ky * g.kW + kx) * c * m;
      for (let j = 0; j < c * m; j++) out[o + j] += x.data[i + Math.floor(j / m)]! * w.data[wBase + j]!;
    });
    return t(out, [n, g.outH, g.outW, c * m]);
  }
  depthwiseConvT(s: JsTensor, w: JsTensor, g: WindowGeometry): JsTensor {
    const n = s.shape[0]!;
    const [, , c, m] = w.shape as [number, number, number, number];
    const out = new Float64Array(n * g.inH * g.inW * c);
    forEachWindow(n, g, c * m, (o, i, ky, kx) => {
      const wBase = (ky * g.kW + kx) * c * m;
      for (let j = 0; j < c * m; j++) out[i + Math.floor(j / m)] += s.data[o + j]! * w.data[wBase + j]!;
    });
    return t(out, [n, g.inH, g.inW, c]);
  }
  clip(x: JsTensor, lo: number, hi: number): JsTensor {
    return t(x.data.map((v) => Math.min(Math.max(v, lo), hi)), x.shape);
  }
  inside(x: JsTensor, lo: number, hi: number): JsTensor {
    return t(x.data.map((v) => (v > lo && v < hi ? 1 : 0)), x.shape);
  }
  concat(parts: readonly JsTensor[], axis: number): JsTensor {
    return graph.concat(parts, axis);
  }
  slice(x: JsTensor, axis: number, start: number, size: number): JsTensor {
    return graph.slice(x, axis, start, size);
  }
  pad(x: JsTensor, padding: readonly [number, number, number, number]): JsTensor {
    return graph.pad(x, padding);
  }
  crop(x: JsTensor, padding: readonly [number, number, number, number]): JsTensor {
    return graph.crop(x, padding);
  }

  dispose(): void {}
}
