import { LrpError } from '../errors.js';
import { poolLayer, sequential, simpleLayer } from '../model/build.js';
import type { Layer, Model, Padding, PoolLayer, SimpleLayer } from '../model/layers.js';
import { layerOutputShape } from '../model/shapes.js';
import { type Limits, TRAIN_BYTES_PER_PARAM, TRAIN_STEP_FACTOR, checkCost, checkMemory, resolveLimits } from '../engine/budget.js';
import { planRun } from '../engine/run-plan.js';
import { type InitScheme, initConv2d, initLinear } from './init.js';
import { Rng } from '../rng.js';

/**
 * One layer of an architecture spec, before shapes are known (see {@link parseArch}).
 */
export type ArchLayer =
  | { readonly kind: 'conv2d'; readonly kernel: readonly [number, number]; readonly filters: number; readonly stride: readonly [number, number]; readonly padding: Padding }
  | { readonly kind: PoolLayer['kind']; readonly pool: readonly [number, number]; readonly stride: readonly [number, number] }
  | { readonly kind: 'linear'; readonly outputs: number }
  | { readonly kind: SimpleLayer['kind'] };

const SIMPLE = new Set(['relu', 'tanh', 'sigmoid', 'softmax', 'flatten']);
const POOLS = new Set(['maxpool', 'sumpool', 'avgpool']);

function dims(text: string, token: string, count: readonly number[]): number[] {
  const parts = text.split('x');
  const nums = parts.map(Number);
  if (!count.includes(parts.length) || nums.some((v) => !Number.isSafeInteger(v) || v < 1) || parts.some((p) => !/^\d+$/.test(p))) {
    throw new LrpError('E_USAGE', `architecture: cannot read '${token}' (sizes are positive integers joined by x)`);
  }
  return nums;
}

function stride(opts: string[], token: string, dflt: readonly [number, number]): [number, number] {
  const s = opts.find((o) => /^s\d/.test(o));
  if (!s) return [dflt[0], dflt[1]];
  const d = dims(s.slice(1), token, [1, 2]);
  return [d[0]!, d[1] ?? d[0]!];
}

/**
 * Parses an architecture spec: comma-separated layers, e.g.
 * `conv5x5x16,relu,maxpool2,conv5x5x32,relu,maxpool2,flatten,linear128,relu,linear10,softmax`.
 *
 * - `convKHxKWxF` (or `convKxF`): convolution with F filters, stride 1, no padding; options after
 *   `:` — `sS` or `sSHxSW` for the stride, `same` for TensorFlow-style same padding
 *   (`conv3x3x8:s2:same`);
 * - `maxpoolK`, `sumpoolK`, `avgpoolK` (or `KHxKW`): window with stride = window unless `:sS`;
 * - `linearN` (or `denseN`): dense layer with N outputs;
 * - `relu`, `tanh`, `sigmoid`, `softmax`, `flatten`.
 *
 * Unknown or malformed tokens are `E_USAGE` errors naming the token.
 */
export function parseArch(spec: string): ArchLayer[] {
  const tokens = spec.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tokens.length === 0) throw new LrpError('E_USAGE', 'architecture: no layers given');
  return tokens.map((token): ArchLayer => {
    const [head = '', ...opts] = token.toLowerCase().split(':');
    if (SIMPLE.has(head) && opts.length === 0) return { kind: head as SimpleLayer['kind'] };
    const m = /^([a-z]+)(.*)$/.exec(head);
    const name = m?.[1] ?? '';
    const rest = m?.[2] ?? '';
    const bad = opts.find((o) => !(/^s\d/.test(o) || (o === 'same' && name === 'conv')));
    if (bad !== undefined) throw new LrpError('E_USAGE', `architecture: unknown option '${bad}' in '${token}'`);
    if (name === 'conv') {
      const d = dims(rest, token, [2, 3]);
      const kernel: [number, number] = d.length === 3 ? [d[0]!, d[1]!] : [d[0]!, d[0]!];
      return { kind: 'conv2d', kernel, filters: d[d.length - 1]!, stride: stride(opts, token, [1, 1]), padding: opts.includes('same') ? 'same' : 'valid' };
    }
    if (POOLS.has(name)) {
      const d = dims(rest, token, [1, 2]);
      const pool: [number, number] = [d[0]!, d[1] ?? d[0]!];
      return { kind: name as PoolLayer['kind'], pool, stride: stride(opts, token, pool) };
    }
    if ((name === 'linear' || name === 'dense') && opts.length === 0) {
      return { kind: 'linear', outputs: dims(rest, token, [1])[0]! };
    }
    throw new LrpError('E_USAGE', `architecture: unknown layer '${token}' (conv, maxpool, sumpool, avgpool, linear, relu, tanh, sigmoid, softmax, flatten)`);
  });
}

