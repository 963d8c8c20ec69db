import { describe, expect, it } from 'vitest';
import { conv2dLayer, linearLayer, poolLayer, simpleLayer } from '../src/model/build.js';
import { describeExpectedInput, expectedInput } from '../src/model/expected-input.js';
import type { Layer, Model } from '../src/model/layers.js';

// What a model takes per sample, from its layers alone (or its declared input shape): the cases
// test/cli-input-shape.test.ts does not reach — leading activations, a first SoftMax, Flatten not
// followed by a Linear, node kinds without a shape rule, declared shapes in both layouts, channels
// hidden behind a Flatten, a single fitting size and none at all.

const zeros = (n: number): Float64Array => new Float64Array(n);
const model = (...layers: Layer[]): Model => ({ layers });
const conv = (k: number, cin: number, cout: number): Layer => conv2dLayer([k, k, cin, cout], [1, 1], zeros(k * k * cin * cout), zeros(cout), 'valid');
const dense = (m: number, n: number): Layer => linearLayer(m, n, zeros(m * n), zeros(n));

describe('expectedInput from the layers', () => {
  it('skips leading activations: relu/tanh/sigmoid pass the shape on', () => {
    expect(expectedInput(model(simpleLayer('relu'), dense(5, 3)))).toEqual({ shape: '[5]', example: [5] });
    expect(expectedInput(model(simpleLayer('tanh'), simpleLayer('sigmoid'), simpleLayer('flatten'), simpleLayer('relu'), dense(6, 2)))).toEqual({
      shape: 'of 6 values',
      note: 'any shape, e.g. [6]',
      example: [6],
    });
    const conv5 = model(simpleLayer('sigmoid'), conv(5, 3, 2));
    expect(expectedInput(conv5)).toEqual({ shape: '[H, W, 3]', note: 'H, W >= 5', example: [5, 5, 3] });
  });

  it('nothing but activations, or no layers: any shape', () => {
    expect(expectedInput(model())).toEqual({ shape: 'of any shape' });
    expect(expectedInput(model(simpleLayer('relu'), simpleLayer('tanh')))).toEqual({ shape: 'of any shape' });
  });

  it('a first SoftMax takes vectors of any length; a Flatten not followed by a Linear takes any shape', () => {
    expect(expectedInput(model(simpleLayer('softmax')))).toEqual({ shape: '[D]' });
    expect(expectedInput(model(simpleLayer('flatten')))).toEqual({ shape: 'of any shape' });
    expect(expectedInput(model(simpleLayer('flatten'), simpleLayer('relu'), simpleLayer('softmax')))).toEqual({ shape: 'of any shape' });
  });

  it('node kinds without a shape rule of their own (identity, batchnorm, …) say any shape', () => {
    expect(expectedInput(model({ kind: 'identity' }, dense(4, 2)))).toEqual({ shape: 'of any shape' });
    expect(expectedInput(model({ kind: 'globalavgpool' }))).toEqual({ shape: 'of any shape' });
  });

  it('the channels come from the first convolution only while the data is still an image', () => {
    // pool → flatten/linear/softmax → reshape → conv: the conv's 2 input channels are not the model's
    const behind = (cut: Layer): Model => model(poolLayer('maxpool', [2, 2], [2, 2]), cut, { kind: 'reshape', shape: [2, 2, 2] }, conv(1, 2, 1));
    for (const cut of [simpleLayer('flatten'), dense(8, 8), simpleLayer('softmax')]) {
      expect(expectedInput(behind(cut)), cut.kind).toEqual({ shape: '[H, W, C]', note: 'H >= 2, W >= 2' });
    }
    // a pool first, then the convolution: its input channels are the model's
    const pooled = expectedInput(model(poolLayer('avgpool', [2, 2], [2, 2]), conv(3, 4, 1), simpleLayer('flatten'), dense(1, 2)));
    expect(pooled).toEqual({ shape: '[6, 6, 4]', note: 'square sides 6 to 7 fit', example: [6, 6, 4] });
  });

  it('one square size fits: the shape alone; none fits: the first layer’s bounds, said so', () => {
    // conv 3×3 then a Linear of 9: only 5 × 5 inputs give 3 × 3 = 9 values
    expect(expectedInput(model(conv(3, 1, 1), simpleLayer('flatten'), dense(9, 2)))).toEqual({ shape: '[5, 5, 1]', example: [5, 5, 1] });
    // a Linear of 7: no square output has 7 values
    expect(expectedInput(model(conv(3, 1, 1), simpleLayer('flatten'), dense(7, 2)))).toEqual({
      shape: '[H, W, 1]',
      note: 'H >= 3, W >= 3; no square input fits',
    });
    expect(describeExpectedInput(model(conv(3, 1, 1), simpleLayer('flatten'), dense(7, 2)))).toBe('input [H, W, 1] per sample (H >= 3, W >= 3; no square input fits)');
    expect(describeExpectedInput(model())).toBe('input of any shape per sample');
  });
});

describe('expectedInput from a declared input shape', () => {
  it('is the declared shape, in the model’s layout (NCHW models show [C, H, W])', () => {
    const layers = [conv(3, 1, 1), simpleLayer('flatten'), dense(9, 2)];
    expect(expectedInput({ layers, inputShape: [5, 5, 1] })).toEqual({ shape: '[5, 5, 1]', example: [5, 5, 1] });
    expect(expectedInput({ layers, inputShape: [5, 6, 3], inputLayout: 'nchw' })).toEqual({ shape: '[3, 5, 6]', example: [3, 5, 6] });
    expect(expectedInput({ layers: [dense(4, 2)], inputShape: [4], inputLayout: 'nchw' })).toEqual({ shape: '[4]', example: [4] });
  });
});
