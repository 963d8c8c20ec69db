// lrpjs's tfjs backend from the built package in any runtime that resolves node_modules (Node,
// Deno): tfjs-core passed in on its cpu backend, and tfjs-core loaded by lrpjs itself. Prints JSON.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as lib from '../../dist/index.js';
import { smokeModel } from './case.mjs';

tf.enableProdMode();
await tf.setBackend('cpu');
const x = { data: new Float32Array([1, 2, -1, 0.5]), shape: [2, 2] };
const given = await lib.createExplainer(smokeModel(lib), { backend: 'tfjs', tf });
const relevance = Array.from(given.explain(x, { rule: 'epsilon=0.01' }).relevance.data);
given.dispose();
const lazy = await lib.createExplainer(smokeModel(lib), { backend: 'tfjs' });
const lazyRelevance = Array.from(lazy.explain(x, { rule: 'epsilon=0.01' }).relevance.data);
lazy.dispose();
console.log(JSON.stringify({ given: given.backendInfo, relevance, lazy: lazy.backendInfo.device, lazyRelevance, tensors: tf.memory().numTensors }));
