import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import type { Layer, Model, Padding } from '../src/model/layers.js';
import { mixedGraph, residualGraph } from './support/graph-models.js';
import { type CnnOptions, gaussian, randomArray, randomCnn, randomInput, relError } from './support/random-model.js';
import { onTfjs, tfjsNodeBackends } from './support/tfjs-node-backends.js';

// lrpjs's tfjs backend (float32, on tfjs's cpu and wasm backends) equals the js oracle (float64) on
// seeded random models covering every node kind, window geometry and rule.

const rulesToCheck = ['simple', 'epsilon=0.1', 'alphabeta=2', 'alphabeta=1,0', 'flat', 'ww', 'zplus', 'zbox=-3,3', 'gamma=0.25'];
const methods = ['gradient', 'gradient-x-input', 'sensitivity', 'deconvnet', 'guided-backprop'];
const specs = [
  ...rulesToCheck.map((rule) => ({ rule })),
  ...methods.map((method) => ({ method })),
  { composite: 'EpsilonGammaBox', compositeOptions: { low: -3, high: 3 } },
  { rule: 'epsilon=0.01', layerRules: { 0: 'ww', 3: 'alphabeta=2' } },
  // Zennit's definitions: max pooling hands a window's relevance to its first maximum (ties after ReLU)
  { rule: 'epsilon=0.1', compat: 'zennit' as const },
  { composite: 'EpsilonAlpha2Beta1Flat', compat: 'zennit' as const },
];
/** LRP-0 and γ have (almost) no stabiliser: float32 rounding of z near 0 is amplified (see wasm-parity.test.ts). */
const unstabilised = (spec: object): boolean => ('rule' in spec && /^(simple|gamma)/.test(String(spec.rule)) && !('layerRules' in spec)) || 'compositeOptions' in spec;

const pools = ['sumpool', 'avgpool', 'maxpool'] as const;
const activations = ['relu', 'tanh', 'sigmoid'] as const;
const paddings: Padding[] = ['valid', 'same', [1, 0, 0, 2]];

/**
 * Windows the CNN grid does not reach: dilation with stride 2 and explicit padding, a depthwise
 * convolution with multiplier 2 and stride 2, overlapping max windows over padding (ties after
 * ReLU), average pooling over padding, then global max pooling.
 */
function windowZoo(seed: number): { model: Model; inShape: number[] } {
  const r = gaussian(seed);
  const layers: Layer[] = [
    { kind: 'conv2d', filter: [3, 2, 2, 3], stride: [2, 1], padding: [2, 1, 0, 2], dilation: [2, 2], weights: randomArray(r, 36, 0.5), bias: randomArray(r, 3, 0.1) },
    { kind: 'relu' },
    { kind: 'depthwiseconv2d', filter: [2, 3, 3, 2], stride: [2, 2], padding: 'same', dilation: [1, 1], weights: randomArray(r, 36, 0.5), bias: randomArray(r, 6, 0.1) },
    { kind: 'relu' },
    { kind: 'maxpool', pool: [3, 3], stride: [1, 2], padding: [1, 1, 1, 0] },
    { kind: 'avgpool', pool: [2, 2], stride: [1, 1], padding: 'same' },
    { kind: 'depthwiseconv2d', filter: [2, 2, 6, 1], stride: [1, 1], padding: 'valid', dilation: [2, 1], weights: randomArray(r, 24, 0.5), bias: randomArray(r, 6, 0.1) },
    { kind: 'globalmaxpool' },
    { kind: 'linear', inputs: 6, outputs: 3, weights: randomArray(r, 18, 0.7), bias: randomArray(r, 3, 0.1) },
  ];
  return { model: { layers }, inShape: [13, 11, 2] };
}

/** Max pooling straight on the input, overlapping windows: an input of small integers has tied maxima that carry relevance. */
function tiedMaxima(seed: number): { model: Model; inShape: number[] } {
  const r = gaussian(seed);
  const layers: Layer[] = [
    { kind: 'maxpool', pool: [2, 3], stride: [1, 2], padding: [0, 1, 1, 1] },
    { kind: 'flatten' },
    { kind: 'linear', inputs: 36, outputs: 5, weights: randomArray(r, 180, 0.3), bias: randomArray(r, 5, 0.1) },
    { kind: 'relu' },
    { kind: 'linear', inputs: 5, outputs: 3, weights: randomArray(r, 15, 0.7), bias: randomArray(r, 3, 0.1) },
  ];
  return { model: { layers }, inShape: [6, 5, 2] };
}

