/**
 * The colormap types of lrpjs. Two kinds exist because render.py has two kinds:
 *
 * - {@link LutColormap}: a 256-entry table applied to values already normalised to [0, 1]
 *   (matplotlib's maps `jet`, `binary`, `seismic`; Zennit's palette maps from `zennit/image.py`).
 * - {@link RelevanceColormap}: a function of the raw relevance that scales it itself (render.py's
 *   custom maps `gray-red`, `gray-red2`, `black-green`, `black-firered`, `blue-black-yellow`,
 *   applied without the `(R + 1) / 2` step).
 */

/** Number of entries of every lookup table (matplotlib's `_LUTSIZE`, Zennit's 8-bit palette). */
export const LUT_SIZE = 256;

/** Where a colormap's numbers come from. */
export type ColormapOrigin = 'matplotlib' | 'zennit' | 'toolbox';

/** A table colormap for values in [0, 1]. */
export interface LutColormap {
  readonly kind: 'lut';
  readonly name: string;
  readonly origin: ColormapOrigin;
  /** One line on what the map looks like. */
  readonly description: string;
  /** {@link LUT_SIZE} RGB entries in [0, 1], entry k at `3k .. 3k + 2`. */
  readonly table: Float64Array;
  /**
   * Table index of a value in [0, 1]; values outside are clamped to the end entries. matplotlib
   * uses `floor(v · 256)` with v = 1 → 255; Zennit uses `floor(clip(v · 255, 0, 255))`.
   */
  indexOf(value: number): number;
}

/** A colormap of raw relevance that chooses its own scale (render.py's custom maps). */
export interface RelevanceColormap {
  readonly kind: 'relevance';
  readonly name: string;
  readonly origin: ColormapOrigin;
  /** One line on what the map looks like. */
  readonly description: string;
  /** The scale the map divides by for these values (render.py computes it per call); 0 when undefined. */
  scaleOf(values: ArrayLike<number>): number;
  /**
   * Colours `values` (any finite numbers) as `values.length · 3` RGB floats. `scale` replaces the map's
   * own {@link scaleOf} (used for batch normalisation); a zero scale renders as the map's centre.
   */
  colorize(values: ArrayLike<number>, scale?: number): Float64Array;
}

/** Any colormap of the registry. */
export type Colormap = LutColormap | RelevanceColormap;

/** matplotlib's table index: `floor(v · 256)`, v = 1 → 255, clamped to [0, 255] (`Colormap.__call__`). */
export function matplotlibIndex(value: number): number {
  const x = value * LUT_SIZE;
  if (!(x > 0)) return 0;
  return x >= LUT_SIZE - 1 ? LUT_SIZE - 1 : Math.floor(x);
}

/** Zennit's table index: `floor(clip(v · 255, 0, 255))` (`imgify` before the palette lookup). */
export function zennitIndex(value: number): number {
  const x = value * (LUT_SIZE - 1);
  if (!(x > 0)) return 0;
  return x >= LUT_SIZE - 1 ? LUT_SIZE - 1 : Math.floor(x);
}

/**
 * A table colormap whose table is computed on first use, so that loading the colormap registry does
 * no work (the CLI's start-up pays only for the maps it renders with).
 */
export function lazyLutColormap(fields: Omit<LutColormap, 'table'>, build: () => Float64Array): LutColormap {
  let table: Float64Array | undefined;
  return {
    ...fields,
    get table(): Float64Array {
      table ??= build();
      return table;
    },
  };
}

/** Colour of one normalised value under a table colormap, as `[r, g, b]` in [0, 1]. */
export function lookupColor(cmap: LutColormap, value: number): [number, number, number] {
  const k = cmap.indexOf(value) * 3;
  return [cmap.table[k]!, cmap.table[k + 1]!, cmap.table[k + 2]!];
}
