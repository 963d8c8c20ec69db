import type { Layer, Model } from '../../src/model/layers.js';
import { gaussian, randomArray } from './random-model.js';

/**
 * Graph models built in code with seeded weights, and an independent reference forward pass (plain
 * loops per node kind, written apart from the backends) for the graph tests.
 */

/** Options of {@link mixedGraph}. */
export interface MixedGraphOptions {
  readonly bias?: boolean;
  /** Activation after the stem convolution. */
  readonly activation?: 'relu' | 'tanh';
  /** BatchNorm shift (a bias) or none. */
  readonly shift?: boolean;
  /** Global pool at the end. */
  readonly pool?: 'globalavgpool' | 'globalmaxpool';
  /** `false`: relu instead of relu6, identity instead of clip (a positively homogeneous graph). */
  readonly saturating?: boolean;
}

/**
 * A graph with every node kind: pad → conv (dilated) → batchnorm → act → [depthwise(M=2) → relu6 ‖
 * conv 1×1] → concat → conv → add (residual, with a clip branch) → identity → global pool → reshape →
 * dense. Input [7, 7, 2].
 */
export function mixedGraph(seed: number, o: MixedGraphOptions = {}): { model: Model; inShape: number[] } {
  const r = gaussian(seed);
  const b = (n: number) => (o.bias === false ? new Float64Array(n) : randomArray(r, n, 0.1));
  const act = o.activation ?? 'relu';
  const layers: Layer[] = [
    /* 0 */ { kind: 'pad', padding: [1, 0, 0, 1] },
    /* 1 */ { kind: 'conv2d', filter: [2, 2, 2, 3], stride: [1, 1], padding: 'same', dilation: [2, 1], weights: randomArray(r, 24, 0.5), bias: b(3) },
    /* 2 */ { kind: 'batchnorm', scale: Float64Array.from({ length: 3 }, () => 0.5 + Math.abs(r())), shift: o.shift === false ? new Float64Array(3) : randomArray(r, 3, 0.1) },
    /* 3 */ { kind: act },
    /* 4 */ { kind: 'depthwiseconv2d', filter: [3, 3, 3, 2], stride: [1, 1], padding: 'same', weights: randomArray(r, 54, 0.5), bias: b(6), from: [3] },
    /* 5 */ { kind: o.saturating === false ? 'relu' : 'relu6' },
    /* 6 */ { kind: 'conv2d', filter: [1, 1, 3, 2], stride: [1, 1], padding: 'valid', weights: randomArray(r, 6, 0.5), bias: b(2), from: [3] },
    /* 7 */ { kind: 'concat', axis: -1, from: [5, 6] },
    /* 8 */ { kind: 'conv2d', filter: [3, 3, 8, 3], stride: [1, 1], padding: 'same', weights: randomArray(r, 216, 0.3), bias: b(3) },
    /* 9 */ o.saturating === false ? { kind: 'identity', from: [3] } : { kind: 'clip', min: -1, max: 2, from: [3] },
    /* 10 */ { kind: 'add', from: [8, 3, 9] },
    /* 11 */ { kind: 'identity' },
    /* 12 */ { kind: o.pool ?? 'globalavgpool' },
    /* 13 */ { kind: 'reshape', shape: [3] },
    /* 14 */ { kind: 'linear', inputs: 3, outputs: 4, weights: randomArray(r, 12, 0.7), bias: b(4) },
  ];
  return { model: { layers }, inShape: [7, 7, 2] };
}

/** A residual block: conv → relu → conv → add(input) → relu → global avg pool → dense. Input [6, 6, 3]. */
export function residualGraph(seed: number, bias = true): { model: Model; inShape: number[] } {
  const r = gaussian(seed);
  const b = (n: number) => (bias ? randomArray(r, n, 0.1) : new Float64Array(n));
  return {
    inShape: [6, 6, 3],
    model: {
      layers: [
        { kind: 'conv2d', filter: [3, 3, 3, 3], stride: [1, 1], padding: 'same', weights: randomArray(r, 81, 0.4), bias: b(3) },
        { kind: 'relu' },
        { kind: 'conv2d', filter: [3, 3, 3, 3], stride: [1, 1], padding: 'same', weights: randomArray(r, 81, 0.4), bias: b(3) },
        { kind: 'add', from: [2, -1] },
        { kind: 'relu' },
        { kind: 'globalavgpool' },
        { kind: 'linear', inputs: 3, outputs: 2, weights: randomArray(r, 6, 0.8), bias: b(2) },
      ],
    },
  };
}

type Sample = { data: Float64Array; shape: number[] };