/** The ONNX importer's node kinds: LeakyReLU, and average pooling that excludes the padding from its count. */
function onnxKinds(seed: number): { model: Model; inShape: number[] } {
  const r = gaussian(seed);
  const layers: Layer[] = [
    { kind: 'conv2d', filter: [3, 3, 2, 4], stride: [1, 1], padding: 'same', weights: randomArray(r, 72, 0.5), bias: randomArray(r, 4, 0.1) },
    { kind: 'leakyrelu', alpha: 0.1 },
    { kind: 'avgpool', pool: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1], excludePadding: true },
    { kind: 'flatten' },
    { kind: 'linear', inputs: 36, outputs: 3, weights: randomArray(r, 108, 0.5), bias: randomArray(r, 3, 0.1) },
  ];
  return { model: { layers }, inShape: [6, 6, 2] };
}

const cnns: [string, CnnOptions][] = [];
for (let i = 0; i < 9; i++) {
  const o: CnnOptions = { pool: pools[i % 3], activation: activations[Math.floor(i / 3)], stride: 1 + (i % 2), padding: paddings[(i + Math.floor(i / 3)) % 3], softmax: i % 4 === 0 };
  cnns.push([`cnn ${o.pool}/${o.activation}/stride ${o.stride}/padding ${JSON.stringify(o.padding)}`, o]);
}

type Case = [name: string, make: () => { model: Model; inShape: number[] }, options: { keepSoftmax?: boolean; canonize?: boolean }];
const cases: Case[] = [
  ...cnns.map(([name, o], k): Case => [name, () => randomCnn(200 + k, o), { keepSoftmax: o.softmax }]),
  ['graph: every node kind (relu6, clip, global avg pool)', () => mixedGraph(21), {}],
  ['graph: every node kind, BatchNorm kept (affine)', () => mixedGraph(22, { activation: 'tanh', pool: 'globalmaxpool' }), { canonize: false }],
  ['graph: residual block', () => residualGraph(23), {}],
  ['windows: dilation with stride, depthwise stride 2, overlapping max over padding', () => windowZoo(24), {}],
  ['tied maxima: max pooling on small integers (split, and first under compat zennit)', () => tiedMaxima(25), {}],
  ['ONNX kinds: LeakyReLU, average pooling without the padding', () => onnxKinds(26), {}],
];

describe('tfjs backend equals the js backend (float32 vs float64) on random models and graphs', () => {
  for (const device of tfjsNodeBackends) {
    it.each(cases)(`tfjs-${device}: %s, every rule and method`, async (name, make, options) => {
      const { model, inShape } = make();
      const seed = cases.findIndex((c) => c[1] === make) + 300;
      const random = randomInput(seed, 3, inShape);
      const x = name.startsWith('tied') ? { ...random, data: random.data.map((v) => Math.round(v)) } : random;
      const js = await createExplainer(model, { ...options, backend: 'js' });
      const tf = await onTfjs(device, model, options);
      const pj = js.forward(x);
      const pt = tf.forward(x);
      expect(relError(pt.output.data, pj.output.data)).toBeLessThan(1e-5);
      for (const spec of specs) {
        const rt = pt.explain(spec).relevance.data;
        expect(rt).toBeInstanceOf(Float32Array);
        expect(relError(rt, pj.explain(spec).relevance.data), JSON.stringify(spec)).toBeLessThan(unstabilised(spec) ? 3e-3 : 1e-4);
      }
      const layers = pt.explain({ rule: 'epsilon=0.1', allLayers: true }).layers!;
      const layersJs = pj.explain({ rule: 'epsilon=0.1', allLayers: true }).layers!;
      layers.forEach((l, k) => expect(relError(l.data, layersJs[k]!.data), `layer ${k}`).toBeLessThan(1e-4));
      pj.dispose();
      pt.dispose();
      tf.dispose();
    }, 120_000);

    it(`tfjs-${device}: integrated gradients, smoothgrad and relevanceAt agree with js`, async () => {
      const { model, inShape } = randomCnn(41, { pool: 'maxpool', padding: 'same' });
      const x = randomInput(42, 2, inShape);
      const js = await createExplainer(model, { backend: 'js' });
      const tf = await onTfjs(device, model);
      for (const spec of [{ method: 'integrated-gradients', steps: 8 }, { method: 'smoothgrad', samples: 4, seed: 5 }, { rule: 'epsilon=0.1', relevanceAt: 3 }]) {
        expect(relError(tf.explain(x, spec).relevance.data, js.explain(x, spec).relevance.data), JSON.stringify(spec)).toBeLessThan(1e-4);
      }
      tf.dispose();
    }, 120_000);
  }
});
