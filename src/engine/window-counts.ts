import type { WindowGeometry } from '../model/shapes.js';
import type { Ops } from './ops.js';

/**
 * How many elements of each output window lie inside the input (not in the padding), per output
 * position `oy·outW + ox`: the divisor of an average pool that leaves the padding out (ONNX
 * `count_include_pad = 0`). Depends on the geometry only.
 */
export function windowCounts(g: WindowGeometry): Float64Array {
  const counts = new Float64Array(g.outH * g.outW);
  const inside = (o: number, s: number, k: number, d: number, before: number, extent: number): number => {
    let n = 0;
    for (let j = 0; j < k; j++) {
      const p = o * s + j * d - before;
      if (p >= 0 && p < extent) n++;
    }
    return n;
  };
  for (let oy = 0; oy < g.outH; oy++) {
    const rows = inside(oy, g.sH, g.kH, g.dH, g.pad[0], g.inH);
    for (let ox = 0; ox < g.outW; ox++) counts[oy * g.outW + ox] = rows * inside(ox, g.sW, g.kW, g.dW, g.pad[2], g.inW);
  }
  return counts;
}

/**
 * A `[batch, outH, outW, C]` tensor holding `f(count)` at every output position of `g`, `count` the
 * window's elements inside the input ({@link windowCounts}), the same for every sample and channel.
 */
export function perWindowTensor<T>(ops: Ops<T>, g: WindowGeometry, batch: number, f: (count: number) => number): T {
  const counts = windowCounts(g);
  const C = g.inC;
  const data = new Float64Array(batch * counts.length * C);
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < counts.length; p++) data.fill(f(counts[p]!), (n * counts.length + p) * C, (n * counts.length + p + 1) * C);
  }
  return ops.tensor(data, [batch, g.outH, g.outW, C]);
}

/** `t ⊙ w` where `w` is {@link perWindowTensor}`(f)`; `t` is left as it is. */
export function timesPerWindow<T>(ops: Ops<T>, t: T, g: WindowGeometry, f: (count: number) => number): T {
  const w = perWindowTensor(ops, g, ops.shape(t)[0]!, f);
  const r = ops.binary('mul', t, w);
  ops.dispose(w);
  return r;
}

/** The average over each window's elements inside the input, `[N, outH, outW, C]`: ONNX AveragePool with `count_include_pad = 0`. */
export function averageInside<T>(ops: Ops<T>, x: T, g: WindowGeometry, f: (count: number) => number = (n) => 1 / n): T {
  const sum = ops.windowSum(x, g);
  const r = timesPerWindow(ops, sum, g, f);
  ops.dispose(sum);
  return r;
}

/** Transpose of {@link averageInside} (with the same `f`): `s[N, outH, outW, C]` → `[N, H, W, C]`. */
export function averageInsideT<T>(ops: Ops<T>, s: T, g: WindowGeometry, f: (count: number) => number = (n) => 1 / n): T {
  const w = timesPerWindow(ops, s, g, f);
  const r = ops.windowSumT(w, g);
  ops.dispose(w);
  return r;
}
