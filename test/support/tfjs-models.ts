import type * as TF from '@tensorflow/tfjs';
import { Rng } from '../../src/rng.js';

/**
 * Gives every weight of `model` seeded values: uniform in [-scale, scale], moving variances in
 * [0.5, 1.5] (positive), so tests do not depend on tfjs's own (unseeded) initialisers.
 */
export function seedWeights(tf: typeof TF, model: TF.LayersModel, seed: number, scale = 0.5): void {
  const rng = new Rng(seed);
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const variance = w.originalName.endsWith('moving_variance');
    const data = Float32Array.from({ length: n }, () => (variance ? 0.5 + rng.next() : (2 * rng.next() - 1) * scale));
    return tf.tensor(data, shape);
  });
  model.setWeights(values);
  for (const v of values) v.dispose();
}

/** A seeded per-sample input of `shape` in [-1, 1], batch `n`. */
export function seededInput(shape: readonly number[], n: number, seed: number): { data: Float32Array; shape: number[] } {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, n);
  return { data: Float32Array.from({ length: size }, () => 2 * rng.next() - 1), shape: [n, ...shape] };
}

/** Options of the test model builders: `bias: false` builds every weighted layer without a bias. */
export interface TfjsModelOptions {
  readonly bias?: boolean;
}

/** CNN with BatchNorm and 'same' padding (Sequential): conv(same, relu) → BN → maxpool → conv(valid, stride 2) → flatten → dense(softmax). */
export function cnnWithBatchNorm(tf: typeof TF): TF.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.batchNormalization({ epsilon: 0.01 }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.conv2d({ filters: 5, kernelSize: 2, strides: 2, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

/** Residual block (functional): conv → relu → conv, added to the block input, relu, global average pooling, dense. */
export function residualBlock(tf: typeof TF, o: TfjsModelOptions = {}): TF.LayersModel {
  const useBias = o.bias ?? true;
  const input = tf.input({ shape: [6, 6, 4] });
  const stem = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', useBias }).apply(input) as TF.SymbolicTensor;
  const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', useBias }).apply(stem) as TF.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias }).apply(a) as TF.SymbolicTensor;
  const sum = tf.layers.add().apply([stem, b]) as TF.SymbolicTensor;
  const act = tf.layers.reLU().apply(sum) as TF.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(act) as TF.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, useBias }).apply(pooled) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Inception-style block (functional): 1×1, 3×3 (same) and 3×3 max-pool (same, stride 1) branches concatenated on channels. */
export function inceptionBlock(tf: typeof TF, o: TfjsModelOptions = {}): TF.LayersModel {
  const useBias = o.bias ?? true;
  const input = tf.input({ shape: [6, 6, 3] });
  const one = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu', useBias }).apply(input) as TF.SymbolicTensor;
  const three = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', useBias }).apply(input) as TF.SymbolicTensor;
  const pool = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(input) as TF.SymbolicTensor;
  const cat = tf.layers.concatenate({ axis: -1 }).apply([one, three, pool]) as TF.SymbolicTensor;
  const mixed = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', useBias }).apply(cat) as TF.SymbolicTensor;
  const flat = tf.layers.flatten().apply(mixed) as TF.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, useBias }).apply(flat) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Depthwise separable block (Sequential): depthwise (multiplier 2, relu) → separable conv (dilation 2) → ReLU6 → global max pooling → dense. */
export function depthwiseSeparable(tf: typeof TF, o: TfjsModelOptions = {}): TF.LayersModel {
  const useBias = o.bias ?? true;
  return tf.sequential({
    layers: [
      tf.layers.depthwiseConv2d({ inputShape: [7, 7, 3], kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu', useBias }),
      tf.layers.separableConv2d({ filters: 4, kernelSize: 2, dilationRate: 2, activation: 'relu', useBias }),
      tf.layers.reLU({ maxValue: 6 }),
      tf.layers.globalMaxPooling2d({}),
      tf.layers.dense({ units: 3, useBias }),
    ],
  });
}

/** Global pooling and reshaping (Sequential): zero padding → conv (dilation 2) → avgpool (valid) → reshape → conv → global average pooling → dense(tanh) → dense. */
export function globalPooling(tf: typeof TF): TF.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({ inputShape: [6, 6, 2], padding: [[1, 2], [0, 1]] }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, activation: 'sigmoid' }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.reshape({ targetShape: [2, -1, 4] }),
      tf.layers.conv2d({ filters: 3, kernelSize: [1, 2], activation: 'relu' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 5, activation: 'tanh' }),
      tf.layers.dense({ units: 2 }),
    ],
  });
}

