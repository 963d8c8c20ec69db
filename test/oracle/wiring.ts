/**
 * The independent oracle's view of a layer: every dense, convolution and pooling layer written out
 * as an explicit bipartite graph over one sample's flat NHWC indices — for each output neuron j the
 * list of input neurons i that feed it, with their weight w_ij. Built by plain index arithmetic
 * straight from the definitions (`out[i, j, k] = Σ_{di, dj, c} x[i·s + di − padTop, j·s + dj −
 * padLeft, c] · w[di, dj, c, k] + b[k]`), sharing no code with `src/engine`, `src/rules` or the
 * backends: it reads only the layer descriptors (plain data).
 */
import type { Layer, Padding } from '../../src/model/layers.js';

/** One connection into an output neuron: input index `from` (flat, one sample) with weight `weight`. */
export interface Edge {
  readonly from: number;
  readonly weight: number;
}

/** A layer as a graph over one sample: `edges[j]` feed output j; padded positions have no edge. */
export interface Wiring {
  readonly inSize: number;
  readonly outSize: number;
  readonly edges: readonly (readonly Edge[])[];
  /** `bias[j]` of output neuron j of weighted layers, `null` on pools. */
  readonly bias: Float64Array | null;
}

/** Padding before and after one axis and the output length (TensorFlow's `same`, as documented in layers.ts). */
export function axisPadding(size: number, k: number, s: number, padding: Padding, axis: 0 | 1): { before: number; after: number; out: number } {
  if (padding === 'same') {
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + k - size, 0);
    return { before: Math.floor(total / 2), after: total - Math.floor(total / 2), out };
  }
  const before = padding === 'valid' ? 0 : padding[axis * 2];
  const after = padding === 'valid' ? 0 : padding[axis * 2 + 1];
  return { before, after, out: Math.floor((size + before + after - k) / s) + 1 };
}

/** Per-sample output shape of a layer. */
export function outShapeOf(layer: Layer, inShape: readonly number[]): number[] {
  switch (layer.kind) {
    case 'linear':
      return [layer.outputs];
    case 'conv2d':
    case 'sumpool':
    case 'avgpool':
    case 'maxpool': {
      const [k0, k1] = layer.kind === 'conv2d' ? [layer.filter[0], layer.filter[1]] : layer.pool;
      const oh = axisPadding(inShape[0], k0, layer.stride[0], layer.padding, 0).out;
      const ow = axisPadding(inShape[1], k1, layer.stride[1], layer.padding, 1).out;
      return [oh, ow, layer.kind === 'conv2d' ? layer.filter[3] : inShape[2]];
    }
    case 'flatten':
      return [inShape.reduce((a, b) => a * b, 1)];
    default:
      return [...inShape];
  }
}

/**
 * Window edges of a conv/pool output neuron at (oy, ox): every in-bound input position
 * `(oy·sh + di − top, ox·sw + dj − left)` of the kh×kw window.
 */
function windowPositions(inShape: readonly number[], kh: number, kw: number, layer: { stride: readonly [number, number]; padding: Padding }, oy: number, ox: number): { di: number; dj: number; pos: number }[] {
  const [H, W] = inShape;
  const top = axisPadding(H, kh, layer.stride[0], layer.padding, 0).before;
  const left = axisPadding(W, kw, layer.stride[1], layer.padding, 1).before;
  const out: { di: number; dj: number; pos: number }[] = [];
  for (let di = 0; di < kh; di++) {
    for (let dj = 0; dj < kw; dj++) {
      const iy = oy * layer.stride[0] + di - top;
      const ix = ox * layer.stride[1] + dj - left;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) out.push({ di, dj, pos: iy * W + ix });
    }
  }
  return out;
}

/**
 * The graph of a dense, conv or pool layer (`null` for elementwise and reshaping layers). Pools get
 * the implicit weight their LRP uses: 1 for SumPool and MaxPool, 1/(hp·wp) for AvgPool (padding
 * counts in the area, as lrpjs's average pooling divides by the full window).
 */
export function wiringOf(layer: Layer, inShape: readonly number[]): Wiring | null {
  const inSize = inShape.reduce((a, b) => a * b, 1);
  const outShape = outShapeOf(layer, inShape);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const edges: Edge[][] = Array.from({ length: outSize }, () => []);
  switch (layer.kind) {
    case 'linear': {
      const n = layer.outputs;
      for (let j = 0; j < n; j++) for (let i = 0; i < layer.inputs; i++) edges[j].push({ from: i, weight: layer.weights[i * n + j] });
      return { inSize, outSize, edges, bias: layer.bias };
    }
    case 'conv2d': {
      const [kh, kw, C, nf] = layer.filter;
      const [oh, ow] = outShape;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          for (const { di, dj, pos } of windowPositions(inShape, kh, kw, layer, oy, ox)) {
            for (let c = 0; c < C; c++) {
              for (let k = 0; k < nf; k++) {
                edges[(oy * ow + ox) * nf + k].push({ from: pos * C + c, weight: layer.weights[((di * kw + dj) * C + c) * nf + k] });
              }
            }
          }
        }
      }
      // One bias per output channel: output (oy, ox, k) gets b[k].
      return { inSize, outSize, edges, bias: Float64Array.from({ length: outSize }, (_, j) => layer.bias[j % nf]) };
    }
    case 'sumpool':
    case 'avgpool':
    case 'maxpool': {
      const [kh, kw] = layer.pool;
      const [oh, ow, C] = outShape;
      const weight = layer.kind === 'avgpool' ? 1 / (kh * kw) : 1;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          for (const { pos } of windowPositions(inShape, kh, kw, layer, oy, ox)) {
            for (let c = 0; c < C; c++) edges[(oy * ow + ox) * C + c].push({ from: pos * C + c, weight });
          }
        }
      }
      return { inSize, outSize, edges, bias: null };
    }
    default:
      return null;
  }
}
