/**
 * Files the user opens (file input or drop): which are images, and the model the others make —
 * a toolbox `.txt`/`.nn` (or any format `loadModel` reads from bytes and a name), or a tfjs
 * `model.json` with its weight shards among the same files.
 */
import { LrpError } from '../../src/errors.js';
import { loadModel } from '../../src/io/load-model.js';
import { checkShardPath } from '../../src/io/tfjs-load.js';
import { parseTfjsModelJson, tfjsModelFromParts } from '../../src/io/tfjs-model.js';
import type { Model } from '../../src/model/layers.js';

/** A file the user opened, read into memory. */
export interface OpenedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const IMAGE_NAME = /\.(png|jpe?g|gif|webp|bmp|avif)$/i;

/** Whether a file is an image to explain (by MIME type, else by name). */
export function isImageFile(name: string, type = ''): boolean {
  return type.startsWith('image/') || IMAGE_NAME.test(name);
}

/** The last path segment of a shard path (files opened together arrive without folders). */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A tfjs layers model from its model.json and the shards it names, found by file name among `others`. */
function tfjsFromFiles(json: OpenedFile, others: readonly OpenedFile[]): Model {
  const parsed = parseTfjsModelJson(json.bytes, json.name);
  const parts: Uint8Array[] = [];
  for (const group of parsed.groups) {
    for (const path of group.paths) {
      checkShardPath(path, json.name);
      const shard = others.find((f) => f.name === baseName(path));
      if (!shard) throw new LrpError('E_IO', `weight shard '${path}' is not among the opened files; open model.json together with its .bin files`, json.name);
      parts.push(shard.bytes);
    }
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (data.set(p, at), (at += p.length));
  return tfjsModelFromParts(parsed.modelTopology, parsed.groups.flatMap((g) => g.weights), data, json.name);
}

/**
 * The model made by the opened files that are not images. `E_USAGE` where they make none (only
 * weight shards, several model files), an importer's error where the file is bad.
 */
export async function modelFromFiles(files: readonly OpenedFile[]): Promise<{ readonly model: Model; readonly name: string }> {
  const jsons = files.filter((f) => /\.json$/i.test(f.name));
  if (jsons.length > 1) throw new LrpError('E_USAGE', `open one model.json at a time (got ${jsons.map((f) => f.name).join(', ')})`, 'open a model');
  if (jsons.length === 1) return { model: tfjsFromFiles(jsons[0]!, files), name: jsons[0]!.name };
  const candidates = files.filter((f) => !/\.bin$/i.test(f.name));
  if (candidates.length === 0) throw new LrpError('E_USAGE', 'weight shards (.bin) need their model.json; open them together', 'open a model');
  if (candidates.length > 1) throw new LrpError('E_USAGE', `open one model file at a time (got ${candidates.map((f) => f.name).join(', ')})`, 'open a model');
  const file = candidates[0]!;
  return { model: await loadModel({ bytes: file.bytes, name: file.name }), name: file.name };
}
