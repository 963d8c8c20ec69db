/**
 * The LRP Toolbox's custom colormaps (render.py `custom_maps`: `gregoire_gray_red`,
 * `gregoire_gray_red2`, `gregoire_black_green`, `gregoire_black_firered`, `alex_black_yellow`).
 * They take the raw relevance and divide by a scale of their own choosing; render.py applies them
 * without the `(R + 1) / 2` step. Where render.py's scale is 0 (an all-zero map, which gives NaN
 * there) lrpjs divides by nothing and renders the map's centre colour.
 */
import type { RelevanceColormap } from './colormap.js';

type Pixel = (x: number, raw: number) => readonly [number, number, number];

const clip = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const ratio = (v: number, scale: number): number => (scale === 0 ? 0 : v / scale);

function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]!);
  return values.length ? m : 0;
}

function maxAbsOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

function relevanceMap(
  name: string,
  description: string,
  scaleOf: (values: ArrayLike<number>) => number,
  pixel: Pixel,
  prepare: (values: ArrayLike<number>) => ArrayLike<number> = (v) => v,
): RelevanceColormap {
  return {
    kind: 'relevance',
    name,
    origin: 'toolbox',
    description,
    scaleOf: (values) => scaleOf(prepare(values)),
    colorize(values, scale) {
      const r = prepare(values);
      const s = scale ?? scaleOf(r);
      const out = new Float64Array(r.length * 3);
      for (let i = 0; i < r.length; i++) {
        const rgb = pixel(ratio(r[i]!, s), r[i]!);
        out[i * 3] = rgb[0];
        out[i * 3 + 1] = rgb[1];
        out[i * 3 + 2] = rgb[2];
      }
      return out;
    },
  };
}

const BASE_GRAY = 0.8;

/** `gray-red`: grey 0.8 at zero, towards red for R > 0 and towards blue for R < 0; scale max R. */
export const grayRed: RelevanceColormap = relevanceMap('gray-red', 'blue ← grey → red (toolbox gregoire_gray_red)', maxOf, (x, raw) => {
  const t = clip(x, -1, 1);
  return raw < 0
    ? [BASE_GRAY + t * BASE_GRAY, BASE_GRAY + t * BASE_GRAY, BASE_GRAY + -t * (1 - BASE_GRAY)]
    : [BASE_GRAY + t * (1 - BASE_GRAY), BASE_GRAY + -t * BASE_GRAY, BASE_GRAY + -t * BASE_GRAY];
});

/** render.py's `gray-red2` preprocessing: R > 10·var(R) and R < 0 set to 0. */
function zeroOutliersAndNegatives(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n || 1;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2;
  variance /= n || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    out[i] = v > 10 * variance || v < 0 ? 0 : v;
  }
  return out;
}

/** `gray-red2`: light grey 0.9 fading to red for positive relevance only; scale max R after zeroing. */
export const grayRed2: RelevanceColormap = relevanceMap(
  'gray-red2',
  'light grey → red, positive relevance only (toolbox gregoire_gray_red2)',
  maxOf,
  (x) => {
    if (x >= 0) {
      const gb = 0.9 - (clip(x, 0, 0.3) / 0.3) * 0.5 - (clip(x - 0.3, 0, 0.7) / 0.7) * 0.4;
      return [0.9 - (clip(x - 0.3, 0, 0.7) / 0.7) * 0.5, gb, gb];
    }
    const rg = 0.9 - (clip(-x, 0, 0.3) / 0.3) * 0.5 - (clip(-x - 0.3, 0, 0.7) / 0.7) * 0.4;
    return [rg, rg, 0.9 - (clip(-x - 0.3, 0, 0.7) / 0.7) * 0.5];
  },
  zeroOutliersAndNegatives,
);

/** `black-green`: black at zero, green for R > 0, blue for R < 0; scale max R. */
export const blackGreen: RelevanceColormap = relevanceMap('black-green', 'blue ← black → green (toolbox gregoire_black_green)', maxOf, (x, raw) =>
  raw < 0 ? [0, 0, -x] : [0, x, 0],
);

/** `black-firered`: black at zero, red → yellow → white for R > 0, blue → cyan → white for R < 0; scale max |R|. */
export const blackFirered: RelevanceColormap = relevanceMap(
  'black-firered',
  'white ← cyan ← blue ← black → red → yellow → white (toolbox gregoire_black_firered)',
  maxAbsOf,
  (x) => [
    clip(x, 0, 0.25) / 0.25 + clip(-x - 0.5, 0, 0.5) / 0.5,
    clip(x - 0.25, 0, 0.25) / 0.25 + clip(-x - 0.25, 0, 0.25) / 0.25,
    clip(x - 0.5, 0, 0.5) / 0.5 + clip(-x, 0, 0.25) / 0.25,
  ],
);

/** `blue-black-yellow`: black at zero, yellow for R > 0, blue for R < 0; scale max R. */
export const blueBlackYellow: RelevanceColormap = relevanceMap(
  'blue-black-yellow',
  'blue ← black → yellow (toolbox alex_black_yellow)',
  maxOf,
  (x, raw) => (raw < 0 ? [0, 0, -x] : [x, x, 0]),
);

/** The toolbox's custom maps keyed by their render.py names. */
export const toolboxMaps: Readonly<Record<string, RelevanceColormap>> = {
  'gray-red': grayRed,
  'gray-red2': grayRed2,
  'black-green': blackGreen,
  'black-firered': blackFirered,
  'blue-black-yellow': blueBlackYellow,
};
