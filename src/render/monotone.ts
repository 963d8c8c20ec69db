/** Value-level checks of how a table colormap's channels move (used to verify Zennit's maps). */
import type { LutColormap } from './colormap.js';

/** How a sequence moves: strictly up, up or flat, flat, down or flat, strictly down, or both ways. */
export type Trend = 'increasing' | 'non-decreasing' | 'constant' | 'non-increasing' | 'decreasing' | 'mixed';

/** The {@link Trend} of a numeric sequence (`'constant'` for fewer than 2 values). */
export function trendOf(values: ArrayLike<number>): Trend {
  let up = 0;
  let down = 0;
  let flat = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    if (d > 0) up++;
    else if (d < 0) down++;
    else flat++;
  }
  if (up && down) return 'mixed';
  if (up) return flat ? 'non-decreasing' : 'increasing';
  if (down) return flat ? 'non-increasing' : 'decreasing';
  return 'constant';
}

/** The {@link Trend} of one channel (0 r, 1 g, 2 b) of a table over entries `from ..= to`. */
export function channelTrend(cmap: LutColormap, channel: 0 | 1 | 2, from = 0, to = cmap.table.length / 3 - 1): Trend {
  const values: number[] = [];
  for (let k = from; k <= to; k++) values.push(cmap.table[k * 3 + channel]!);
  return trendOf(values);
}
