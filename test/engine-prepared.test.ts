/**
 * The prepared model: the ρ of each rule applied to one value, the parameter variants it uploads
 * (once each, `null` for a zero bias), the float32 range check naming the layer and the parameter,
 * and what `uploadAll` uploads.
 */
import { describe, expect, it } from 'vitest';
import { JsOps, type JsTensor } from '../src/backends/js/ops.js';
import { FLOAT32_MAX } from '../src/engine/numeric-check.js';
import type { Ops } from '../src/engine/ops.js';
import { type ParamMode, PreparedModel, modifyValue } from '../src/engine/prepared.js';
import type { Layer, Model } from '../src/model/layers.js';
import { expectLrpError } from './support/expect-error.js';

/** The js backend counting its parameter uploads, optionally claiming to compute in float32. */
function countingOps(precision: 'float64' | 'float32' = 'float64'): { ops: Ops<JsTensor>; params: () => number } {
  const base = new JsOps();
  let params = 0;
  const ops = Object.assign(base, {
    name: precision === 'float32' ? 'wasm' : 'js',
    precision,
    param(data: Float64Array, shape: readonly number[]): JsTensor {
      params++;
      return JsOps.prototype.param.call(base, data, shape);
    },
  }) as unknown as Ops<JsTensor>;
  return { ops, params: () => params };
}

const dense = (weights: number[], bias: number[]): Layer => ({
  kind: 'linear',
  inputs: weights.length / bias.length,
  outputs: bias.length,
  weights: Float64Array.from(weights),
  bias: Float64Array.from(bias),
});

describe('modifyValue: the ρ of the rules on one value', () => {
  it.each([
    ['id', [-2, 0, 3]],
    ['pos', [0, 0, 3]],
    ['neg', [-2, 0, 0]],
    ['square', [4, 0, 9]],
    ['ones', [1, 1, 1]],
    ['zero', [0, 0, 0]],
    [{ gamma: 0.5 }, [-2, 0, 4.5]],
    [{ gamma: 0 }, [-2, 0, 3]],
  ] as [ParamMode, number[]][])('%j maps -2, 0, 3 to %j', (mode, want) => {
    expect([-2, 0, 3].map((v) => modifyValue(mode, v))).toEqual(want);
  });
});

describe('PreparedModel', () => {
  const model: Model = { layers: [dense([1, -2, 3, -4], [0.5, -0.5]), { kind: 'relu' }, { kind: 'batchnorm', scale: Float64Array.of(2, -3), shift: Float64Array.of(-1, 1) }] };

  it('does not check values unless asked', () => {
    expect(new PreparedModel(new JsOps(), model).checkFinite).toBe(false);
    expect(new PreparedModel(new JsOps(), model, { checkFinite: true }).checkFinite).toBe(true);
  });

  it('uploadAll uploads the weights and biases of dense and BatchNorm nodes, once', () => {
    const { ops, params } = countingOps();
    const pm = new PreparedModel(ops, model);
    pm.uploadAll();
    expect(params()).toBe(4);
    pm.uploadAll();
    pm.weight(2, 'id');
    expect(params()).toBe(4);
  });

  it('uploads each rule variant once, with ρ applied, and no tensor for a zero bias', () => {
    const { ops, params } = countingOps();
    const pm = new PreparedModel(ops, model);
    expect([...(pm.weight(0, 'pos') as JsTensor).data]).toEqual([1, 0, 3, 0]);
    expect((pm.weight(0, 'pos') as JsTensor).shape).toEqual([2, 2]);
    expect([...(pm.weight(0, 'id') as JsTensor).data]).toEqual([1, -2, 3, -4]);
    expect([...(pm.weight(2, 'neg') as JsTensor).data]).toEqual([0, -3]);
    expect([...(pm.bias(0, 'neg') as JsTensor).data]).toEqual([0, -0.5]);
    expect([...(pm.bias(2, 'id') as JsTensor).data]).toEqual([-1, 1]);
    expect([...(pm.bias(2, { gamma: 1 }) as JsTensor).data]).toEqual([-1, 2]);
    expect(pm.bias(0, 'zero')).toBeNull();
    expect(params()).toBe(6);
    pm.weight(0, 'pos');
    pm.bias(2, { gamma: 1 });
    expect(params()).toBe(6);
  });

  it('on a float32 backend a weight of exactly ±FLOAT32_MAX uploads; beyond it, or NaN, is E_NUMERIC naming layer and parameter', () => {
    const { ops } = countingOps('float32');
    expect(() => new PreparedModel(ops, { layers: [dense([FLOAT32_MAX, -FLOAT32_MAX], [0])] }).uploadAll()).not.toThrow();
    const big = new PreparedModel(ops, { layers: [{ kind: 'relu' }, dense([1, 3.5e38], [0])] });
    const e = expectLrpError(() => big.uploadAll(), 'E_NUMERIC');
    expect(e.where).toBe('layer 1 (Linear)');
    expect(e.message).toBe('layer 1 (Linear): weight (id) element 1 is 3.5e+38, beyond the float32 range of the wasm backend (use the js backend, float64)');
    const nan = new PreparedModel(ops, { layers: [dense([1, 2], [Number.NaN])] });
    expect(expectLrpError(() => nan.uploadAll(), 'E_NUMERIC').message).toBe(
      'layer 0 (Linear): bias (id) element 0 is NaN, beyond the float32 range of the wasm backend (use the js backend, float64)',
    );
    // a variant can overflow where the weight does not: w² of 2e19
    const sq = new PreparedModel(ops, { layers: [dense([2e19, 1], [0])] });
    expect(expectLrpError(() => sq.weight(0, 'square'), 'E_NUMERIC').message).toMatch(/^layer 0 \(Linear\): weight \(square\) element 0 is 4e\+38/);
    const g = new PreparedModel(ops, { layers: [dense([1, 1], [3e38])] });
    expect(expectLrpError(() => g.bias(0, { gamma: 1 }), 'E_NUMERIC').message).toMatch(/^layer 0 \(Linear\): bias \(gamma:1\) element 0 is 6e\+38/);
  });

  it('a float64 backend takes any finite value', () => {
    const { ops } = countingOps();
    expect(() => new PreparedModel(ops, { layers: [dense([1e300, 1], [3.5e38])] }).uploadAll()).not.toThrow();
  });
});
