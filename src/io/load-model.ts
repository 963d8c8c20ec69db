import { LrpError } from '../errors.js';
import type { Model } from '../model/layers.js';
import { readFileBytes } from './file-system.js';
import { parseModel } from './model-file.js';

/**
 * Loads a model: toolbox text (`.txt`, current and legacy) or pickled toolbox model (`.nn`).
 * `source` is a file path (Node, Deno), a `URL` (`file:` read from disk, others fetched), raw bytes,
 * or `{bytes, name}` where the name picks the format.
 */
export async function loadModel(source: string | URL | Uint8Array | { readonly bytes: Uint8Array; readonly name: string }): Promise<Model> {
  if (source instanceof Uint8Array) return parseModel(source, 'model');
  if (typeof source === 'string') return parseModel(await readFileBytes(source), source);
  if (source instanceof URL) {
    if (source.protocol === 'file:') {
      const { fileURLToPath } = await import('node:url');
      const path = fileURLToPath(source);
      return parseModel(await readFileBytes(path), path);
    }
    let res: Response;
    try {
      res = await fetch(source);
    } catch (e) {
      throw new LrpError('E_IO', `cannot fetch: ${(e as Error).message}`, source.href);
    }
    if (!res.ok) throw new LrpError('E_IO', `fetch failed with HTTP ${res.status}`, source.href);
    return parseModel(new Uint8Array(await res.arrayBuffer()), source.pathname);
  }
  return parseModel(source.bytes, source.name);
}
