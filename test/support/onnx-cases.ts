import type { GraphSpec, TensorSpec } from './onnx-builder.js';
import { gaussian } from './random-model.js';

/** One ONNX test model: its graph, the input dims of a test batch, and the ops it covers. */
export interface OnnxCase {
  readonly name: string;
  readonly graph: GraphSpec;
  readonly dims: readonly number[];
}

/** Seeded float initializers: `w(dims, scale)`. */
function weights(seed: number): (dims: readonly number[], scale?: number) => TensorSpec {
  const r = gaussian(seed);
  return (dims, scale = 0.4) => ({ dims, data: Float32Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => r() * scale) });
}

const ints = (data: readonly number[]): TensorSpec => ({ dims: [data.length], data, type: 7 });
const scalar = (v: number): TensorSpec => ({ dims: [], data: [v] });

/** Batch-norm parameters for `c` channels (positive variance). */
function bn(w: ReturnType<typeof weights>, c: number, prefix: string): Record<string, TensorSpec> {
  const v = w([c], 0.3);
  return {
    [`${prefix}_g`]: { dims: [c], data: Array.from(w([c], 0.3).data, (x) => 1 + x) },
    [`${prefix}_b`]: w([c], 0.2),
    [`${prefix}_m`]: w([c], 0.2),
    [`${prefix}_v`]: { dims: [c], data: Array.from(v.data, (x) => 0.5 + Math.abs(x)) },
  };
}

