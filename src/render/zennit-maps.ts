/**
 * Zennit's built-in colormaps (zennit/image.py `CMAPS`), compiled from their CMSL sources into
 * Zennit's 8-bit palettes (see {@link compileCmsl} / {@link cmslPalette}). The table holds
 * `palette / 255`, so the final `×255` truncation gives back Zennit's palette bytes exactly.
 *
 * Zennit's own `seismic` (`0000d0,80:d0d0d0,d00000`) differs from matplotlib's `seismic`, which
 * the toolbox uses; it is registered here as `zennit-seismic`.
 */
import { type LutColormap, LUT_SIZE, lazyLutColormap, zennitIndex } from './colormap.js';
import { cmslPalette, compileCmsl } from './cmsl.js';

/** CMSL sources of Zennit's built-in maps, keyed by their lrpjs name. */
export const ZENNIT_SOURCES: Readonly<Record<string, { source: string; description: string }>> = {
  gray: { source: '000,fff', description: 'black → white (Zennit)' },
  wred: { source: 'fff,f00', description: 'white → red (Zennit)' },
  wblue: { source: 'fff,00f', description: 'white → blue (Zennit)' },
  hot: { source: '000,f00,ff0,fff', description: 'black → red → yellow → white (Zennit)' },
  cold: { source: '000,00f,0ff', description: 'black → blue → cyan (Zennit)' },
  coldnhot: { source: '0ff,00f,80:000,f00,ff0,fff', description: 'cyan → blue → black → red → yellow → white (Zennit)' },
  bwr: { source: '00f,80:fff,f00', description: 'blue → white → red (Zennit)' },
  france: { source: '0055a4,80:fff,ef4135', description: 'French-flag blue → white → red (Zennit)' },
  'zennit-seismic': { source: '0000d0,80:d0d0d0,d00000', description: 'blue → grey → red at brightness 0xd0 (Zennit seismic)' },
  coolio: { source: '00d0d0,80:d0d0d0,d000d0', description: 'cyan → grey → magenta at brightness 0xd0 (Zennit)' },
  coleus: { source: '00d000,80:d0d0d0,d000d0', description: 'green → grey → magenta at brightness 0xd0 (Zennit)' },
};

/**
 * A table colormap from CMSL source (Zennit's `ColorMap(source).palette()`), indexed like Zennit's
 * `imgify`: `floor(v · 255)`.
 */
export function cmslColormap(name: string, source: string, description = `CMSL '${source}'`): LutColormap {
  const program = compileCmsl(source); // syntax errors surface here, not on first use
  return lazyLutColormap({ kind: 'lut', name, origin: 'zennit', description, indexOf: zennitIndex }, () => {
    const palette = cmslPalette(program);
    const table = new Float64Array(LUT_SIZE * 3);
    for (let i = 0; i < table.length; i++) table[i] = palette[i]! / 255;
    return table;
  });
}

/** Zennit's maps as table colormaps, keyed by name. */
export const zennitMaps: Readonly<Record<string, LutColormap>> = Object.fromEntries(
  Object.entries(ZENNIT_SOURCES).map(([name, { source, description }]) => [name, cmslColormap(name, source, description)]),
);
