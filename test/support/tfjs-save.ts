import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';

/** What `tf.io.withSaveHandler` hands over, narrowed to what the tests use. */
export interface SavedTfjs {
  readonly modelTopology: object;
  readonly weightSpecs: { name: string; shape: number[]; dtype: string; quantization?: object }[];
  readonly weightData: ArrayBuffer;
}

/** Loads `@tensorflow/tfjs` on its cpu backend (Node, no tfjs-node), seeding nothing: layers take explicit seeds. */
export async function loadTf(): Promise<typeof TF> {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

/** Saves `model` in memory through a custom IOHandler and returns its artifacts (one weight buffer). */
export async function saveArtifacts(tf: typeof TF, model: TF.LayersModel): Promise<SavedTfjs> {
  let saved: SavedTfjs | undefined;
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      const data = art.weightData;
      const buffer = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : (data as ArrayBuffer);
      saved = { modelTopology: art.modelTopology as object, weightSpecs: (art.weightSpecs ?? []) as SavedTfjs['weightSpecs'], weightData: buffer };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('tfjs did not call the save handler');
  return saved;
}

/** The `model.json` object tfjs's `file://` handler writes for `saved`, its weights in shard `shard`. */
export function modelJson(saved: SavedTfjs, shards: readonly string[] = ['weights.bin']): Record<string, unknown> {
  return {
    modelTopology: saved.modelTopology,
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: null,
    weightsManifest: [{ paths: [...shards], weights: saved.weightSpecs }],
  };
}

/**
 * Writes `saved` as tfjs's `file://` handler lays it out: `model.json` plus the weights split into
 * `shards` files of about equal size (one `weights.bin` by default) in a fresh temporary folder (or
 * `dir`). Returns the model.json path. `json` may override fields of model.json.
 */
export function writeTfjsModel(saved: SavedTfjs, options: { dir?: string; shards?: number; json?: Record<string, unknown> } = {}): string {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lrpjs-tfjs-'));
  const n = options.shards ?? 1;
  const bytes = new Uint8Array(saved.weightData);
  const names = n === 1 ? ['weights.bin'] : Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
  const step = Math.ceil(bytes.length / n);
  names.forEach((name, i) => writeFileSync(join(dir, name), bytes.subarray(i * step, Math.min(bytes.length, (i + 1) * step))));
  const path = join(dir, 'model.json');
  writeFileSync(path, JSON.stringify({ ...modelJson(saved, names), ...options.json }));
  return path;
}
