// Rewrites the shipped demo models (models/*.txt) with their weights rounded to SHIPPED_DIGITS
// significant digits (scripts/demo-models-common.mjs) and prints the held-out test accuracy and the
// predictions on the 32 demo digits before and after, on the wasm backend.
// Usage (after `npm run build`): node scripts/compact-demo-models.mjs [--check]  (--check writes nothing)
import { readFileSync, writeFileSync } from 'node:fs';
import { SHIPPED_DIGITS, roundWeights, split } from './demo-models-common.mjs';

const root = new URL('../', import.meta.url);
const { createExplainer, evaluate, readNpy, readTextModel, writeTextModel } = await import(new URL('dist/index.js', root).href);
const data = split();
const digits = readNpy(readFileSync(new URL('models/digits.npy', root)));

async function summary(model) {
  const test = await evaluate(model, { x: data.test.x, y: data.test.y }, { backend: 'wasm' });
  const explainer = await createExplainer(model, { backend: 'wasm' });
  const y = explainer.forward(digits).output;
  const k = y.shape[1];
  const predicted = Array.from({ length: y.shape[0] }, (_, i) => {
    const row = Array.from(y.data.subarray(i * k, (i + 1) * k));
    return row.indexOf(Math.max(...row));
  });
  explainer.dispose();
  return { accuracy: test.accuracy, predicted };
}

for (const file of ['mnist-cnn.txt', 'mnist-mlp.txt']) {
  const url = new URL(`models/${file}`, root);
  const before = readTextModel(readFileSync(url), file);
  const after = roundWeights(before, SHIPPED_DIGITS);
  const [a, b] = [await summary(before), await summary(after)];
  const text = writeTextModel(after);
  console.log(
    `${file}: test accuracy ${(a.accuracy * 100).toFixed(2)} % -> ${(b.accuracy * 100).toFixed(2)} %, demo predictions ${a.predicted.join('') === b.predicted.join('') ? 'unchanged' : `changed: ${a.predicted.join('')} -> ${b.predicted.join('')}`}, ${readFileSync(url).length} -> ${text.length} bytes`,
  );
  if (!process.argv.includes('--check')) writeFileSync(url, text);
}
