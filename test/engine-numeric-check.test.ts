/**
 * The E_NUMERIC checks of the engine: where a NaN or ±Infinity is found, how the element is named
 * (flat index → element of sample), the float32 hint only on float32 backends, and the scans behind
 * them (first non-finite value, first value beyond the float32 range) at their boundaries.
 */
import { describe, expect, it } from 'vitest';
import { describeStep } from '../src/engine/backward.js';
import { FLOAT32_MAX, checkForwardFinite, checkRelevanceFinite, firstFloat32Overflow, firstNonFiniteValue } from '../src/engine/numeric-check.js';
import type { Ops } from '../src/engine/ops.js';
import { createExplainer } from '../src/explainer.js';
import { linearLayer, simpleLayer } from '../src/model/build.js';
import { expectLrpError } from './support/expect-error.js';

/** The two members of a backend the checks use, over host arrays. */
function hostOps(name: string, precision: 'float32' | 'float64'): Ops<Float64Array> {
  return { name, precision, read: (t: Float64Array) => t.slice(), firstNonFinite: firstNonFiniteValue } as unknown as Ops<Float64Array>;
}
const HINT = " (the wasm backend computes in float32; the js backend's float64 may hold these values)";

describe('E_NUMERIC messages', () => {
  it('a float64 backend: the layer, the value and the element of its sample, no float32 hint', () => {
    const t = Float64Array.of(1, 2, 3, 4, 5, Number.NaN);
    const e = expectLrpError(() => checkForwardFinite(hostOps('js', 'float64'), t, 'layer 3 (Linear)', 3), 'E_NUMERIC');
    expect(e.where).toBe('layer 3 (Linear)');
    expect(e.message).toBe('layer 3 (Linear): the forward pass produced NaN here, at element 2 of sample 1');
  });

  it('a float32 backend adds the hint that float64 may hold the values', () => {
    const t = Float64Array.of(1, Number.NEGATIVE_INFINITY, 0);
    const e = expectLrpError(() => checkForwardFinite(hostOps('wasm', 'float32'), t, 'layer 0 (Linear)', 2), 'E_NUMERIC');
    expect(e.message).toBe(`layer 0 (Linear): the forward pass produced -Infinity here, at element 1 of sample 0${HINT}`);
  });

  it('a relevance names the step (rule and method), lazily', () => {
    const t = Float64Array.of(0, 0, 0, 0, Number.POSITIVE_INFINITY);
    let asked = 0;
    const step = () => {
      asked++;
      return 'rule epsilon=0.01 (method lrp)';
    };
    checkRelevanceFinite(hostOps('js', 'float64'), Float64Array.of(0, 1), 'layer 1 (ReLU)', step, 2);
    expect(asked).toBe(0);
    const e = expectLrpError(() => checkRelevanceFinite(hostOps('js', 'float64'), t, 'layer 1 (ReLU)', step, 2), 'E_NUMERIC');
    expect(e.message).toBe('layer 1 (ReLU): the relevance became Infinity here under rule epsilon=0.01 (method lrp), at element 0 of sample 2');
    expect(asked).toBe(1);
    const f = expectLrpError(() => checkRelevanceFinite(hostOps('wasm', 'float32'), t, 'layer 1 (ReLU)', step, 5), 'E_NUMERIC');
    expect(f.message).toBe(`layer 1 (ReLU): the relevance became Infinity here under rule epsilon=0.01 (method lrp), at element 4 of sample 0${HINT}`);
  });

  it('an empty per-sample size names the flat element only', () => {
    const e = expectLrpError(() => checkForwardFinite(hostOps('js', 'float64'), Float64Array.of(0, 0, 0, 0, 0, Number.NaN), 'layer 2 (Flatten)', 0), 'E_NUMERIC');
    expect(e.message).toBe('layer 2 (Flatten): the forward pass produced NaN here, at element 5');
  });

  it('finite tensors pass', () => {
    expect(() => checkForwardFinite(hostOps('js', 'float64'), Float64Array.of(-1e308, 0, 1e308), 'layer 0 (Linear)', 3)).not.toThrow();
  });
});

describe('scans', () => {
  it.each([
    [[], -1],
    [[1, 2, 3], -1],
    [[-0, 0, -3e38], -1],
    [[Number.NaN], 0],
    [[1, Number.NaN, Number.POSITIVE_INFINITY], 1],
    [[1, 2, 3, Number.NEGATIVE_INFINITY], 3],
    [[0, Number.POSITIVE_INFINITY, Number.NaN], 1],
  ])('firstNonFiniteValue(%j) = %i', (values, want) => {
    expect(firstNonFiniteValue(Float64Array.from(values))).toBe(want);
    expect(firstNonFiniteValue(Float32Array.from(values))).toBe(want);
  });

  it.each([
    [[FLOAT32_MAX, -FLOAT32_MAX, 0], -1],
    [[Number.POSITIVE_INFINITY, Number.NaN, Number.NEGATIVE_INFINITY], -1],
    [[0, 3.5e38], 1],
    [[1, -1e39, 1e39], 1],
    [[1e300], 0],
  ])('firstFloat32Overflow(%j) = %i: finite in float64, beyond ±FLOAT32_MAX', (values, want) => {
    expect(firstFloat32Overflow(values)).toBe(want);
  });

  it('FLOAT32_MAX is the largest finite float32', () => {
    expect(Math.fround(FLOAT32_MAX)).toBe(FLOAT32_MAX);
    expect(Float32Array.of(FLOAT32_MAX * (1 + 2 ** -24))[0]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('E_NUMERIC in a walk names the rule of the layer', () => {
  // relu(x) · (1, −1): LRP-0 divides by 2⁻⁴⁰ there, and R0 = 1e300 overflows
  const cancelling = { layers: [linearLayer(2, 2, Float64Array.of(1, 0, 0, 1), Float64Array.of(0, 0)), simpleLayer('relu'), linearLayer(2, 1, Float64Array.of(1, -1), Float64Array.of(0))] };
  const x = { data: Float64Array.of(1, 1 + 2 ** -40), shape: [1, 2] };
  const initial = { data: Float64Array.of(1e300), shape: [1, 1] };

  it('a layer with no rule of its own gets the plan’s rule by name; a missing one is the layer’s default rule', async () => {
    const ex = await createExplainer(cancelling, { backend: 'js' });
    const e = expectLrpError(() => ex.explain(x, { initial }), 'E_NUMERIC');
    expect(e.where).toBe('layer 2 (Linear)');
    expect(e.message).toBe('layer 2 (Linear): the relevance became -Infinity here under rule simple (method lrp), at element 0 of sample 0');
    const plan = { method: 'lrp' as const, rules: [null, { name: 'epsilon' as const, epsilon: 0.5 }] };
    expect(describeStep({ kind: 'lrp', plan }, 0)).toBe("the layer's default rule (method lrp)");
    expect(describeStep({ kind: 'lrp', plan }, 1)).toBe('rule epsilon=0.5 (method lrp)');
    expect(describeStep({ kind: 'lrp', plan }, 7)).toBe("the layer's default rule (method lrp)");
    expect(describeStep({ kind: 'gradient', mode: 'deconvnet' }, 0)).toBe('method deconvnet');
  });
});
