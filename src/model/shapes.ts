import { LrpError } from '../errors.js';
import { showShape, sizeOf } from '../tensor.js';
import { nodeSources } from './graph.js';
import { type Layer, type Model, type Padding, layerWhere } from './layers.js';

/** Resolved window geometry of a conv/pool layer on a given input: explicit padding and output size. */
export interface WindowGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  /** Zero padding `[top, bottom, left, right]`. */
  readonly pad: readonly [number, number, number, number];
  /** Dilation: window element (ky, kx) reads input pixel (oy·sH + ky·dH − top, ox·sW + kx·dW − left). */
  readonly dH: number;
  readonly dW: number;
}

function samePad(size: number, k: number, s: number): [number, number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const before = Math.floor(total / 2);
  return [out, before, total - before];
}

/** A pad side may be up to this many input extents (or the window − 1, whichever is larger). */
const PAD_INPUT_MULTIPLE = 2;

/**
 * Checks a window's sizes, stride and explicit padding against the input extent: every size and
 * stride a positive integer, every pad side a non-negative integer no larger than
 * `max(window − 1, 2 × input extent)` along its axis. Padding beyond that only adds output
 * positions that see nothing but zeros (and lets a tiny model file ask for unbounded work), so it
 * is refused.
 */
function checkWindow(inH: number, inW: number, k: readonly [number, number], s: readonly [number, number], pad: readonly number[], where: string): void {
  const sizes: [string, number][] = [['window height', k[0]], ['window width', k[1]], ['stride height', s[0]], ['stride width', s[1]]];
  for (const [what, v] of sizes) {
    if (!Number.isSafeInteger(v) || v < 1) throw new LrpError('E_SHAPE', `${what} must be a positive integer, got ${v}`, where);
  }
  const sides = ['top', 'bottom', 'left', 'right'] as const;
  pad.forEach((p, i) => {
    const vertical = i < 2;
    const extent = vertical ? inH : inW;
    const window = vertical ? k[0] : k[1];
    const most = Math.max(window - 1, PAD_INPUT_MULTIPLE * extent);
    if (!Number.isSafeInteger(p) || p < 0) throw new LrpError('E_SHAPE', `${sides[i]} padding must be a non-negative integer, got ${p}`, where);
    if (p > most) {
      throw new LrpError(
        'E_SHAPE',
        `${sides[i]} padding ${p} is absurd for an input ${vertical ? 'height' : 'width'} of ${extent} and a window of ${window} ` +
          `(at most max(window - 1, ${PAD_INPUT_MULTIPLE} x input) = ${most})`,
        where,
      );
    }
  });
}

/**
 * Window geometry for input `[H, W, C]` (per sample): `valid` gives `floor((H − hf)/sh) + 1` as in the
 * toolbox; `same` gives `ceil(H/sh)`; explicit padding `floor((H + top + bottom − hf)/sh) + 1`.
 * Sizes, strides and padding absurd for the input (see `checkWindow`), and a window larger than the
 * padded input, are `E_SHAPE` errors naming `where` (the layer).
 */