/**
 * The same model with every dilated kernel written out: a `[kh, kw, ...]` kernel with dilation
 * `[dh, dw]` becomes a `[(kh−1)·dh+1, (kw−1)·dw+1, ...]` kernel with zeros between the taps, and
 * dilation 1. Same function, but tfjs can differentiate it (it has no gradient for dilation > 1).
 * A DepthwiseConv2D's dilation is just dropped: tfjs-layers 4.x ignores it when it runs the layer.
 */
export function undilate(saved: { modelTopology: object; weightSpecs: { name: string; shape: number[]; dtype: string }[]; weightData: ArrayBuffer }): {
  modelTopology: object;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weightData: ArrayBuffer;
} {
  const topology = structuredClone(saved.modelTopology) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const dilated = new Map<string, [number, number]>();
  for (const l of topology.config.layers) {
    const d = l.config.dilation_rate as number[] | number | undefined;
    const [dh, dw] = typeof d === 'number' ? [d, d] : (d ?? [1, 1]);
    if (l.class_name === 'DepthwiseConv2D') l.config.dilation_rate = [1, 1]; // tfjs ignores it there (tfjs-layers 4.x)
    else if (dh! > 1 || dw! > 1) {
      dilated.set(l.config.name as string, [dh!, dw!]);
      const k = l.config.kernel_size as number[];
      l.config.kernel_size = [(k[0]! - 1) * dh! + 1, (k[1]! - 1) * dw! + 1];
      l.config.dilation_rate = [1, 1];
    }
  }
  const src = new Float32Array(saved.weightData);
  const out: number[] = [];
  let at = 0;
  const specs = saved.weightSpecs.map((spec) => {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const values = src.subarray(at, at + n);
    at += n;
    const [layer, suffix] = [spec.name.slice(0, spec.name.lastIndexOf('/')), spec.name.slice(spec.name.lastIndexOf('/') + 1)];
    const d = dilated.get(layer);
    if (!d || (suffix !== 'kernel' && suffix !== 'depthwise_kernel')) {
      out.push(...values);
      return spec;
    }
    const [kh, kw, ...rest] = spec.shape as [number, number, ...number[]];
    const inner = rest.reduce((a, b) => a * b, 1);
    const [KH, KW] = [(kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1];
    const big = new Float32Array(KH * KW * inner);
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) big.set(values.subarray((y * kw + x) * inner, (y * kw + x + 1) * inner), (y * d[0] * KW + x * d[1]) * inner);
    out.push(...big);
    return { ...spec, shape: [KH, KW, ...rest] };
  });
  return { modelTopology: topology, weightSpecs: specs, weightData: Float32Array.from(out).buffer };
}

/** ResNet-style block (functional) with BatchNorms right after linear convolutions (foldable): conv → BN → relu → depthwise → BN → add → GAP → dense → BN. */
export function foldableBatchNorms(tf: typeof TF): TF.LayersModel {
  const input = tf.input({ shape: [6, 6, 3] });
  const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as TF.SymbolicTensor;
  const bn = tf.layers.batchNormalization().apply(c) as TF.SymbolicTensor;
  const act = tf.layers.activation({ activation: 'relu' }).apply(bn) as TF.SymbolicTensor;
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }).apply(act) as TF.SymbolicTensor;
  const bn2 = tf.layers.batchNormalization({ epsilon: 0.1 }).apply(dw) as TF.SymbolicTensor;
  const sum = tf.layers.add().apply([act, bn2]) as TF.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(sum) as TF.SymbolicTensor;
  const dense = tf.layers.dense({ units: 3 }).apply(pooled) as TF.SymbolicTensor;
  const out = tf.layers.batchNormalization().apply(dense) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** 'same' padding with dilation (Sequential): conv (same, dilation 2) → depthwise (same, dilation [2, 1], stride 1) → flatten → dense. */
export function dilatedSame(tf: typeof TF): TF.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [7, 6, 2], filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' }),
      tf.layers.depthwiseConv2d({ kernelSize: [3, 2], dilationRate: [2, 1], padding: 'same', activation: 'tanh' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3 }),
    ],
  });
}
