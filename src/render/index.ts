/**
 * `render/`: relevance maps to images, compatible with the LRP Toolbox's render.py (matplotlib
 * colormaps, custom maps, Canny outline, `save_image` strips) and offering Zennit's colormaps.
 * Pure functions that run in Node, Deno and browsers. PNG encoding lives apart in `render/png.js`
 * (`encodePng`, `decodePng`), the only module that loads pngjs, so this entry point never pulls it in.
 */
export * from './colormap.js';
export { colormaps, colormapNames, getColormap } from './colormaps.js';
export { segmentChannel, segmentLut, segmentsFromColorList, type SegmentChannels, type SegmentData } from './segment-lut.js';
export { jet, binary, seismic, JET_SEGMENTS, BINARY_SEGMENTS, SEISMIC_COLORS } from './matplotlib-maps.js';
export { compileCmsl, evaluateCmsl, cmslPalette, type CmslNode } from './cmsl.js';
export { cmslColormap, zennitMaps, ZENNIT_SOURCES } from './zennit-maps.js';
export { toolboxMaps } from './toolbox-maps.js';
export { channelTrend, trendOf, type Trend } from './monotone.js';
export { toImageData, toRgba, type RgbFloatImage, type RgbaImage } from './images.js';
export { maxAbs, percentile, symmetricScale, toUnitSymmetric } from './normalize.js';
export { enlarge } from './enlarge.js';
export { DEFAULT_MAX_PIXELS } from './pixel-budget.js';
export { canny, type CannyOptions } from './canny.js';
export { paintOutline } from './outline.js';
export { hmToRgb, digitToRgb, type HmToRgbOptions, type DigitToRgbOptions } from './hm-to-rgb.js';
export type { MapShape } from './map-shape.js';
export { stripImages } from './strip.js';
export { heatmap, heatmaps, type HeatmapOptions } from './heatmap.js';
export { splitMaps, defaultLayout, type Layout, type ChannelReduction, type Map2d } from './layout.js';
export { sampleStrips, batchStrip, type StripOptions } from './heatmap-strips.js';