export function windowGeometry(
  inShape: readonly number[],
  k: readonly [number, number],
  s: readonly [number, number],
  padding: Padding,
  where: string,
  dilation: readonly [number, number] = [1, 1],
): WindowGeometry {
  if (inShape.length !== 3) {
    throw new LrpError('E_SHAPE', `expects an input of shape [H, W, C] per sample, got ${showShape(inShape)}`, where);
  }
  const [inH, inW, inC] = inShape as [number, number, number];
  const [dH, dW] = dilation;
  for (const [what, v] of [['dilation height', dH], ['dilation width', dW]] as const) {
    if (!Number.isSafeInteger(v) || v < 1 || v > Math.max(inH, inW)) {
      throw new LrpError('E_SHAPE', `${what} must be an integer from 1 to the input size ${Math.max(inH, inW)}, got ${v}`, where);
    }
  }
  // A dilated window covers (k − 1)·d + 1 pixels: padding and output size follow from that extent.
  const span: [number, number] = [(k[0] - 1) * dH + 1, (k[1] - 1) * dW + 1];
  const kk = dH === 1 && dW === 1 ? k : span;
  checkWindow(inH, inW, kk, s, padding === 'valid' || padding === 'same' ? [] : padding, where);
  let pad: [number, number, number, number];
  let outH: number;
  let outW: number;
  if (padding === 'same') {
    const [oh, t, b] = samePad(inH, kk[0], s[0]);
    const [ow, l, r] = samePad(inW, kk[1], s[1]);
    pad = [t, b, l, r];
    outH = oh;
    outW = ow;
  } else {
    pad = padding === 'valid' ? [0, 0, 0, 0] : [padding[0], padding[1], padding[2], padding[3]];
    outH = Math.floor((inH + pad[0] + pad[1] - kk[0]) / s[0]) + 1;
    outW = Math.floor((inW + pad[2] + pad[3] - kk[1]) / s[1]) + 1;
  }
  if (!(outH >= 1 && outW >= 1)) {
    const padded = `${inH + pad[0] + pad[1]}x${inW + pad[2] + pad[3]}`;
    throw new LrpError(
      'E_SHAPE',
      `window ${kk[0]}x${kk[1]} is larger than the padded input ${padded} (input ${showShape(inShape)}, padding [${pad.join(', ')}])`,
      where,
    );
  }
  return { inH, inW, inC, outH, outW, kH: k[0], kW: k[1], sH: s[0], sW: s[1], pad, dH, dW };
}

/** True where some window covers only padding: the first starts below it, or the last beyond the input. */
function hasWindowInPadding(g: WindowGeometry): boolean {
  const [top, , left] = g.pad;
  return top >= g.kH || left >= g.kW || (g.outH - 1) * g.sH - top >= g.inH || (g.outW - 1) * g.sW - left >= g.inW;
}

/** Output shape (per sample, batch dimension excluded) of `layer` for input `inShape`. */
export function layerOutputShape(layer: Layer, inShape: readonly number[], where: string): number[] {
  switch (layer.kind) {
    case 'linear':
      if (inShape.length !== 1 || inShape[0] !== layer.inputs) {
        throw new LrpError(
          'E_SHAPE',
          `expects input [${layer.inputs}] per sample, got ${showShape(inShape)}` +
            // Stryker disable next-line EqualityOperator: equivalent, a 1-D input of the right size is no error
            (inShape.length > 1 && sizeOf(inShape) === layer.inputs ? ' (add a Flatten layer before it)' : ''),
          where,
        );
      }
      return [layer.outputs];
    case 'conv2d':
    case 'depthwiseconv2d': {
      const [hf, wf, df, nf] = layer.filter;
      const g = windowGeometry(inShape, [hf, wf], layer.stride, layer.padding, where, layer.dilation);
      if (g.inC !== df) {
        throw new LrpError('E_SHAPE', `expects ${df} input channels, got input ${showShape(inShape)}`, where);
      }
      return [g.outH, g.outW, layer.kind === 'conv2d' ? nf : df * nf];
    }
    case 'sumpool':
    case 'avgpool':
    case 'maxpool': {
      const g = windowGeometry(inShape, layer.pool, layer.stride, layer.padding, where);
      if (layer.kind === 'maxpool' && hasWindowInPadding(g)) {
        throw new LrpError(
          'E_SHAPE',
          `max pooling ${g.kH}x${g.kW} with stride ${g.sH}x${g.sW} and padding [${g.pad.join(', ')}] on input ${showShape(inShape)} has windows wholly in the padding (no input to take the maximum of); pad less than the window`,
          where,
        );
      }
      return [g.outH, g.outW, g.inC];
    }
    case 'flatten':
      return [sizeOf(inShape)];
    case 'softmax':
      if (inShape.length !== 1) {
        throw new LrpError('E_SHAPE', `expects input [D] per sample, got ${showShape(inShape)}`, where);
      }
      return [...inShape];
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'relu6':
    case 'clip':
    case 'leakyrelu':
    case 'identity':
      return [...inShape];
    case 'globalavgpool':
    case 'globalmaxpool':
      windowGeometry(inShape, [inShape[0] ?? 1, inShape[1] ?? 1], [1, 1], 'valid', where);
      return [inShape[2]!];
    case 'batchnorm': {
      const c = inShape[inShape.length - 1];
      if (inShape.length === 0 || c !== layer.scale.length) {
        throw new LrpError('E_SHAPE', `has ${layer.scale.length} channels, got input ${showShape(inShape)} (channels are the last axis)`, where);
      }
      return [...inShape];
    }
    case 'pad': {
      const g = windowGeometry(inShape, [1, 1], [1, 1], layer.padding, where);
      return [g.outH, g.outW, g.inC];
    }
    case 'reshape':
      if (sizeOf(layer.shape) !== sizeOf(inShape)) {
        throw new LrpError('E_SHAPE', `cannot reshape ${showShape(inShape)} (${sizeOf(inShape)} values) to ${showShape(layer.shape)}`, where);
      }
      return [...layer.shape];
    case 'add':
    case 'concat':
      return nodeOutputShape(layer, [inShape], where);
  }
}

