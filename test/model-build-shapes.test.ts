import { describe, expect, it } from 'vitest';
import { conv2dLayer, dropSoftmax, linearLayer, poolLayer, sequential, simpleLayer } from '../src/model/build.js';
import { isParamLayer, isPoolLayer, layerName, layerWhere, type Layer } from '../src/model/layers.js';
import { inferShapes, layerOutputShape, parameterCount, windowGeometry } from '../src/model/shapes.js';
import { expectLrpError } from './support/expect-error.js';

// Layer builders refuse what the engine cannot run (with the layer named), shape inference follows
// the documented output-size formulas, and every refusal states the shapes at fault.

const f64 = (n: number, v = 0.5): Float64Array => new Float64Array(n).fill(v);
const linear = linearLayer(2, 3, f64(6), f64(3));
const conv = conv2dLayer([2, 2, 1, 4], [1, 1], f64(16), f64(4));

describe('layer builders', () => {
  it('refuse counts that are not positive integers, naming the count and the place', () => {
    expectLrpError(() => linearLayer(0, 3, f64(0), f64(3), 'layer 2'), 'E_FORMAT', /^layer 2: Linear input count must be a positive integer, got 0$/);
    expectLrpError(() => linearLayer(2, 1.5, f64(3), f64(1)), 'E_FORMAT', /^Linear output count must be a positive integer, got 1\.5$/);
    expectLrpError(() => conv2dLayer([2, 2, 1, -4], [1, 1], f64(16), f64(4)), 'E_FORMAT', /^Convolution nf must be a positive integer, got -4$/);
    expectLrpError(() => conv2dLayer([2, 2, 1, 4], [1, 0], f64(16), f64(4)), 'E_FORMAT', /^Convolution sw must be a positive integer, got 0$/);
    expectLrpError(() => poolLayer('maxpool', [2, Number.NaN], [1, 1]), 'E_FORMAT', /^pool wp must be a positive integer, got NaN$/);
    expectLrpError(() => poolLayer('sumpool', [2, 2], [0, 1]), 'E_FORMAT', /^pool sh must be a positive integer, got 0$/);
    expect(linearLayer(1, 1, f64(1), f64(1)).inputs).toBe(1);
  });

  it('refuse weight and bias counts that do not match, with both figures', () => {
    expectLrpError(() => linearLayer(2, 3, f64(5), f64(3)), 'E_FORMAT', /^Linear 2 3 needs 6 weights, got 5$/);
    expectLrpError(() => linearLayer(2, 3, f64(6), f64(2)), 'E_FORMAT', /^Linear 2 3 needs 3 biases, got 2$/);
    expectLrpError(() => conv2dLayer([2, 2, 1, 4], [1, 1], f64(15), f64(4)), 'E_FORMAT', /^Convolution 2 2 1 4 needs 16 weights, got 15$/);
    expectLrpError(() => conv2dLayer([2, 2, 1, 4], [1, 1], f64(16), f64(3)), 'E_FORMAT', /^Convolution needs 4 biases, got 3$/);
  });

  it('refuse non-finite weights and biases at any index, naming it', () => {
    const w = f64(6);
    w[5] = Number.POSITIVE_INFINITY;
    expectLrpError(() => linearLayer(2, 3, w, f64(3), 'L'), 'E_FORMAT', /^L: weight element 5 is Infinity$/);
    const b = f64(4);
    b[0] = Number.NaN;
    expectLrpError(() => conv2dLayer([2, 2, 1, 4], [1, 1], f64(16), b), 'E_FORMAT', /^bias element 0 is NaN$/);
    const cw = f64(16);
    cw[15] = Number.NaN;
    expectLrpError(() => conv2dLayer([2, 2, 1, 4], [1, 1], cw, f64(4)), 'E_FORMAT', /^weight element 15 is NaN$/);
    const lb = f64(3);
    lb[2] = Number.NEGATIVE_INFINITY;
    expectLrpError(() => linearLayer(2, 3, f64(6), lb), 'E_FORMAT', /^bias element 2 is -Infinity$/);
  });

  it('accept valid, same and four non-negative integers as padding, and nothing else', () => {
    expect(poolLayer('avgpool', [2, 2], [2, 2], [0, 1, 2, 0]).padding).toEqual([0, 1, 2, 0]);
    expect(poolLayer('avgpool', [2, 2], [2, 2], 'same').padding).toBe('same');
    expect(conv2dLayer([2, 2, 1, 4], [1, 1], f64(16), f64(4), [1, 1, 1, 1]).padding).toEqual([1, 1, 1, 1]);
    const message = /^padding must be 'valid', 'same' or \[top, bottom, left, right\] >= 0$/;
    for (const bad of [
      [1, 1, 1],
      [0, 0, 0, -1],
      [0, 0.5, 0, 0],
      [1, 1, 1, 1, 1],
    ] as unknown as [number, number, number, number][]) {
      expectLrpError(() => poolLayer('maxpool', [2, 2], [1, 1], bad), 'E_FORMAT', message);
      expectLrpError(() => conv2dLayer([2, 2, 1, 4], [1, 1], f64(16), f64(4), bad), 'E_FORMAT', message);
    }
    expectLrpError(() => poolLayer('maxpool', [2, 2], [1, 1], 'full' as never), 'E_FORMAT', message);
  });

  it('sequential needs a layer; dropSoftmax drops only a final SoftMax after something', () => {
    expectLrpError(() => sequential([], 'm.txt'), 'E_FORMAT', /^m\.txt: model has no layers$/);
    const withSoftmax = sequential([linear, simpleLayer('softmax')]);
    expect(dropSoftmax(withSoftmax).layers).toEqual([linear]);
    const onlySoftmax = sequential([simpleLayer('softmax')]);
    expect(dropSoftmax(onlySoftmax)).toBe(onlySoftmax);
    const plain = sequential([linear]);
    expect(dropSoftmax(plain)).toBe(plain);
    expect(dropSoftmax({ layers: [] })).toEqual({ layers: [] });
  });
});

