// Benchmark models with seeded random weights: the toolbox's LeNet-5 architecture (32×32×1) and
// the 784-1296-1296-1296-10 ReLU MLP, as lrpjs models and as plain weight lists for tfjs.
import { conv2dLayer, inferShapes, linearLayer, poolLayer, simpleLayer } from '../dist/index.js';

function rand(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const weights = (r, n, fanIn) => Float64Array.from({ length: n }, () => (r() * 2 * Math.sqrt(3)) / Math.sqrt(fanIn));

/** LeNet-5 as the toolbox ships it: conv5 10, relu, sumpool2, conv5 25, relu, sumpool2, conv4 100, relu, sumpool2, conv1 10, flatten. */
export function lenet5() {
  const r = rand(1);
  /** @type {[number, number, number, number][]} */
  const filters = [[5, 5, 1, 10], [5, 5, 10, 25], [4, 4, 25, 100], [1, 1, 100, 10]];
  const convs = filters.map((f) => ({
    filter: f,
    w: weights(r, f[0] * f[1] * f[2] * f[3], f[0] * f[1] * f[2]),
    b: weights(r, f[3], 10).map((v) => v * 0.1),
  }));
  const layers = [];
  convs.forEach((c, i) => {
    layers.push(conv2dLayer(c.filter, [1, 1], c.w, c.b));
    if (i < 3) layers.push(simpleLayer('relu'), poolLayer('sumpool', [2, 2], [2, 2]));
  });
  layers.push(simpleLayer('flatten'));
  return { name: 'LeNet-5', model: { layers }, inShape: [32, 32, 1], convs, dense: [] };
}

/** The 784-1296-1296-1296-10 ReLU MLP of the toolbox's speed figures. */
export function mlp() {
  const r = rand(2);
  const sizes = [784, 1296, 1296, 1296, 10];
  const dense = sizes.slice(0, -1).map((m, i) => ({ m, n: sizes[i + 1], w: weights(r, m * sizes[i + 1], m), b: weights(r, sizes[i + 1], 10).map((v) => v * 0.1) }));
  const layers = [];
  dense.forEach((d, i) => {
    layers.push(linearLayer(d.m, d.n, d.w, d.b));
    if (i < dense.length - 1) layers.push(simpleLayer('relu'));
  });
  return { name: 'MLP 784-1296³-10', model: { layers }, inShape: [784], convs: [], dense };
}

/**
 * A ResNet-style graph on 32×32×3: a 3×3 stem conv to 16 channels and ReLU, eight residual blocks
 * (conv 3×3, ReLU, conv 3×3, add the block input, ReLU; `same` padding), global average pooling
 * and a dense layer to 10 classes. `convs[0]` is the stem, `convs[1 + 2k]`, `convs[2 + 2k]` block k.
 */
export function resnet8() {
  const r = rand(4);
  const C = 16;
  /** @type {[number, number, number, number][]} */
  const filters = [[3, 3, 3, C], ...Array.from({ length: 16 }, () => /** @type {[number, number, number, number]} */ ([3, 3, C, C]))];
  const convs = filters.map((f, i) => ({
    filter: f,
    // the second conv of a block starts small, so the residual sums stay in range over eight blocks
    w: weights(r, f[0] * f[1] * f[2] * f[3], f[0] * f[1] * f[2]).map((v) => (i > 0 && i % 2 === 0 ? v * 0.3 : v)),
    b: weights(r, f[3], 10).map((v) => v * 0.1),
  }));
  const dense = [{ m: C, n: 10, w: weights(r, C * 10, C), b: weights(r, 10, 10).map((v) => v * 0.1) }];
  /** @type {import('../dist/index.js').Layer[]} */
  const layers = [];
  const conv = (c, from) => ({ ...conv2dLayer(c.filter, [1, 1], c.w, c.b, 'same'), ...(from === undefined ? {} : { from: [from] }) });
  layers.push(conv(convs[0]), simpleLayer('relu'));
  for (let k = 0; k < 8; k++) {
    const input = layers.length - 1;
    layers.push(conv(convs[1 + 2 * k]), simpleLayer('relu'), conv(convs[2 + 2 * k]));
    layers.push({ kind: 'add', from: [layers.length - 1, input] }, simpleLayer('relu'));
  }
  layers.push({ kind: 'globalavgpool' }, linearLayer(C, 10, dense[0].w, dense[0].b));
  return { name: 'ResNet-style 8 blocks', model: { layers }, inShape: [32, 32, 3], convs, dense, resnet: true };
}

/** A seeded input batch in [-1, 1]. */
export function inputBatch(n, inShape, seed = 3) {
  const r = rand(seed);
  const size = inShape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n * size }, () => 2 * r()), shape: [n, ...inShape] };
}

/**
 * Multiply-adds of one forward pass of one sample through the weighted nodes (dense, convolution,
 * depthwise convolution); forward + ε-LRP with z taken from the trace costs twice as many (the
 * forward product and the transposed product of the relevance step), 4 flops per multiply-add.
 */
export function multiplyAdds(model, inShape) {
  const shapes = inferShapes(model, inShape);
  let n = 0;
  model.layers.forEach((layer, i) => {
    const out = shapes[i + 1].reduce((a, b) => a * b, 1);
    if (layer.kind === 'linear') n += layer.inputs * layer.outputs;
    else if (layer.kind === 'conv2d') n += out * layer.filter[0] * layer.filter[1] * layer.filter[2];
    else if (layer.kind === 'depthwiseconv2d') n += out * layer.filter[0] * layer.filter[1];
  });
  return n;
}
