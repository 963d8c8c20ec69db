import type { Model } from '../model/layers.js';
import { fetchBytes } from './fetch-bytes.js';
import { type ReadInputOptions, inputSizeCap, readFileBytes } from './file-system.js';
import { parseModel } from './model-file.js';
import { looksLikeOnnx, readOnnxModel } from './onnx-load.js';
import { loadTfjsModelFile, loadTfjsModelUrl } from './tfjs-load.js';
import { type TfjsModelArtifacts, isTfjsArtifacts, tfjsModelFromArtifacts } from './tfjs-model.js';

/** True for a path or URL path naming a tfjs `model.json` (any `.json` file). */
function isJsonName(name: string): boolean {
  return /\.json$/i.test(name);
}

/** Parses model bytes: ONNX (by name or content, decoded asynchronously) or one of {@link parseModel}'s formats. */
async function parseAny(bytes: Uint8Array, name: string): Promise<Model> {
  return looksLikeOnnx(bytes, name) ? readOnnxModel(bytes, name) : parseModel(bytes, name);
}

/**
 * Loads a model: an ONNX model (`.onnx`, read with the `onnx-proto` package, loaded on first use;
 * images NCHW at the explainer's boundary, see `Model.inputLayout`), toolbox text (`.txt`, current and legacy), pickled toolbox model (`.nn`), or a
 * TensorFlow.js layers model (`model.json` with its weight shards beside it, or in-memory
 * {@link TfjsModelArtifacts} `{modelTopology, weightSpecs, weightData}` as `tf.io.withSaveHandler`
 * hands them over). `source` is a file path (Node, Deno), a `URL` (`file:` read from disk, others
 * fetched; a tfjs model's shards are fetched relative to its model.json), raw bytes, `{bytes, name}`
 * where the name picks the format, or tfjs artifacts. Files and fetched bodies may hold at most
 * `options.maxBytes` (default `LRPJS_MAX_INPUT_BYTES`, else 2 GiB; `E_RANGE` beyond); for a tfjs
 * model the cap covers model.json and all shards together.
 */
export async function loadModel(
  source: string | URL | Uint8Array | { readonly bytes: Uint8Array; readonly name: string } | TfjsModelArtifacts,
  options: ReadInputOptions = {},
): Promise<Model> {
  if (source instanceof Uint8Array) return parseAny(source, 'model');
  if (typeof source === 'string') {
    if (isJsonName(source)) return loadTfjsModelFile(source, options);
    return parseAny(await readFileBytes(source, options), source);
  }
  if (source instanceof URL) {
    if (source.protocol === 'file:') {
      const { fileURLToPath } = await import('node:url');
      return loadModel(fileURLToPath(source), options);
    }
    if (isJsonName(source.pathname)) return loadTfjsModelUrl(source, options);
    return parseAny(await fetchBytes(source, inputSizeCap(options)), source.pathname);
  }
  if (isTfjsArtifacts(source)) return tfjsModelFromArtifacts(source);
  return parseAny(source.bytes, source.name);
}
