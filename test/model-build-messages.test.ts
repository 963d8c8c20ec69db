/**
 * The builders' and shape inference's refusals name the offending field: each filter, pool and
 * stride entry by its toolbox name, the default padding, and the Flatten hint only where it helps.
 */
import { describe, expect, it } from 'vitest';
import { conv2dLayer, linearLayer, poolLayer } from '../src/model/build.js';
import { layerOutputShape } from '../src/model/shapes.js';
import { expectLrpError } from './support/expect-error.js';

describe('builder refusals name the field', () => {
  const filters: [number, string][] = [[0, 'hf'], [1, 'wf'], [2, 'df'], [3, 'nf']];
  it.each(filters)('convolution filter entry %i is %s', (i, name) => {
    const filter: [number, number, number, number] = [1, 1, 1, 1];
    filter[i] = 0;
    const e = expectLrpError(() => conv2dLayer(filter, [1, 1], new Float64Array(0), new Float64Array(0), 'valid', 'line 3'), 'E_FORMAT');
    expect(e.message).toBe(`line 3: Convolution ${name} must be a positive integer, got 0`);
  });

  it.each([[0, 'sh'], [1, 'sw']] as [number, string][])('convolution and pool stride entry %i is %s', (i, name) => {
    const stride: [number, number] = [1, 1];
    stride[i] = 1.5;
    expect(expectLrpError(() => conv2dLayer([1, 1, 1, 1], stride, new Float64Array(1), new Float64Array(1)), 'E_FORMAT').message).toBe(
      `Convolution ${name} must be a positive integer, got 1.5`,
    );
    expect(expectLrpError(() => poolLayer('maxpool', [2, 2], stride), 'E_FORMAT').message).toBe(`pool ${name} must be a positive integer, got 1.5`);
  });

  it.each([[0, 'hp'], [1, 'wp']] as [number, string][])('pool window entry %i is %s', (i, name) => {
    const pool: [number, number] = [2, 2];
    pool[i] = -1;
    expect(expectLrpError(() => poolLayer('sumpool', pool, [1, 1]), 'E_FORMAT').message).toBe(`pool ${name} must be a positive integer, got -1`);
  });

  it('padding defaults to valid', () => {
    expect(conv2dLayer([1, 1, 1, 1], [1, 1], new Float64Array(1), new Float64Array(1)).padding).toBe('valid');
    expect(poolLayer('avgpool', [2, 2], [2, 2]).padding).toBe('valid');
  });
});

describe('a dense layer on the wrong input', () => {
  const dense = linearLayer(6, 2, new Float64Array(12), new Float64Array(2));
  it('suggests a Flatten layer only when the input has the right size but more than one axis', () => {
    expect(expectLrpError(() => layerOutputShape(dense, [2, 3], 'layer 1 (Linear)'), 'E_SHAPE').message).toBe(
      'layer 1 (Linear): expects input [6] per sample, got [2, 3] (add a Flatten layer before it)',
    );
    expect(expectLrpError(() => layerOutputShape(dense, [5], 'layer 1 (Linear)'), 'E_SHAPE').message).toBe('layer 1 (Linear): expects input [6] per sample, got [5]');
    expect(expectLrpError(() => layerOutputShape(dense, [2, 2], 'layer 1 (Linear)'), 'E_SHAPE').message).toBe('layer 1 (Linear): expects input [6] per sample, got [2, 2]');
  });
});
