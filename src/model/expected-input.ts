import { LrpError } from '../errors.js';
import { showShape } from '../tensor.js';
import type { Conv2dLayer, Layer, Model, PoolLayer } from './layers.js';
import { modelSampleShape } from './layout.js';
import { inferShapes } from './shapes.js';

/** Square input sizes tried when the spatial size is to be found (1 … this). */
const LARGEST_SIDE_TRIED = 1024;

const ELEMENTWISE: ReadonlySet<Layer['kind']> = new Set(['relu', 'tanh', 'sigmoid']);

/** The index of the first layer from `from` on that is not elementwise (the shape passes those unchanged). */
function firstShaping(layers: readonly Layer[], from: number): number {
  let i = from;
  while (i < layers.length && ELEMENTWISE.has(layers[i]!.kind)) i++;
  return i;
}

/** Whether `shape` goes through every layer of the model. */
function fits(model: Model, shape: readonly number[]): boolean {
  try {
    inferShapes(model, shape);
    return true;
  } catch (e) {
    if (e instanceof LrpError) return false;
    throw e;
  }
}

/** The input channels: those of the first convolution before the data is flattened, if any. */
function inputChannels(layers: readonly Layer[]): number | undefined {
  for (const layer of layers) {
    if (layer.kind === 'conv2d') return layer.filter[2];
    if (layer.kind === 'flatten' || layer.kind === 'linear' || layer.kind === 'softmax') return undefined;
  }
  return undefined;
}

/** What a model takes per sample: a shape (`[32, 32, 1]`, `[H, W, 1]`, `of 784 values`) and a note on it. */
export interface ExpectedInput {
  /** Reads after "input": `[784]`, `[28, 28, 1]`, `[H, W, 3]`, `of 784 values`, `of any shape`. */
  readonly shape: string;
  /** What else is known: `square sides 28 to 31 fit`, `H, W >= 5`, `any shape, e.g. [784]`. */
  readonly note?: string;
  /** A shape that goes through every layer (the smallest square one for image models), where one is known. */
  readonly example?: readonly number[];
}

/** What an image model takes: the square sizes `[S, S, C]` that go through every layer. */
function spatialInput(model: Model, first: Conv2dLayer | PoolLayer): ExpectedInput {
  const c = inputChannels(model.layers);
  const window = first.kind === 'conv2d' ? first.filter : first.pool;
  const bounds = `H >= ${window[0]}, W >= ${window[1]}`;
  if (c === undefined) return { shape: '[H, W, C]', note: bounds };
  const sides: number[] = [];
  for (let s = 1; s <= LARGEST_SIDE_TRIED; s++) if (fits(model, [s, s, c])) sides.push(s);
  if (sides.length === 0) return { shape: `[H, W, ${c}]`, note: `${bounds}; no square input fits` };
  const [lo, hi] = [sides[0]!, sides[sides.length - 1]!];
  const example = [lo, lo, c];
  if (hi === LARGEST_SIDE_TRIED) return { shape: `[H, W, ${c}]`, note: `H, W >= ${lo}`, example };
  if (lo === hi) return { shape: showShape(example), example };
  return { shape: showShape(example), note: `square sides ${sides.length === hi - lo + 1 ? `${lo} to ${hi}` : sides.join(', ')} fit`, example };
}

/**
 * What `model` takes as one sample: the shape its file declares (`model.inputShape`, tfjs and ONNX
 * models; in the model's layout, `[C, H, W]` for ONNX images),
 * else as far as its layers determine it: `[784]` for a first Linear,
 * `of 784 values` (any shape) for Flatten then Linear, `[32, 32, 1]` for an image model whose layers
 * fix the size (found by trying square sizes), `[H, W, 1]` with `H, W >= 5` for one that takes any
 * size from a minimum, and the first layer's bounds where nothing square fits.
 */
export function expectedInput(model: Model): ExpectedInput {
  if (model.inputShape) {
    const shape = modelSampleShape(model, model.inputShape);
    return { shape: showShape(shape), example: shape };
  }
  const layers = model.layers;
  const i = firstShaping(layers, 0);
  const first = layers[i];
  if (first === undefined) return { shape: 'of any shape' };
  switch (first.kind) {
    case 'linear':
      return { shape: showShape([first.inputs]), example: [first.inputs] };
    case 'softmax':
      return { shape: '[D]' };
    case 'flatten': {
      const next = layers[firstShaping(layers, i + 1)];
      return next?.kind === 'linear'
        ? { shape: `of ${next.inputs} values`, note: `any shape, e.g. [${next.inputs}]`, example: [next.inputs] }
        : { shape: 'of any shape' };
    }
    case 'conv2d':
    case 'sumpool':
    case 'avgpool':
    case 'maxpool':
      return spatialInput(model, first);
    default:
      return { shape: 'of any shape' };
  }
}

/** `input [28, 28, 1] per sample (square sides 28 to 31 fit)`: {@link expectedInput} as words. */
export function describeExpectedInput(model: Model): string {
  const e = expectedInput(model);
  return `input ${e.shape} per sample${e.note ? ` (${e.note})` : ''}`;
}