/** The models of the ONNX import tests: together they cover every op the importer takes. */
export function onnxCases(): OnnxCase[] {
  const w = weights(81);
  const N = 'batch';
  return [
    {
      name: 'conv, relu, maxpool, flatten, gemm (transB), softmax',
      dims: [2, 3, 8, 8],
      graph: {
        input: { name: 'x', dims: [N, 3, 8, 8] },
        output: { name: 'p' },
        initializers: { w1: w([4, 3, 3, 3]), b1: w([4], 0.1), w1s: w([4, 4, 3, 3]), w2: w([5, 16]), b2: w([5], 0.1) },
        nodes: [
          { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], name: 'conv1', attrs: { pads: [1, 1, 1, 1], strides: [1, 1], kernel_shape: [3, 3] } },
          { op: 'Relu', inputs: ['c1'], outputs: ['r1'], name: 'relu1' },
          { op: 'MaxPool', inputs: ['r1'], outputs: ['m1'], name: 'pool1', attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
          { op: 'Conv', inputs: ['m1', 'w1s', ''], outputs: ['c2'], name: 'conv2', attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' } },
          { op: 'Flatten', inputs: ['c2'], outputs: ['f'], name: 'flatten', attrs: { axis: 1 } },
          { op: 'Gemm', inputs: ['f', 'w2', 'b2'], outputs: ['g'], name: 'fc', attrs: { transB: 1 } },
          { op: 'Softmax', inputs: ['g'], outputs: ['p'], name: 'softmax', attrs: { axis: 1 } },
        ],
      },
    },
    {
      name: 'grouped, dilated and depthwise conv, clip inputs, global average pool, matmul + add',
      dims: [2, 4, 9, 9],
      graph: {
        input: { name: 'x', dims: [N, 4, 9, 9] },
        output: { name: 'y' },
        initializers: { wg: w([6, 2, 3, 3]), bg: w([6], 0.1), wd: w([12, 1, 3, 3]), bd: w([12], 0.1), lo: scalar(0), hi: scalar(6), wm: w([12, 3]), bm: w([3], 0.1) },
        nodes: [
          { op: 'Conv', inputs: ['x', 'wg', 'bg'], outputs: ['g'], name: 'grouped', attrs: { group: 2, dilations: [2, 2], pads: [2, 1, 2, 1] } },
          { op: 'Clip', inputs: ['g', 'lo', 'hi'], outputs: ['r6'], name: 'relu6' },
          { op: 'Conv', inputs: ['r6', 'wd', 'bd'], outputs: ['d'], name: 'depthwise', attrs: { group: 6, strides: [2, 2], pads: [1, 1, 0, 0] } },
          { op: 'GlobalAveragePool', inputs: ['d'], outputs: ['gap'], name: 'gap' },
          { op: 'Flatten', inputs: ['gap'], outputs: ['f'], name: 'flatten' },
          { op: 'MatMul', inputs: ['f', 'wm'], outputs: ['mm'], name: 'matmul' },
          { op: 'Add', inputs: ['mm', 'bm'], outputs: ['y'], name: 'bias' },
        ],
      },
    },
    {
      name: 'average pools with and without the padding counted, pad, leaky relu, sigmoid, tanh',
      dims: [2, 2, 7, 7],
      graph: {
        input: { name: 'x', dims: [N, 2, 7, 7] },
        output: { name: 'y' },
        initializers: { w: w([3, 2, 2, 2]), pads: ints([0, 0, 1, 2, 0, 0, 2, 1]), wl: w([3, 60]), bl: w([3], 0.1) },
        nodes: [
          { op: 'AveragePool', inputs: ['x'], outputs: ['a0'], name: 'avg_exclude', attrs: { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], count_include_pad: 0 } },
          { op: 'LeakyRelu', inputs: ['a0'], outputs: ['l'], name: 'leaky', attrs: { alpha: 0.2 } },
          { op: 'Pad', inputs: ['l', 'pads'], outputs: ['p'], name: 'pad' },
          { op: 'Conv', inputs: ['p', 'w'], outputs: ['c'], name: 'conv' },
          { op: 'Sigmoid', inputs: ['c'], outputs: ['s'], name: 'sigmoid' },
          { op: 'AveragePool', inputs: ['s'], outputs: ['a1'], name: 'avg_include', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], count_include_pad: 1 } },
          { op: 'Tanh', inputs: ['a1'], outputs: ['t'], name: 'tanh' },
          { op: 'Flatten', inputs: ['t'], outputs: ['f'], name: 'flatten' },
          { op: 'Gemm', inputs: ['f', 'wl', 'bl'], outputs: ['y'], name: 'fc', attrs: { transB: 1 } },
        ],
      },
    },
    {
      name: 'residual block with batch norm, concat of channels, global max pool, squeeze, gemm alpha/beta',
      dims: [2, 3, 6, 6],
      graph: {
        input: { name: 'x', dims: [N, 3, 6, 6] },
        output: { name: 'y' },
        initializers: { w1: w([4, 3, 3, 3]), b1: w([4], 0.1), w2: w([4, 4, 3, 3]), ...bn(w, 4, 'bn'), ...bn(w, 4, 'bn2'), wl: w([8, 2]), bl: w([2], 0.1), axes: ints([2, 3]) },
        nodes: [
          { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], name: 'stem', attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Relu', inputs: ['c1'], outputs: ['r1'], name: 'stem_relu' },
          { op: 'Conv', inputs: ['r1', 'w2'], outputs: ['c2'], name: 'block_conv', attrs: { pads: [1, 1, 1, 1] } },
          { op: 'BatchNormalization', inputs: ['c2', 'bn_g', 'bn_b', 'bn_m', 'bn_v'], outputs: ['n2'], name: 'block_bn', attrs: { epsilon: { f: 1e-3 } } },
          { op: 'Add', inputs: ['n2', 'r1'], outputs: ['s'], name: 'residual' },
          { op: 'BatchNormalization', inputs: ['s', 'bn2_g', 'bn2_b', 'bn2_m', 'bn2_v'], outputs: ['s2'], name: 'loose_bn' },
          { op: 'Concat', inputs: ['s2', 'r1'], outputs: ['cat'], name: 'concat', attrs: { axis: 1 } },
          { op: 'GlobalMaxPool', inputs: ['cat'], outputs: ['gmp'], name: 'gmp' },
          { op: 'Squeeze', inputs: ['gmp', 'axes'], outputs: ['sq'], name: 'squeeze' },
          { op: 'Gemm', inputs: ['sq', 'wl', 'bl'], outputs: ['y'], name: 'fc', attrs: { alpha: { f: 0.5 }, beta: { f: 2 } } },
        ],
      },
    },
    {
      name: "torch's x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat, Reshape; Constant, Identity, Dropout, Sub/Mul/Div by constants",
      dims: [3, 2, 5, 5],
      graph: {
        input: { name: 'x', dims: [N, 2, 5, 5] },
        output: { name: 'y' },
        initializers: { mean: { dims: [1, 2, 1, 1], data: [0.2, -0.1] }, std: { dims: [1, 2, 1, 1], data: [0.5, 2] }, w: w([3, 2, 2, 2]), wl: w([48, 4]), bl: w([4], 0.1), zero: { dims: [], data: [0], type: 7 } },
        nodes: [
          { op: 'Sub', inputs: ['x', 'mean'], outputs: ['xc'], name: 'center' },
          { op: 'Div', inputs: ['xc', 'std'], outputs: ['xn'], name: 'normalize' },
          { op: 'Conv', inputs: ['xn', 'w'], outputs: ['c'], name: 'conv' },
          { op: 'Constant', inputs: [], outputs: ['k'], name: 'scale_const', attrs: { value: { tensor: { dims: [], data: [1.5] } } } },
          { op: 'Mul', inputs: ['c', 'k'], outputs: ['cm'], name: 'scale' },
          { op: 'Dropout', inputs: ['cm'], outputs: ['dr'], name: 'dropout' },
          { op: 'Shape', inputs: ['dr'], outputs: ['shape'], name: 'shape' },
          { op: 'Gather', inputs: ['shape', 'zero'], outputs: ['n'], name: 'gather', attrs: { axis: 0 } },
          { op: 'Constant', inputs: [], outputs: ['ax0'], name: 'axes_const', attrs: { value: { tensor: { dims: [1], data: [0], type: 7 } } } },
          { op: 'Unsqueeze', inputs: ['n', 'ax0'], outputs: ['n1'], name: 'unsqueeze' },
          { op: 'Constant', inputs: [], outputs: ['minus1'], name: 'minus_one', attrs: { value: { tensor: { dims: [1], data: [-1], type: 7 } } } },
          { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], name: 'concat_shape', attrs: { axis: 0 } },
          { op: 'Reshape', inputs: ['dr', 'target'], outputs: ['flat'], name: 'view' },
          { op: 'Identity', inputs: ['flat'], outputs: ['id'], name: 'identity' },
          { op: 'MatMul', inputs: ['id', 'wl'], outputs: ['mm'], name: 'matmul' },
          { op: 'Add', inputs: ['bl', 'mm'], outputs: ['y'], name: 'bias' },
        ],
      },
    },
    {
      name: 'vector model: gemm, batch norm 1-D, leaky relu, unsqueeze/squeeze on features, concat of vectors (opset 17)',
      dims: [4, 6],
      graph: {
        opset: 17,
        input: { name: 'v', dims: [N, 6] },
        output: { name: 'y' },
        initializers: { w1: w([6, 5]), b1: w([5], 0.1), ...bn(w, 5, 'bn'), w2: w([10, 3]), ax: ints([2]) },
        nodes: [
          { op: 'Gemm', inputs: ['v', 'w1', 'b1'], outputs: ['h'], name: 'fc1' },
          { op: 'BatchNormalization', inputs: ['h', 'bn_g', 'bn_b', 'bn_m', 'bn_v'], outputs: ['hn'], name: 'bn1d' },
          { op: 'LeakyRelu', inputs: ['hn'], outputs: ['a'], name: 'leaky' },
          { op: 'Unsqueeze', inputs: ['a', 'ax'], outputs: ['u'], name: 'unsq' },
          { op: 'Squeeze', inputs: ['u', 'ax'], outputs: ['sq'], name: 'sq' },
          { op: 'Concat', inputs: ['sq', 'h'], outputs: ['cat'], name: 'cat', attrs: { axis: -1 } },
          { op: 'MatMul', inputs: ['cat', 'w2'], outputs: ['y'], name: 'out' },
        ],
      },
    },
    {
      name: 'opset 11: Clip and Pad with constant inputs, Squeeze with an axes attribute, Softmax over [N, F]',
      dims: [2, 2, 5, 5],
      graph: {
        opset: 11,
        input: { name: 'x', dims: [N, 2, 5, 5] },
        output: { name: 'p' },
        initializers: { w: w([3, 2, 3, 3]), lo: scalar(-0.5), hi: scalar(0.7), pads: ints([0, 0, 1, 0, 0, 0, 0, 1]), wl: w([3, 4]) },
        nodes: [
          { op: 'Pad', inputs: ['x', 'pads'], outputs: ['xp'], name: 'pad' },
          { op: 'Conv', inputs: ['xp', 'w'], outputs: ['c'], name: 'conv', attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } },
          { op: 'Clip', inputs: ['c', 'lo', 'hi'], outputs: ['k'], name: 'clip' },
          { op: 'GlobalAveragePool', inputs: ['k'], outputs: ['g'], name: 'gap' },
          { op: 'Squeeze', inputs: ['g'], outputs: ['s'], name: 'squeeze', attrs: { axes: [3, 2] } },
          { op: 'MatMul', inputs: ['s', 'wl'], outputs: ['m'], name: 'mm' },
          { op: 'Softmax', inputs: ['m'], outputs: ['p'], name: 'softmax' },
        ],
      },
    },
    {
      name: 'opset 10: Clip and Pad with attributes, MaxPool with ceil_mode, AveragePool auto_pad SAME_LOWER',
      dims: [2, 1, 7, 7],
      graph: {
        opset: 10,
        input: { name: 'x', dims: [N, 1, 7, 7] },
        output: { name: 'y' },
        initializers: { w: w([2, 1, 2, 2]), wl: w([32, 3]), bl: w([3], 0.1) },
        nodes: [
          { op: 'Pad', inputs: ['x'], outputs: ['xp'], name: 'pad', attrs: { pads: [0, 0, 1, 1, 0, 0, 0, 0] } },
          { op: 'Conv', inputs: ['xp', 'w'], outputs: ['c'], name: 'conv' },
          { op: 'Clip', inputs: ['c'], outputs: ['k'], name: 'relu6', attrs: { min: { f: 0 }, max: { f: 6 } } },
          { op: 'MaxPool', inputs: ['k'], outputs: ['m'], name: 'pool', attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 } },
          { op: 'AveragePool', inputs: ['m'], outputs: ['a'], name: 'avg', attrs: { kernel_shape: [2, 2], auto_pad: 'SAME_LOWER' } },
          { op: 'Flatten', inputs: ['a'], outputs: ['f'], name: 'flatten' },
          { op: 'Gemm', inputs: ['f', 'wl', 'bl'], outputs: ['y'], name: 'fc' },
        ],
      },
    },
  ];
}
