import { describe, expect, it } from 'vitest';
import { initialRelevance } from '../src/engine/initial.js';
import { expectLrpError } from './support/expect-error.js';

/**
 * The initial relevance R0 on the model output: `y ⊙ onehot(target)` per sample, or an explicit
 * tensor of the output's shape. Every refusal is one LrpError naming the option at fault.
 */
describe('initial relevance from a class target', () => {
  // two samples, three classes
  const y = Float64Array.of(1, 5, -2, 7, 0, 3);

  it('argmax keeps each sample’s top output and zeroes the rest', () => {
    const { R0, target } = initialRelevance(y, [2, 3]);
    expect([...R0]).toEqual([0, 5, 0, 7, 0, 0]);
    expect([...target!]).toEqual([1, 0]);
  });

  it('one class for every sample, or a class per sample, keeps that output even when it is negative', () => {
    expect([...initialRelevance(y, [2, 3], 2).R0]).toEqual([0, 0, -2, 0, 0, 3]);
    const per = initialRelevance(y, [2, 3], [2, 1]);
    expect([...per.R0]).toEqual([0, 0, -2, 0, 0, 0]);
    expect([...per.target!]).toEqual([2, 1]);
    // the last class (c − 1) and the first (0) are in range
    expect([...initialRelevance(y, [2, 3], [0, 2]).target!]).toEqual([0, 2]);
  });

  it.each([
    [3, 'target: class 3 is out of range 0..2'],
    [-1, 'target: class -1 is out of range 0..2'],
    [1.5, 'target: class 1.5 is out of range 0..2'],
    [Number.NaN, 'target: class NaN is out of range 0..2'],
  ])('a class %s outside 0..C−1 is E_RANGE naming the target', (k, message) => {
    const e = expectLrpError(() => initialRelevance(y, [2, 3], k), 'E_RANGE');
    expect(e.message).toBe(message);
    expect(e.where).toBe('target');
  });

  it('a bad class in a per-sample list names the sample', () => {
    const e = expectLrpError(() => initialRelevance(y, [2, 3], [0, 3]), 'E_RANGE');
    expect(e.message).toBe('target of sample 1: class 3 is out of range 0..2');
    expect(expectLrpError(() => initialRelevance(y, [2, 3], [-1, 0]), 'E_RANGE').where).toBe('target of sample 0');
  });

  it('a per-sample list of the wrong length is E_SHAPE naming the target', () => {
    for (const list of [[0], [0, 1, 2]]) {
      const e = expectLrpError(() => initialRelevance(y, [2, 3], list), 'E_SHAPE');
      expect(e.message).toBe(`target: ${list.length} targets for 2 samples`);
    }
  });

  it('a model output that is not [N, C] needs an explicit initial relevance (E_SHAPE)', () => {
    for (const shape of [[6], [1, 2, 3]]) {
      const e = expectLrpError(() => initialRelevance(y, shape), 'E_SHAPE');
      expect(e.where).toBe('target');
      expect(e.message).toBe(`target: a class target needs a model output [N, C], got [${shape.join(', ')}]; give an explicit initial relevance`);
    }
  });
});

describe('explicit initial relevance', () => {
  const y = new Float64Array(6);

  it('is copied as float64 with no target', () => {
    const data = Float32Array.of(1, -2, 0.5, 0, 3, 4);
    const { R0, target } = initialRelevance(y, [2, 3], 'argmax', { data, shape: [2, 3] });
    expect(R0).toBeInstanceOf(Float64Array);
    expect([...R0]).toEqual([1, -2, 0.5, 0, 3, 4]);
    data[0] = 9;
    expect(R0[0]).toBe(1);
    expect(target).toBeNull();
  });

  it.each([
    [[3, 2], '[3, 2]'],
    [[2, 4], '[2, 4]'],
    [[2], '[2]'],
    [[2, 3, 1], '[2, 3, 1]'],
    [[6], '[6]'],
  ])('of shape %j against an output [2, 3] is E_SHAPE naming both shapes', (shape, shown) => {
    const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
    const e = expectLrpError(() => initialRelevance(y, [2, 3], 'argmax', { data, shape }), 'E_SHAPE');
    expect(e.where).toBe('initial relevance');
    expect(e.message).toBe(`initial relevance: initial relevance has shape ${shown}, the model output [2, 3]`);
  });

  it.each([
    [0, Number.NaN],
    [4, Number.POSITIVE_INFINITY],
    [5, Number.NEGATIVE_INFINITY],
  ])('with element %i = %s is E_INPUT naming the element', (at, v) => {
    const data = Float64Array.of(1, 2, 3, 4, 5, 6);
    data[at] = v;
    const e = expectLrpError(() => initialRelevance(y, [2, 3], 'argmax', { data, shape: [2, 3] }), 'E_INPUT');
    expect(e.where).toBe('initial relevance');
    expect(e.message).toBe(`initial relevance: element ${at} is ${v}`);
  });
});