/**
 * The layers of an architecture for per-sample inputs of `inShape`, with sizes but no weights
 * allocated (empty weight arrays): what the plan needs before weights are drawn.
 */
function skeleton(arch: readonly ArchLayer[], inShape: readonly number[]): Layer[] {
  const none = new Float64Array(0);
  const layers: Layer[] = [];
  let shape = [...inShape];
  arch.forEach((a, i) => {
    const where = `architecture layer ${i} (${a.kind})`;
    let layer: Layer;
    if (a.kind === 'conv2d') {
      if (shape.length !== 3) throw new LrpError('E_SHAPE', `a convolution needs [H, W, C] inputs, got [${shape.join(', ')}]`, where);
      layer = { kind: 'conv2d', filter: [a.kernel[0], a.kernel[1], shape[2]!, a.filters], stride: a.stride, padding: a.padding, weights: none, bias: none };
    } else if (a.kind === 'linear') {
      if (shape.length !== 1) throw new LrpError('E_SHAPE', `a dense layer needs flat inputs, got [${shape.join(', ')}] (add flatten)`, where);
      layer = { kind: 'linear', inputs: shape[0]!, outputs: a.outputs, weights: none, bias: none };
    } else if ('pool' in a) {
      layer = poolLayer(a.kind, a.pool, a.stride);
    } else {
      layer = simpleLayer(a.kind);
    }
    shape = layerOutputShape(layer, shape, where);
    layers.push(layer);
  });
  return layers;
}

/**
 * Builds a fresh model from an architecture spec for per-sample inputs of `inShape` (e.g.
 * `[28, 28, 1]` or `[784]`), weights drawn from `seed` with `scheme` (default: `he` when the spec
 * has a ReLU, else `glorot`). Shapes that do not fit throw `E_SHAPE` naming the layer. The model is
 * planned before any weight is allocated: parameters whose training copies exceed `maxMemory`, or
 * a training step of one sample over `maxCost` multiply-adds, are `E_RANGE` with the figures.
 */
export function buildModel(spec: string | readonly ArchLayer[], inShape: readonly number[], seed: number, scheme?: InitScheme, limits: Limits = {}): Model {
  const arch = typeof spec === 'string' ? parseArch(spec) : spec;
  const sized = skeleton(arch, inShape);
  const plan = planRun({ layers: sized }, inShape, 1, 8);
  const { maxMemory, maxCost } = resolveLimits(limits);
  const paramBytes = (plan.paramBytes / 8) * TRAIN_BYTES_PER_PARAM;
  checkMemory({ ...plan, paramBytes, bytes: paramBytes + plan.runBytes }, maxMemory);
  checkCost(plan, TRAIN_STEP_FACTOR, 'a training step', maxCost);
  const init = scheme ?? (arch.some((l) => l.kind === 'relu') ? 'he' : 'glorot');
  const rng = new Rng(seed);
  const layers = sized.map((l): Layer => {
    if (l.kind === 'conv2d') return initConv2d(l.filter, l.stride, l.padding, init, rng);
    if (l.kind === 'linear') return initLinear(l.inputs, l.outputs, init, rng);
    return l;
  });
  return sequential(layers);
}
