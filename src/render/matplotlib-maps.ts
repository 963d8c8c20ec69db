/**
 * The matplotlib colormaps render.py uses (`matplotlib.cm.<name>`), built from matplotlib's own
 * segment data (matplotlib/_cm.py: `_jet_data`, `_binary_data`, `_seismic_data`) with N = 256.
 */
import { type LutColormap, lazyLutColormap, matplotlibIndex } from './colormap.js';
import { type SegmentChannels, segmentLut, segmentsFromColorList } from './segment-lut.js';

/** matplotlib's `_jet_data`: blue → cyan → yellow → red, render.py's default heatmap map. */
export const JET_SEGMENTS: SegmentChannels = {
  red: [[0, 0, 0], [0.35, 0, 0], [0.66, 1, 1], [0.89, 1, 1], [1, 0.5, 0.5]],
  green: [[0, 0, 0], [0.125, 0, 0], [0.375, 1, 1], [0.64, 1, 1], [0.91, 0, 0], [1, 0, 0]],
  blue: [[0, 0.5, 0.5], [0.11, 1, 1], [0.34, 1, 1], [0.65, 0, 0], [1, 0, 0]],
};

/** matplotlib's `_binary_data`: white → black, render.py's `digit_to_rgb` map. */
export const BINARY_SEGMENTS: SegmentChannels = {
  red: [[0, 1, 1], [1, 0, 0]],
  green: [[0, 1, 1], [1, 0, 0]],
  blue: [[0, 1, 1], [1, 0, 0]],
};

/**
 * matplotlib's `_seismic_data`, a colour list turned into a map by `LinearSegmentedColormap.from_list`:
 * dark blue, blue, white, red, dark red, equally spaced.
 */
export const SEISMIC_COLORS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0.3],
  [0, 0, 1],
  [1, 1, 1],
  [1, 0, 0],
  [0.5, 0, 0],
];

function matplotlibMap(name: string, description: string, segments: SegmentChannels): LutColormap {
  return lazyLutColormap({ kind: 'lut', name, origin: 'matplotlib', description, indexOf: matplotlibIndex }, () => segmentLut(segments));
}

/** matplotlib `jet`. */
export const jet: LutColormap = matplotlibMap('jet', 'dark blue → cyan → yellow → dark red (matplotlib)', JET_SEGMENTS);

/** matplotlib `binary`: r = g = b = 1 − k/255. */
export const binary: LutColormap = matplotlibMap('binary', 'white → black (matplotlib)', BINARY_SEGMENTS);

/** matplotlib `seismic`. */
export const seismic: LutColormap = matplotlibMap(
  'seismic',
  'dark blue → blue → white → red → dark red (matplotlib)',
  segmentsFromColorList(SEISMIC_COLORS),
);