describe('layer descriptors', () => {
  it('tell weighted and window layers apart', () => {
    const kinds: Layer[] = [
      linear,
      conv,
      poolLayer('sumpool', [1, 1], [1, 1]),
      poolLayer('avgpool', [1, 1], [1, 1]),
      poolLayer('maxpool', [1, 1], [1, 1]),
      simpleLayer('relu'),
      simpleLayer('flatten'),
    ];
    expect(kinds.map(isParamLayer)).toEqual([true, true, false, false, false, false, false]);
    expect(kinds.map(isPoolLayer)).toEqual([false, false, true, true, true, false, false]);
    expect(kinds.map(parameterCount)).toEqual([9, 20, 0, 0, 0, 0, 0]);
  });

  it('name every kind as the toolbox does, and places beyond the model by index alone', () => {
    const all: Layer[] = [
      linear,
      conv,
      poolLayer('sumpool', [1, 1], [1, 1]),
      poolLayer('avgpool', [1, 1], [1, 1]),
      poolLayer('maxpool', [1, 1], [1, 1]),
      simpleLayer('relu'),
      simpleLayer('tanh'),
      simpleLayer('sigmoid'),
      simpleLayer('softmax'),
      simpleLayer('flatten'),
    ];
    expect(all.map(layerName)).toEqual(['Linear', 'Convolution', 'SumPool', 'AvgPool', 'MaxPool', 'Rect', 'Tanh', 'Sigmoid', 'SoftMax', 'Flatten']);
    expect(layerWhere(all, 3)).toBe('layer 3 (AvgPool)');
    expect(layerWhere(all, 10)).toBe('layer 10');
  });
});

