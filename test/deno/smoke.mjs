// Deno smoke test: the built package explains a model with the wasm backend and writes nothing.
import { createExplainer, readTextModel, writeTextModel, linearLayer, simpleLayer } from '../../dist/index.js';

const model = readTextModel(
  writeTextModel({
    layers: [
      linearLayer(2, 3, new Float64Array([1, -1, 0.5, 0.25, 2, -1]), new Float64Array([0.1, 0, -0.1])),
      simpleLayer('relu'),
      linearLayer(3, 2, new Float64Array([1, 0, -1, 1, 0.5, 0.5]), new Float64Array([0, 0])),
    ],
  }),
);
const explainer = await createExplainer(model);
const { output, relevance } = explainer.explain({ data: new Float32Array([1, 2, -1, 0.5]), shape: [2, 2] }, { rule: 'epsilon=0.01' });
console.log(JSON.stringify({ backend: explainer.backend, output: Array.from(output.data), relevance: Array.from(relevance.data) }));