/** The axis of a concat node on inputs of rank `rank`, from 0; out of range is `E_SHAPE`. */
export function concatAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new LrpError('E_SHAPE', `concat axis ${axis} is out of range for inputs of rank ${rank} (per sample)`, where);
  }
  return a;
}

/**
 * Output shape (per sample) of node `layer` on the shapes of its inputs: `add` needs equal shapes,
 * `concat` equal shapes but along its axis; every other kind one input ({@link layerOutputShape}).
 */
export function nodeOutputShape(layer: Layer, inShapes: readonly (readonly number[])[], where: string): number[] {
  if (layer.kind !== 'add' && layer.kind !== 'concat') {
    if (inShapes.length !== 1) throw new LrpError('E_SHAPE', `takes one input, got ${inShapes.length}`, where);
    return layerOutputShape(layer, inShapes[0]!, where);
  }
  const first = inShapes[0]!;
  if (layer.kind === 'add') {
    inShapes.forEach((s, k) => {
      if (s.length !== first.length || s.some((d, j) => d !== first[j])) {
        throw new LrpError('E_SHAPE', `adds inputs of equal shape, got ${showShape(first)} and ${showShape(s)} (input ${k})`, where);
      }
    });
    return [...first];
  }
  const axis = concatAxis(layer.axis, first.length, where);
  let total = 0;
  inShapes.forEach((s, k) => {
    if (s.length !== first.length || s.some((d, j) => j !== axis && d !== first[j])) {
      throw new LrpError('E_SHAPE', `concatenates along axis ${layer.axis}: input ${k} ${showShape(s)} does not fit ${showShape(first)}`, where);
    }
    total += s[axis]!;
  });
  return first.map((d, j) => (j === axis ? total : d));
}

/**
 * Shapes flowing through `model` for a per-sample input shape: element 0 is the input, element
 * i + 1 the output of node i (edges validated by `nodeSources`). A mismatch throws `E_SHAPE` naming the layer and both shapes.
 */
export function inferShapes(model: Model, inShape: readonly number[]): number[][] {
  const shapes: number[][] = [[...inShape]];
  const sources = nodeSources(model);
  model.layers.forEach((layer, i) => {
    shapes.push(nodeOutputShape(layer, sources[i]!.map((j) => shapes[j + 1]!), layerWhere(model.layers, i)));
  });
  return shapes;
}

/**
 * Number of trainable parameters of a layer, from its sizes alone (so it also counts the
 * parameters of a layer whose weights are not allocated yet).
 */
export function parameterCount(layer: Layer): number {
  if (layer.kind === 'linear') return layer.inputs * layer.outputs + layer.outputs;
  if (layer.kind === 'conv2d') return sizeOf(layer.filter) + layer.filter[3];
  if (layer.kind === 'depthwiseconv2d') return sizeOf(layer.filter) + layer.filter[2] * layer.filter[3];
  if (layer.kind === 'batchnorm') return 2 * layer.scale.length;
  return 0;
}
