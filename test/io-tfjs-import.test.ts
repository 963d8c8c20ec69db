import { readFileSync } from 'node:fs';
import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/io/load-model.js';
import { tfjsModelFromArtifacts } from '../src/io/tfjs-model.js';
import type { Layer, Model } from '../src/model/layers.js';
import { inferShapes } from '../src/model/shapes.js';
import { cnnWithBatchNorm, depthwiseSeparable, globalPooling, inceptionBlock, residualBlock, seedWeights } from './support/tfjs-models.js';
import { type SavedTfjs, loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';

let tf: typeof TF;
beforeAll(async () => {
  tf = await loadTf();
});

async function saved(build: (t: typeof TF) => TF.LayersModel, seed: number): Promise<{ model: TF.LayersModel; art: SavedTfjs }> {
  const model = build(tf);
  seedWeights(tf, model, seed);
  return { model, art: await saveArtifacts(tf, model) };
}

const kinds = (m: Model): string[] => m.layers.map((l) => l.kind);
const edges = (m: Model): (readonly number[] | undefined)[] => m.layers.map((l) => l.from);

/** The tfjs weight `suffix` of the layer named `name`, as float64. */
function tfWeight(model: TF.LayersModel, name: string, suffix: string): Float64Array {
  const w = model.getLayer(name).weights.find((v) => v.originalName.endsWith(`/${suffix}`));
  if (!w) throw new Error(`no weight ${name}/${suffix}`);
  return Float64Array.from(w.read().dataSync());
}

/** The descriptor type of layer kind `K` (PoolLayer covers three kinds). */
type LayerOf<K extends Layer['kind']> = Layer extends infer L ? (L extends Layer ? (K extends L['kind'] ? L : never) : never) : never;

function layerOf<K extends Layer['kind']>(m: Model, i: number, kind: K): LayerOf<K> {
  const l = m.layers[i]!;
  expect(l.kind).toBe(kind);
  return l as LayerOf<K>;
}

describe('tfjs layers import: structure', () => {
  it('Sequential CNN: fused activations become nodes, Dropout disappears, BatchNorm becomes scale/shift, weights are the tfjs weights', async () => {
    const { model, art } = await saved(cnnWithBatchNorm, 1);
    const m = tfjsModelFromArtifacts(art);
    expect(kinds(m)).toEqual(['conv2d', 'relu', 'batchnorm', 'maxpool', 'conv2d', 'relu', 'flatten', 'linear', 'softmax']);
    expect(edges(m)).toEqual([[-1], [0], [1], [2], [3], [4], [5], [6], [7]]);
    const names = model.layers.map((l) => l.name);
    const conv = layerOf(m, 0, 'conv2d');
    expect(conv.filter).toEqual([3, 3, 3, 4]);
    expect(conv.padding).toBe('same');
    expect(conv.dilation).toBeUndefined();
    expect(Array.from(conv.weights)).toEqual(Array.from(tfWeight(model, names[0]!, 'kernel')));
    expect(Array.from(conv.bias)).toEqual(Array.from(tfWeight(model, names[0]!, 'bias')));
    const bn = layerOf(m, 2, 'batchnorm');
    const [g, b, mu, v] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((s) => tfWeight(model, names[1]!, s)) as Float64Array[];
    for (let c = 0; c < 4; c++) {
      const scale = g![c]! / Math.sqrt(v![c]! + 0.01);
      expect(bn.scale[c]).toBeCloseTo(scale, 12);
      expect(bn.shift[c]).toBeCloseTo(b![c]! - mu![c]! * scale, 12);
    }
    const pool = layerOf(m, 3, 'maxpool');
    expect([pool.pool, pool.stride, pool.padding]).toEqual([[2, 2], [2, 2], 'valid']);
    expect(layerOf(m, 4, 'conv2d').stride).toEqual([2, 2]);
    const dense = layerOf(m, 7, 'linear');
    expect([dense.inputs, dense.outputs]).toEqual([20, 3]);
    expect(inferShapes(m, [8, 8, 3]).at(-1)).toEqual([3]);
    expect(m.inputShape).toEqual([8, 8, 3]);
  });

  it('functional residual block: add reads the stem and the second conv', async () => {
    const { art } = await saved(residualBlock, 2);
    const m = tfjsModelFromArtifacts(art);
    expect(kinds(m)).toEqual(['conv2d', 'relu', 'conv2d', 'relu', 'conv2d', 'add', 'relu', 'globalavgpool', 'linear']);
    expect(edges(m)).toEqual([[-1], [0], [1], [2], [3], [1, 4], [5], [6], [7]]);
    expect(inferShapes(m, [6, 6, 4]).at(-1)).toEqual([3]);
  });

  it('inception block: concat of three branches on channels, one branch reading the model input', async () => {
    const { art } = await saved(inceptionBlock, 3);
    const m = tfjsModelFromArtifacts(art);
    const cat = m.layers.findIndex((l) => l.kind === 'concat');
    const c = layerOf(m, cat, 'concat');
    expect(c.axis).toBe(-1);
    expect(c.from.map((i) => (i < 0 ? 'input' : m.layers[i]!.kind))).toEqual(['relu', 'relu', 'maxpool']);
    const pool = layerOf(m, c.from[2]!, 'maxpool');
    expect(pool.from).toEqual([-1]);
    expect(pool.padding).toBe('same');
    expect(inferShapes(m, [6, 6, 3])[cat + 1]).toEqual([6, 6, 8]);
    // axis 3 (counting the batch axis) is the channels too; -4 and 0 are the batch axis
    const t = structuredClone(art.modelTopology) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const concat = t.config.layers.find((l) => l.class_name === 'Concatenate')!;
    concat.config.axis = 3;
    expect(tfjsModelFromArtifacts({ ...art, modelTopology: t })).toEqual(m);
    for (const axis of [0, -4]) {
      concat.config.axis = axis;
      expect(() => tfjsModelFromArtifacts({ ...art, modelTopology: t })).toThrow(/Concatenate along the batch axis/);
    }
  });

  it('depthwise separable block: SeparableConv2D becomes depthwise (no bias, dilation) + 1x1 conv with the bias; ReLU(6) is relu6', async () => {
    const { model, art } = await saved(depthwiseSeparable, 4);
    const m = tfjsModelFromArtifacts(art);
    expect(kinds(m)).toEqual(['depthwiseconv2d', 'relu', 'depthwiseconv2d', 'conv2d', 'relu', 'relu6', 'globalmaxpool', 'linear']);
    const dw = layerOf(m, 0, 'depthwiseconv2d');
    expect(dw.filter).toEqual([3, 3, 3, 2]);
    expect(Array.from(dw.weights)).toEqual(Array.from(tfWeight(model, model.layers[0]!.name, 'depthwise_kernel')));
    const sep = layerOf(m, 2, 'depthwiseconv2d');
    expect(sep.dilation).toEqual([2, 2]);
    expect(sep.filter).toEqual([2, 2, 6, 1]);
    expect(Array.from(sep.bias)).toEqual([0, 0, 0, 0, 0, 0]);
    const pw = layerOf(m, 3, 'conv2d');
    expect(pw.filter).toEqual([1, 1, 6, 4]);
    expect(Array.from(pw.bias)).toEqual(Array.from(tfWeight(model, model.layers[1]!.name, 'bias')));
    expect(inferShapes(m, [7, 7, 3]).at(-1)).toEqual([3]);
  });

  it('zero padding, dilation, reshape with -1, average pooling, global pooling, tanh', async () => {
    const { art } = await saved(globalPooling, 5);
    const m = tfjsModelFromArtifacts(art);
    expect(kinds(m)).toEqual(['pad', 'conv2d', 'sigmoid', 'avgpool', 'reshape', 'conv2d', 'relu', 'globalavgpool', 'linear', 'tanh', 'linear']);
    expect(layerOf(m, 0, 'pad').padding).toEqual([1, 2, 0, 1]);
    expect(layerOf(m, 1, 'conv2d').dilation).toEqual([2, 2]);
    expect(layerOf(m, 4, 'reshape').shape).toEqual([2, 4, 4]);
    expect(inferShapes(m, [6, 6, 2]).map((s) => s.join('x'))).toEqual(['6x6x2', '9x7x2', '5x3x4', '5x3x4', '4x2x4', '2x4x4', '2x3x3', '2x3x3', '3', '5', '5', '2']);
  });

  it('use_bias false gives zero biases; an ArrayBuffer list as weightData equals one buffer', async () => {
    const { art } = await saved((t) => residualBlock(t, { bias: false }), 6);
    const m = tfjsModelFromArtifacts(art);
    for (const l of m.layers) if (l.kind === 'conv2d' || l.kind === 'linear') expect(l.bias.every((x) => x === 0)).toBe(true);
    const bytes = new Uint8Array(art.weightData);
    const split = [bytes.slice(0, 100).buffer, bytes.slice(100).buffer];
    expect(tfjsModelFromArtifacts({ ...art, weightData: split })).toEqual(m);
  });

  it('model.json with one or three shards on disk loads exactly as the in-memory artifacts; file: URLs too', async () => {
    const { art } = await saved(inceptionBlock, 7);
    const m = tfjsModelFromArtifacts(art);
    const one = writeTfjsModel(art);
    expect(await loadModel(one)).toEqual(m);
    expect(await loadModel(writeTfjsModel(art, { shards: 3 }))).toEqual(m);
    expect(await loadModel(new URL(`file://${one}`))).toEqual(m);
    expect(JSON.parse(readFileSync(one, 'utf8')).weightsManifest[0].paths).toEqual(['weights.bin']);
  });

  it('quantized weights (uint8, uint16: q * scale + min; float16) are dequantized', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
    const base = await saveArtifacts(tf, model);
    const [k, b] = base.weightSpecs;
    const u8 = new Uint8Array([0, 1, 2, 255, 10, 20]);
    const m8 = tfjsModelFromArtifacts({
      modelTopology: base.modelTopology,
      weightSpecs: [{ ...k!, quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }, { ...b!, quantization: { dtype: 'uint8', scale: 2, min: 0 } }],
      weightData: u8.buffer,
    });
    const d8 = layerOf(m8, 0, 'linear');
    expect(Array.from(d8.weights)).toEqual([-1, -0.5, 0, 126.5]);
    expect(Array.from(d8.bias)).toEqual([20, 40]);
    const u16 = new Uint16Array([0, 1000, 2, 3, 4, 5]);
    const d16 = layerOf(
      tfjsModelFromArtifacts({
        modelTopology: base.modelTopology,
        weightSpecs: [{ ...k!, quantization: { dtype: 'uint16', scale: 0.25, min: 1 } }, { ...b!, quantization: { dtype: 'uint16', scale: 1, min: 0 } }],
        weightData: u16.buffer,
      }),
      0,
      'linear',
    );
    expect(Array.from(d16.weights)).toEqual([1, 251, 1.5, 1.75]);
    // float16: 1.0 = 0x3c00, -2 = 0xc000, 0.5 = 0x3800, 65504 = 0x7bff, 2^-24 = 0x0001 (subnormal), 0 = 0x0000
    const h = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x0000]);
    const d16f = layerOf(
      tfjsModelFromArtifacts({
        modelTopology: base.modelTopology,
        weightSpecs: [{ ...k!, quantization: { dtype: 'float16' } }, { ...b!, quantization: { dtype: 'float16' } }],
        weightData: h.buffer,
      }),
      0,
      'linear',
    );
    expect(Array.from(d16f.weights)).toEqual([1, -2, 0.5, 65504]);
    expect(Array.from(d16f.bias)).toEqual([2 ** -24, 0]);
  });

  it('Keras shorthand configs: a number for kernel_size, strides, pool_size; ZeroPadding2D padding as n and [h, w]', async () => {
    const { art } = await saved(cnnWithBatchNorm, 8);
    const t = structuredClone(art.modelTopology) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    Object.assign(t.config.layers[0]!.config, { kernel_size: 3, strides: 1, dilation_rate: 1 });
    Object.assign(t.config.layers[2]!.config, { pool_size: 2, strides: null });
    Object.assign(t.config.layers[4]!.config, { kernel_size: 2, strides: 2 });
    expect(tfjsModelFromArtifacts({ ...art, modelTopology: t })).toEqual(tfjsModelFromArtifacts(art));
    const zp = await saveArtifacts(tf, tf.sequential({ layers: [tf.layers.zeroPadding2d({ inputShape: [4, 4, 1] }), tf.layers.globalAveragePooling2d({})] }));
    const pads: [unknown, number[]][] = [[1, [1, 1, 1, 1]], [[2, 1], [2, 2, 1, 1]], [[[0, 1], [2, 3]], [0, 1, 2, 3]]];
    for (const [padding, want] of pads) {
      const p = structuredClone(zp.modelTopology) as typeof t;
      p.config.layers[0]!.config.padding = padding;
      expect(layerOf(tfjsModelFromArtifacts({ ...zp, modelTopology: p }), 0, 'pad').padding).toEqual(want);
    }
  });

  it("DepthwiseConv2D dilation: ignored in a model tfjs wrote (tfjs runs it undilated), applied in one Keras wrote", async () => {
    const m = tf.sequential({ layers: [tf.layers.depthwiseConv2d({ inputShape: [7, 6, 2], kernelSize: [3, 2], dilationRate: [2, 1] })] });
    const art = await saveArtifacts(tf, m);
    const fromTfjs = layerOf(tfjsModelFromArtifacts(art), 0, 'depthwiseconv2d');
    expect(fromTfjs.dilation).toBeUndefined();
    expect(inferShapes(tfjsModelFromArtifacts(art), [7, 6, 2]).at(-1)).toEqual((m.outputs[0]!.shape as number[]).slice(1));
    const keras = { ...art, modelTopology: { ...art.modelTopology, keras_version: '2.15.0' } };
    expect(layerOf(tfjsModelFromArtifacts(keras), 0, 'depthwiseconv2d').dilation).toEqual([2, 1]);
    expect(inferShapes(tfjsModelFromArtifacts(keras), [7, 6, 2]).at(-1)).toEqual([3, 5, 2]);
  });
});
