/**
 * The demo's shipped files, fetched by URLs relative to the page (so the folder works from any
 * path of any static server, and the service worker serves them offline): the models and the
 * held-out digits, gzip-compressed by the build (`npm run build:web`).
 */
import { gunzipSync } from 'fflate';
import { LrpError } from '../../src/errors.js';
import { readNpy } from '../../src/io/npy.js';
import { type Tensor, toFloat64 } from '../../src/tensor.js';

/** A demo model the page offers: its id (select value), label and gzip-compressed file. */
export interface DemoModelFile {
  readonly id: string;
  readonly label: string;
  /** The file's name inside the archive (the importer picks the format by it). */
  readonly name: string;
  readonly url: string;
}

/** The shipped models, the CNN (the default) first. */
export const DEMO_MODELS: readonly DemoModelFile[] = [
  { id: 'cnn', label: 'MNIST CNN (toolbox .txt, 2 convolutions)', name: 'mnist-cnn.txt', url: './models/mnist-cnn.txt.gz' },
  { id: 'mlp', label: 'MNIST MLP (toolbox .txt, 3 dense layers)', name: 'mnist-mlp.txt', url: './models/mnist-mlp.txt.gz' },
];

/** The held-out digits `[N, 28, 28, 1]` in [0, 1] and their classes. */
export const DIGITS_URL = './models/digits.npy.gz';
export const LABELS_URL = './models/digit-labels.npy';

/** The bytes at `url` (relative to the page), gunzipped where the name ends in `.gz`. */
export async function fetchAsset(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new LrpError('E_IO', `HTTP ${response.status} ${response.statusText}`, url);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return url.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

/** The held-out digits and their labels. */
export async function fetchDigits(): Promise<{ readonly digits: Tensor; readonly labels: ArrayLike<number> }> {
  const [digits, labels] = await Promise.all([fetchAsset(DIGITS_URL).then((b) => readNpy(b, DIGITS_URL)), fetchAsset(LABELS_URL).then((b) => readNpy(b, LABELS_URL))]);
  return { digits: toFloat64(digits, DIGITS_URL), labels: toFloat64(labels, LABELS_URL).data };
}
