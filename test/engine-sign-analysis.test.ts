import { describe, expect, it } from 'vitest';
import { nonNegativeInputs } from '../src/engine/sign-analysis.js';
import type { Layer } from '../src/model/layers.js';

/**
 * Which node inputs are certainly ≥ 0, from the structure alone (the LRP step then drops the x⁻
 * terms). A wrong "true" would silently drop real negative terms; these tests pin each node kind.
 */
const node = (kind: string, extra: Record<string, unknown> = {}): Layer => ({ kind, ...extra }) as unknown as Layer;
const pool = (kind: string): Layer => node(kind, { pool: [1, 1], stride: [1, 1], padding: 'valid' });

describe('sign analysis per node kind', () => {
  it.each(['relu', 'relu6', 'sigmoid', 'softmax'])('the output of %s is non-negative', (kind) => {
    expect(nonNegativeInputs({ layers: [node(kind), node('identity')] })).toEqual([false, true]);
  });

  it.each(['tanh', 'batchnorm', 'linear', 'conv2d'])('the output of %s may be negative, even from a non-negative input', (kind) => {
    const extra: Record<string, unknown> = kind === 'batchnorm' ? { scale: Float64Array.of(1), shift: Float64Array.of(-1) } : {};
    expect(nonNegativeInputs({ layers: [node('relu'), node(kind, extra), node('identity')] })).toEqual([false, true, false]);
  });

  it('the model input is not assumed non-negative', () => {
    expect(nonNegativeInputs({ layers: [node('identity'), node('flatten')] })).toEqual([false, false]);
  });

  const passThrough: [string, Layer][] = [
    ['maxpool', pool('maxpool')],
    ['sumpool', pool('sumpool')],
    ['avgpool', pool('avgpool')],
    ['flatten', node('flatten')],
    ['reshape', node('reshape', { shape: [4] })],
    ['pad', node('pad', { padding: [1, 0, 0, 1] })],
    ['identity', node('identity')],
    ['globalavgpool', node('globalavgpool')],
    ['globalmaxpool', node('globalmaxpool')],
  ];
  it.each(passThrough)('%s keeps a non-negative input non-negative, and a signed one signed', (_, layer) => {
    expect(nonNegativeInputs({ layers: [node('relu'), layer, node('identity')] })).toEqual([false, true, true]);
    expect(nonNegativeInputs({ layers: [node('tanh'), layer, node('identity')] })).toEqual([false, false, false]);
  });

  it.each(['add', 'concat'])('%s of non-negative inputs is non-negative; one signed input makes it signed', (kind) => {
    const extra = kind === 'concat' ? { axis: -1 } : {};
    expect(nonNegativeInputs({ layers: [node('relu'), node('sigmoid', { from: [-1] }), node(kind, { ...extra, from: [0, 1] }), node('identity')] })).toEqual([
      false, false, true, true,
    ]);
    expect(nonNegativeInputs({ layers: [node('relu'), node('tanh', { from: [-1] }), node(kind, { ...extra, from: [0, 1] }), node('identity')] })).toEqual([
      false, false, false, false,
    ]);
    // the model input itself is one of the summands
    expect(nonNegativeInputs({ layers: [node('relu'), node(kind, { ...extra, from: [0, -1] }), node('identity')] })).toEqual([false, false, false]);
  });

  it('clip is non-negative when its lower bound is ≥ 0, or when its input is', () => {
    expect(nonNegativeInputs({ layers: [node('clip', { min: 0, max: 1 }), node('identity')] })).toEqual([false, true]);
    expect(nonNegativeInputs({ layers: [node('clip', { min: -1, max: 1 }), node('identity')] })).toEqual([false, false]);
    expect(nonNegativeInputs({ layers: [node('relu'), node('clip', { min: -1, max: 1 }), node('identity')] })).toEqual([false, true, true]);
    expect(nonNegativeInputs({ layers: [node('tanh'), node('clip', { min: -0.5, max: 1 }), node('identity')] })).toEqual([false, false, false]);
  });
});
