/**
 * The colormap registry: matplotlib's `jet`, `binary`, `seismic` (render.py), the toolbox's custom
 * maps (render.py `custom_maps`) and Zennit's maps (zennit/image.py `CMAPS`).
 */
import { LrpError } from '../errors.js';
import type { Colormap } from './colormap.js';
import { binary, jet, seismic } from './matplotlib-maps.js';
import { toolboxMaps } from './toolbox-maps.js';
import { zennitMaps } from './zennit-maps.js';

/** Every built-in colormap keyed by name. */
export const colormaps: Readonly<Record<string, Colormap>> = Object.freeze({
  jet,
  binary,
  seismic,
  ...toolboxMaps,
  ...zennitMaps,
});

/** Names of the built-in colormaps, in registry order. */
export const colormapNames: readonly string[] = Object.freeze(Object.keys(colormaps));

/**
 * The colormap `cmap` names, or `cmap` itself when it already is a colormap.
 * @throws LrpError `E_RULE` for an unknown name (the message lists the known ones).
 */
export function getColormap(cmap: string | Colormap): Colormap {
  if (typeof cmap !== 'string') return cmap;
  const found = Object.hasOwn(colormaps, cmap) ? colormaps[cmap] : undefined;
  if (!found) throw new LrpError('E_RULE', `unknown colormap '${cmap}' (known: ${colormapNames.join(', ')})`, 'render');
  return found;
}
