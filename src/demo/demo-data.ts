/** Loading the demo's models and held-out digits from a `models/` folder. */
import { LrpError } from '../errors.js';
import { loadModel } from '../io/load-model.js';
import { readBatch, readTensor } from '../io/tensor-files.js';
import type { Model } from '../model/layers.js';
import { argmaxRows, sizeOf, type Tensor } from '../tensor.js';
import { DEMO_FILES } from './models-dir.js';

/** What the demo explains. */
export interface DemoData {
  /** Named models, the CNN first (`cnn`, then `mlp` when shipped). */
  readonly models: readonly { readonly name: string; readonly file: string; readonly model: Model }[];
  /** The digits, batch first, preprocessed as the models expect. */
  readonly digits: Tensor;
  /** True label per digit, when shipped. */
  readonly labels?: Int32Array;
}

async function exists(path: string): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  return existsSync(path);
}

/**
 * Reads `models/`: the CNN (required), the MLP (optional), the digits (required) and their labels
 * (optional), keeping the first `count` digits.
 * @throws LrpError `E_IO` for missing files, `E_FORMAT`/`E_SHAPE` for unusable ones.
 */
export async function loadDemoData(dir: string, count = Infinity): Promise<DemoData> {
  const { join } = await import('node:path');
  const models = [];
  for (const name of ['cnn', 'mlp'] as const) {
    const file = join(dir, DEMO_FILES[name]);
    if (name === 'cnn' || (await exists(file))) models.push({ name, file, model: await loadModel(file) });
  }
  const digitsFile = join(dir, DEMO_FILES.digits);
  const all = await readBatch(digitsFile);
  const n = Math.min(all.shape[0]!, Math.max(1, Math.floor(count)));
  const per = sizeOf(all.shape.slice(1));
  const digits = { data: all.data.slice(0, n * per), shape: [n, ...all.shape.slice(1)] };
  const labelsFile = join(dir, DEMO_FILES.labels);
  if (!(await exists(labelsFile))) return { models, digits };
  const labels = classIndices(await readTensor(labelsFile));
  if (labels.length < n) throw new LrpError('E_SHAPE', `${labels.length} labels for ${n} digits`, labelsFile);
  return { models, digits, labels: labels.subarray(0, n) };
}

/** Class indices from labels stored as `[N]`, `[N, 1]` or one-hot rows `[N, C]` (argmax per row). */
function classIndices(t: Tensor): Int32Array {
  const n = t.shape[0] ?? 0;
  const per = n > 0 ? t.data.length / n : 1;
  return per === 1 ? Int32Array.from(t.data) : argmaxRows(t.data, n);
}
