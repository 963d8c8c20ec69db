/** The colormaps and normalisations the page offers for heatmaps. Pure data. */
import { colormapNames } from '../../src/render/colormaps.js';
import type { HeatmapOptions } from '../../src/render/heatmap.js';

/** One normalisation choice. */
export interface NormalisationChoice {
  readonly id: string;
  readonly label: string;
  readonly options: Pick<HeatmapOptions, 'normalize' | 'percentile'>;
}

/** Normalisations: each map by its own max |R| (render.py), by a percentile (saturates outliers), or one scale for all maps shown. */
export const NORMALISATIONS: readonly NormalisationChoice[] = [
  { id: 'sample', label: 'Each map by its max |R|', options: { normalize: 'sample' } },
  { id: 'percentile', label: 'Each map by its 99th percentile of |R|', options: { normalize: 'sample', percentile: 99 } },
  { id: 'batch', label: 'One scale for all maps', options: { normalize: 'batch' } },
];

/** The colormaps offered: every colormap of lrpjs, `bwr` (blue negative, red positive) first. */
export const COLORMAPS: readonly string[] = ['bwr', ...colormapNames.filter((n) => n !== 'bwr')];
