/**
 * Where the shipped demo models live: the package's `models/` folder, found from this module's
 * own URL, so it works from the sources (`src/demo/`), the bundle (`dist/cli.js`) and a chunk
 * (`dist/chunks/`) alike, in Node and Deno.
 */
import { LrpError } from '../errors.js';

/** File names of the shipped demo data inside `models/`. */
export const DEMO_FILES = Object.freeze({
  /** The CNN the demo explains (toolbox text format). */
  cnn: 'mnist-cnn.txt',
  /** A dense network, explained too when present. */
  mlp: 'mnist-mlp.txt',
  /** Held-out digits, already preprocessed as the models expect. */
  digits: 'digits.npy',
  /** Their true labels (optional). */
  labels: 'digit-labels.npy',
});

/**
 * The first `models/` folder holding the demo CNN: `../models/` relative to `from` (the bundle
 * `dist/cli.js`), else `../../models/` (a chunk in `dist/chunks/`, or the source `src/demo/`).
 * @throws LrpError `E_IO` naming the places looked at when none holds it.
 */
export async function findModelsDir(from: string | URL = import.meta.url): Promise<string> {
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const { dirname, join } = await import('node:path');
  const looked: string[] = [];
  let dir = dirname(typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from));
  for (let level = 0; level < 2; level++) {
    const candidate = join(dirname(dir), 'models');
    if (!looked.includes(candidate)) looked.push(candidate);
    if (existsSync(join(candidate, DEMO_FILES.cnn))) return candidate;
    dir = dirname(dir);
  }
  throw new LrpError('E_IO', `the demo models (${DEMO_FILES.cnn}) are not installed; looked in ${looked.join(', ')}`, 'demo');
}