function conv(x: Sample, w: Float64Array, bias: Float64Array, k: [number, number], cin: number, cout: number, stride: [number, number], pad: number[], dil: [number, number], depthwise: number): Sample {
  const [H, W] = x.shape as [number, number, number];
  const spanH = (k[0] - 1) * dil[0] + 1;
  const spanW = (k[1] - 1) * dil[1] + 1;
  const oh = Math.floor((H + pad[0]! + pad[1]! - spanH) / stride[0]) + 1;
  const ow = Math.floor((W + pad[2]! + pad[3]! - spanW) / stride[1]) + 1;
  const out = new Float64Array(oh * ow * cout);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let f = 0; f < cout; f++) {
        let s = bias[f]!;
        for (let ky = 0; ky < k[0]; ky++)
          for (let kx = 0; kx < k[1]; kx++) {
            const iy = oy * stride[0] + ky * dil[0] - pad[0]!;
            const ix = ox * stride[1] + kx * dil[1] - pad[2]!;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            if (depthwise > 0) {
              const c = Math.floor(f / depthwise);
              s += x.data[(iy * W + ix) * cin + c]! * w[((ky * k[1] + kx) * cin + c) * depthwise + (f % depthwise)]!;
            } else for (let c = 0; c < cin; c++) s += x.data[(iy * W + ix) * cin + c]! * w[((ky * k[1] + kx) * cin + c) * cout + f]!;
          }
        out[(oy * ow + ox) * cout + f] = s;
      }
  return { data: out, shape: [oh, ow, cout] };
}

function samePad(n: number, span: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + span - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** One sample through one node, by plain loops. */
function refNode(layer: Layer, xs: Sample[]): Sample {
  const x = xs[0]!;
  const map = (f: (v: number, i: number) => number): Sample => ({ data: x.data.map(f), shape: x.shape });
  switch (layer.kind) {
    case 'linear': {
      const out = new Float64Array(layer.outputs);
      for (let j = 0; j < layer.outputs; j++) {
        let s = layer.bias[j]!;
        for (let i = 0; i < layer.inputs; i++) s += x.data[i]! * layer.weights[i * layer.outputs + j]!;
        out[j] = s;
      }
      return { data: out, shape: [layer.outputs] };
    }
    case 'conv2d':
    case 'depthwiseconv2d': {
      const [kh, kw, cin, n] = layer.filter;
      const dil = layer.dilation ?? [1, 1];
      const [H, W] = x.shape as [number, number];
      const p = layer.padding === 'valid' ? [0, 0, 0, 0] : layer.padding === 'same'
        ? [...samePad(H, (kh - 1) * dil[0] + 1, layer.stride[0]), ...samePad(W, (kw - 1) * dil[1] + 1, layer.stride[1])] : [...layer.padding];
      const dw = layer.kind === 'depthwiseconv2d';
      return conv(x, layer.weights, layer.bias, [kh, kw], cin, dw ? cin * n : n, [...layer.stride], p, [...dil], dw ? n : 0);
    }
    case 'batchnorm': {
      const c = layer.scale.length;
      return map((v, i) => v * layer.scale[i % c]! + layer.shift[i % c]!);
    }
    case 'relu': return map((v) => Math.max(v, 0));
    case 'tanh': return map(Math.tanh);
    case 'relu6': return map((v) => Math.min(Math.max(v, 0), 6));
    case 'clip': return map((v) => Math.min(Math.max(v, layer.min), layer.max));
    case 'identity': return x;
    case 'reshape': return { data: x.data, shape: [...layer.shape] };
    case 'flatten': return { data: x.data, shape: [x.data.length] };
    case 'pad': {
      const [H, W, C] = x.shape as [number, number, number];
      const [t, bt, l, rt] = layer.padding;
      const out = new Float64Array((H + t + bt) * (W + l + rt) * C);
      for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) for (let c = 0; c < C; c++) out[((y + t) * (W + l + rt) + xx + l) * C + c] = x.data[(y * W + xx) * C + c]!;
      return { data: out, shape: [H + t + bt, W + l + rt, C] };
    }
    case 'globalavgpool':
    case 'globalmaxpool': {
      const [H, W, C] = x.shape as [number, number, number];
      const out = new Float64Array(C).fill(layer.kind === 'globalmaxpool' ? -Infinity : 0);
      for (let p = 0; p < H * W; p++)
        for (let c = 0; c < C; c++) {
          const v = x.data[p * C + c]!;
          out[c] = layer.kind === 'globalmaxpool' ? Math.max(out[c]!, v) : out[c]! + v / (H * W);
        }
      return { data: out, shape: [C] };
    }
    case 'add': return { data: x.data.map((_, i) => xs.reduce((s, t) => s + t.data[i]!, 0)), shape: x.shape };
    case 'concat': {
      // channels-last concatenation (axis -1) only
      const C = xs.map((t) => t.shape.at(-1)!);
      const total = C.reduce((a, v) => a + v, 0);
      const P = x.data.length / C[0]!;
      const out = new Float64Array(P * total);
      for (let p = 0; p < P; p++) {
        let at = 0;
        xs.forEach((t, k) => {
          for (let c = 0; c < C[k]!; c++) out[p * total + at + c] = t.data[p * C[k]! + c]!;
          at += C[k]!;
        });
      }
      return { data: out, shape: [...x.shape.slice(0, -1), total] };
    }
    default:
      throw new Error(`refNode: ${layer.kind} not covered`);
  }
}

/** Reference forward of one sample: every node's output (`outs[0]` the input, `outs[i + 1]` node i). */
export function referenceForward(model: Model, input: Float64Array, inShape: number[]): Sample[] {
  const outs: Sample[] = [{ data: input, shape: inShape }];
  model.layers.forEach((layer, i) => {
    const from = layer.from ?? [i - 1];
    outs.push(refNode(layer, from.map((j) => outs[j + 1]!)));
  });
  return outs;
}
