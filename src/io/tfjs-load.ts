import { LrpError } from '../errors.js';
import type { Model } from '../model/layers.js';
import { fetchBytes } from './fetch-bytes.js';
import { type ReadInputOptions, inputSizeCap, readFileBytes } from './file-system.js';
import { type TfjsModelJson, parseTfjsModelJson, tfjsModelFromParts } from './tfjs-model.js';

/**
 * Checks a shard path of a weights manifest: a plain relative path inside the model's folder. An
 * absolute path, a URL with a scheme or host, a `..` segment (also percent-encoded), a backslash
 * or a NUL is `E_FORMAT` naming the path and `file`: a model file must not read outside its folder.
 */
export function checkShardPath(p: string, file: string): void {
  let decoded = p;
  try {
    decoded = decodeURIComponent(p);
  } catch {
    throw new LrpError('E_FORMAT', `shard path '${p}' has a malformed percent escape`, file);
  }
  for (const s of [p, decoded]) {
    const bad =
      s === '' ||
      s.includes('\0') ||
      s.includes('\\') ||
      s.startsWith('/') ||
      /^[a-z][a-z0-9+.-]*:/i.test(s) ||
      s.split('/').some((seg) => seg === '..' || seg === '.');
    if (bad) throw new LrpError('E_FORMAT', `shard path '${p}' is not a plain relative path inside the model's folder (refused)`, file);
  }
}

/** The first weight a group holds, for messages about its shards. */
function groupWhat(model: TfjsModelJson, g: number): string {
  const first = model.groups[g]?.weights[0];
  return first ? ` (holds weight '${first.name}'${model.groups[g]!.weights.length > 1 ? ' and others' : ''})` : '';
}

/** Reads every shard with `read(path, capLeft)` in manifest order, concatenated (at most `cap` bytes); a missing shard names its weights. */
async function readShards(model: TfjsModelJson, file: string, cap: number, read: (p: string, capLeft: number) => Promise<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let g = 0; g < model.groups.length; g++) {
    for (const p of model.groups[g]!.paths) {
      checkShardPath(p, file);
      let bytes: Uint8Array;
      try {
        bytes = await read(p, Math.max(1, cap - total));
      } catch (e) {
        if (e instanceof LrpError) throw new LrpError(e.code, `weight shard '${p}' of ${file}${groupWhat(model, g)}: ${e.message}`, e.where);
        throw e;
      }
      total += bytes.length;
      if (total > cap) throw new LrpError('E_RANGE', `model.json and its weight shards hold more than the input size cap`, file);
      parts.push(bytes);
    }
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of parts) (out.set(b, at), (at += b.length));
  return out;
}

/**
 * Loads a tfjs layers model from its `model.json` on disk (Node, Deno), its weight shards read from
 * the same folder. Shard paths that leave the folder are refused (`E_FORMAT`), missing shards are
 * `E_IO` naming the shard and its weights; model.json and all shards together may hold at most the
 * input size cap (`E_RANGE`).
 */
export async function loadTfjsModelFile(path: string, options: ReadInputOptions = {}): Promise<Model> {
  const cap = inputSizeCap(options);
  const json = await readFileBytes(path, { maxBytes: cap });
  const model = parseTfjsModelJson(json, path);
  const nodePath = await import('node:path');
  const dir = nodePath.resolve(nodePath.dirname(path));
  const data = await readShards(model, path, cap - json.length, (p, capLeft) => {
    const full = nodePath.resolve(dir, p);
    if (!full.startsWith(dir + nodePath.sep)) throw new LrpError('E_FORMAT', `shard path '${p}' leaves the model's folder (refused)`, path);
    return readFileBytes(full, { maxBytes: capLeft });
  });
  return tfjsModelFromParts(model.modelTopology, model.groups.flatMap((g) => g.weights), data, path);
}

/**
 * Loads a tfjs layers model from the URL of its `model.json`, fetching the shards relative to it
 * (same origin, same folder or below; anything else is refused with `E_FORMAT`). HTTP failures are
 * `E_IO` naming the URL; everything fetched together may hold at most the input size cap.
 */
export async function loadTfjsModelUrl(url: URL, options: ReadInputOptions = {}): Promise<Model> {
  const cap = inputSizeCap(options);
  const json = await fetchBytes(url, cap);
  const model = parseTfjsModelJson(json, url.href);
  const folder = new URL('.', url);
  const data = await readShards(model, url.href, cap - json.length, (p, capLeft) => {
    const shard = new URL(p, folder);
    if (shard.origin !== folder.origin || !shard.pathname.startsWith(folder.pathname)) {
      throw new LrpError('E_FORMAT', `shard path '${p}' leaves the model's folder (refused)`, url.href);
    }
    return fetchBytes(shard, capLeft);
  });
  return tfjsModelFromParts(model.modelTopology, model.groups.flatMap((g) => g.weights), data, url.href);
}
