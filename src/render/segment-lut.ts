/**
 * matplotlib's `LinearSegmentedColormap` lookup tables (matplotlib/colors.py, `_create_lookup_table`
 * and `LinearSegmentedColormap.from_list`), reproduced number for number in float64.
 */
import { LrpError } from '../errors.js';
import { LUT_SIZE } from './colormap.js';

/** One channel's segment data: rows `[x, y0, y1]` with x rising from 0 to 1 (matplotlib's `segmentdata`). */
export type SegmentData = readonly (readonly [x: number, y0: number, y1: number])[];

/** Segment data of the three channels. */
export interface SegmentChannels {
  readonly red: SegmentData;
  readonly green: SegmentData;
  readonly blue: SegmentData;
}

/** numpy's `linspace(0, 1, n)[i]`: `i · (1 / (n − 1))`, with the last entry exactly 1. */
function unitLinspace(i: number, n: number): number {
  return i === n - 1 ? 1 : i * (1 / (n - 1));
}

/**
 * One channel of a lookup table: entry k is the piecewise-linear segment data at k / (n − 1), the
 * left limit `y0` at a breakpoint, `y1[0]` first and `y0[last]` last, clipped to [0, 1].
 */
export function segmentChannel(data: SegmentData, n: number = LUT_SIZE): Float64Array {
  if (data.length < 2 || data[0]![0] !== 0 || data[data.length - 1]![0] !== 1) {
    throw new LrpError('E_RULE', 'segment data must start at x = 0 and end at x = 1', 'colormap');
  }
  for (let j = 1; j < data.length; j++) {
    if (data[j]![0] < data[j - 1]![0]) throw new LrpError('E_RULE', 'segment data x must not decrease', 'colormap');
  }
  const x = data.map((row) => row[0] * (n - 1));
  const out = new Float64Array(n);
  out[0] = data[0]![2];
  out[n - 1] = data[data.length - 1]![1];
  let j = 0;
  for (let i = 1; i < n - 1; i++) {
    const xi = (n - 1) * unitLinspace(i, n);
    while (j < x.length && x[j]! < xi) j++; // numpy searchsorted, side='left'
    const distance = (xi - x[j - 1]!) / (x[j]! - x[j - 1]!);
    out[i] = distance * (data[j]![1] - data[j - 1]![2]) + data[j - 1]![2];
  }
  for (let i = 0; i < n; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
  return out;
}

/** An interleaved RGB lookup table (`n · 3`) from three channels' segment data. */
export function segmentLut(channels: SegmentChannels, n: number = LUT_SIZE): Float64Array {
  const r = segmentChannel(channels.red, n);
  const g = segmentChannel(channels.green, n);
  const b = segmentChannel(channels.blue, n);
  const table = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    table[i * 3] = r[i]!;
    table[i * 3 + 1] = g[i]!;
    table[i * 3 + 2] = b[i]!;
  }
  return table;
}

/**
 * Segment data for colours spaced equally over [0, 1], as `LinearSegmentedColormap.from_list(name,
 * colors)` builds it (`np.linspace(0, 1, len(colors))`, each colour both left and right limit).
 */
export function segmentsFromColorList(colors: readonly (readonly [number, number, number])[]): SegmentChannels {
  if (colors.length < 2) throw new LrpError('E_RULE', 'a colour list needs at least 2 colours', 'colormap');
  const n = colors.length;
  const channel = (c: number): SegmentData =>
    colors.map((color, i) => {
      const x = unitLinspace(i, n);
      return [x, color[c]!, color[c]!] as const;
    });
  return { red: channel(0), green: channel(1), blue: channel(2) };
}
