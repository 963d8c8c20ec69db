import { LrpError } from '../errors.js';
import type { Model } from '../model/layers.js';
import { type ReadInputOptions, inputSizeCap, readFileBytes } from './file-system.js';
import { parseModel } from './model-file.js';

/** Reads a fetched body, refusing it (`E_RANGE`) once it passes `cap` bytes. */
async function responseBytes(res: Response, cap: number, where: string): Promise<Uint8Array> {
  const tooBig = (what: string): LrpError => new LrpError('E_RANGE', `${what}, over the input size cap of ${cap} bytes`, where);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > cap) throw tooBig(`the response declares ${declared} bytes`);
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      throw tooBig(`more than ${cap} bytes arrived`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

/**
 * Loads a model: toolbox text (`.txt`, current and legacy) or pickled toolbox model (`.nn`).
 * `source` is a file path (Node, Deno), a `URL` (`file:` read from disk, others fetched), raw bytes,
 * or `{bytes, name}` where the name picks the format. Files and fetched bodies may hold at most
 * `options.maxBytes` (default `LRPJS_MAX_INPUT_BYTES`, else 2 GiB; `E_RANGE` beyond).
 */
export async function loadModel(
  source: string | URL | Uint8Array | { readonly bytes: Uint8Array; readonly name: string },
  options: ReadInputOptions = {},
): Promise<Model> {
  if (source instanceof Uint8Array) return parseModel(source, 'model');
  if (typeof source === 'string') return parseModel(await readFileBytes(source, options), source);
  if (source instanceof URL) {
    if (source.protocol === 'file:') {
      const { fileURLToPath } = await import('node:url');
      const path = fileURLToPath(source);
      return parseModel(await readFileBytes(path, options), path);
    }
    let res: Response;
    try {
      res = await fetch(source);
    } catch (e) {
      throw new LrpError('E_IO', `cannot fetch: ${(e as Error).message}`, source.href);
    }
    if (!res.ok) throw new LrpError('E_IO', `fetch failed with HTTP ${res.status}`, source.href);
    return parseModel(await responseBytes(res, inputSizeCap(options), source.href), source.pathname);
  }
  return parseModel(source.bytes, source.name);
}