describe('shape inference', () => {
  it('same padding puts the odd pixel at the bottom and right (TensorFlow)', () => {
    const g = windowGeometry([5, 6, 2], [2, 3], [2, 2], 'same', 'here');
    // H: out ceil(5/2) = 3, total (3-1)*2+2-5 = 1 -> [0, 1]; W: out 3, total (3-1)*2+3-6 = 1 -> [0, 1]
    expect(g).toEqual({ inH: 5, inW: 6, inC: 2, outH: 3, outW: 3, kH: 2, kW: 3, sH: 2, sW: 2, pad: [0, 1, 0, 1], dH: 1, dW: 1 });
    expect(windowGeometry([4, 4, 1], [3, 3], [1, 1], 'same', 'here').pad).toEqual([1, 1, 1, 1]);
    expect(windowGeometry([4, 4, 1], [4, 4], [1, 1], 'same', 'here').pad).toEqual([1, 2, 1, 2]);
  });

  it('refuses inputs that are not [H, W, C] and windows that do not fit, in either direction', () => {
    expectLrpError(
      () => windowGeometry([4, 4], [2, 2], [1, 1], 'valid', 'layer 0 (MaxPool)'),
      'E_SHAPE',
      /^layer 0 \(MaxPool\): expects an input of shape \[H, W, C\] per sample, got \[4, 4\]$/,
    );
    expectLrpError(
      () => windowGeometry([1, 8, 1], [2, 2], [1, 1], 'valid', 'w'),
      'E_SHAPE',
      /^w: window 2x2 is larger than the padded input 1x8 \(input \[1, 8, 1\], padding \[0, 0, 0, 0\]\)$/,
    );
    expectLrpError(() => windowGeometry([8, 1, 1], [2, 2], [1, 1], 'valid', 'w'), 'E_SHAPE', /larger than the padded input 8x1 /);
    expect(windowGeometry([1, 1, 1], [2, 2], [1, 1], [1, 0, 0, 1], 'w')).toMatchObject({ outH: 1, outW: 1 });
  });

  it('states what a dense layer expects and suggests Flatten when only that is missing', () => {
    expectLrpError(() => layerOutputShape(linear, [3], 'layer 4 (Linear)'), 'E_SHAPE', /^layer 4 \(Linear\): expects input \[2\] per sample, got \[3\]$/);
    expectLrpError(
      () => layerOutputShape(linear, [1, 2], 'L'),
      'E_SHAPE',
      /^L: expects input \[2\] per sample, got \[1, 2\] \(add a Flatten layer before it\)$/,
    );
    expectLrpError(() => layerOutputShape(linear, [2, 2], 'L'), 'E_SHAPE', /^L: expects input \[2\] per sample, got \[2, 2\]$/);
    expectLrpError(() => layerOutputShape(linear, [], 'L'), 'E_SHAPE', /got \[\]$/);
    expect(layerOutputShape(linear, [2], 'L')).toEqual([3]);
  });

  it('checks convolution channels and SoftMax rank', () => {
    expectLrpError(() => layerOutputShape(conv, [3, 3, 2], 'C'), 'E_SHAPE', /^C: expects 1 input channels, got input \[3, 3, 2\]$/);
    expect(layerOutputShape(conv, [3, 3, 1], 'C')).toEqual([2, 2, 4]);
    expectLrpError(() => layerOutputShape(simpleLayer('softmax'), [2, 2], 'S'), 'E_SHAPE', /^S: expects input \[D\] per sample, got \[2, 2\]$/);
    expect(layerOutputShape(simpleLayer('softmax'), [5], 'S')).toEqual([5]);
  });

  it('infers every shape through a model and names the failing layer', () => {
    const model = sequential([
      conv,
      simpleLayer('relu'),
      poolLayer('maxpool', [2, 2], [2, 2]),
      simpleLayer('flatten'),
      linearLayer(16, 2, f64(32), f64(2)),
      simpleLayer('softmax'),
    ]);
    expect(inferShapes(model, [5, 5, 1])).toEqual([[5, 5, 1], [4, 4, 4], [4, 4, 4], [2, 2, 4], [16], [2], [2]]);
    expectLrpError(
      () => inferShapes(sequential([simpleLayer('flatten'), linearLayer(4, 2, f64(8), f64(2))]), [3, 3, 1]),
      'E_SHAPE',
      /^layer 1 \(Linear\): expects input \[4\] per sample, got \[9\]$/,
    );
  });
});
