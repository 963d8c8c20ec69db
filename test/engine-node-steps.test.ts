/**
 * Steps of node kinds the per-neuron oracle does not model, computed by hand: relu6 under the
 * gradient family (its deconvnet and guided-backprop maps), z^B at an add node (scalar and
 * per-element bounds) and the refusals of rules that cannot split an add node.
 */
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import type { Layer } from '../src/model/layers.js';
import { rules } from '../src/rules/rule.js';
import { expectLrpError } from './support/expect-error.js';

const js = { backend: 'js', canonize: false } as const;
const ones = (n: number) => ({ data: new Float64Array(n).fill(1), shape: [1, n] });

describe('relu6 under the gradient family', () => {
  // identity dense layer 4 → 4 (W = I, b = 0), relu6, then a dense layer with a negative column
  const eye = Float64Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 1 : 0));
  const out = Float64Array.of(1, -1, 2, 3, -2, 1, 1, 1); // [4, 2]: row j holds the weights of input j
  const layers: Layer[] = [
    { kind: 'linear', inputs: 4, outputs: 4, weights: eye, bias: new Float64Array(4) },
    { kind: 'relu6' },
    { kind: 'linear', inputs: 4, outputs: 2, weights: out, bias: new Float64Array(2) },
  ];
  // x: below 0, inside (0, 6), above 6, inside; G at the relu6 output for class 0 is column 0: 1, 2, -2, 1
  const x = { data: Float64Array.of(-1, 3, 7, 2), shape: [1, 4] };
  const initial = { data: Float64Array.of(1, 0), shape: [1, 2] };

  it.each([
    ['gradient', [0, 2, 0, 1]], // G·[0 < x < 6]
    ['deconvnet', [1, 2, 0, 1]], // max(G, 0) everywhere (the forward input is ignored)
    ['guided-backprop', [0, 2, 0, 1]], // max(G, 0)·[0 < x < 6]
  ] as const)('%s', async (method, want) => {
    const ex = await createExplainer({ layers }, js);
    expect([...ex.explain(x, { method, initial }).relevance.data]).toEqual(want);
  });

  it('deconvnet passes a positive signal where x is above 6, guided backprop does not', async () => {
    const ex = await createExplainer({ layers }, js);
    const up = { data: Float64Array.of(0, 1), shape: [1, 2] }; // class 1: G = -1, 3, 1, 1
    expect([...ex.explain(x, { method: 'deconvnet', initial: up }).relevance.data]).toEqual([0, 3, 1, 1]);
    expect([...ex.explain(x, { method: 'guided-backprop', initial: up }).relevance.data]).toEqual([0, 3, 0, 1]);
    expect([...ex.explain(x, { method: 'gradient', initial: up }).relevance.data]).toEqual([0, 3, 0, 1]);
  });
});

describe('z^B at an add node', () => {
  // node 0: relu of the input; node 1: add(input, node 0); node 2: flatten. Input [1, 3].
  const layers: Layer[] = [{ kind: 'relu' }, { kind: 'add', from: [-1, 0] }, { kind: 'flatten' }];
  const x = Float64Array.of(-1, 2, 0.5);
  const relu = x.map((v) => Math.max(v, 0));

  /** z^B of an add (weight 1 from each input): `R_k = (x_k − l)·R / Σ_k (x_k − l)` (w⁻ = 0: no h term). */
  function byHand(low: ArrayLike<number>): { atRelu: number[]; atInput: number[] } {
    const atRelu: number[] = [];
    const atInput: number[] = [];
    for (let j = 0; j < 3; j++) {
      const z = x[j] - low[j] + (relu[j] - low[j]);
      atRelu.push(((relu[j] - low[j]) * 1) / z);
      atInput.push(((x[j] - low[j]) * 1) / z + ((relu[j] - low[j]) * 1) / z);
    }
    return { atRelu, atInput };
  }

  it.each([
    ['scalar bounds', rules.zbox(-2, 5), [-2, -2, -2]],
    ['per-element bounds', rules.zbox(Float64Array.of(-3, -1, -0.5), Float64Array.of(1, 4, 2)), [-3, -1, -0.5]],
  ] as const)('%s', async (_, rule, low) => {
    const ex = await createExplainer({ layers }, js);
    const got = ex.explain({ data: x, shape: [1, 3] }, { layerRules: { 1: rule }, initial: ones(3), allLayers: true });
    const want = byHand(low);
    got.layers![1]!.data.forEach((v, j) => expect(v).toBeCloseTo(want.atRelu[j]!, 12));
    got.relevance.data.forEach((v, j) => expect(v).toBeCloseTo(want.atInput[j]!, 12));
  });

  it('the bounds take the shape of the add node, not of a neighbour of another size', async () => {
    // node 0: dense 3 → 5 (a neighbour of another size), node 1: relu, node 2: add(input, relu), node 3: concat
    const graph: Layer[] = [
      { kind: 'linear', inputs: 3, outputs: 5, weights: new Float64Array(15).fill(0.1), bias: new Float64Array(5), from: [-1] },
      { kind: 'relu', from: [-1] },
      { kind: 'add', from: [-1, 1] },
      { kind: 'concat', axis: -1, from: [0, 2] },
    ];
    const ex = await createExplainer({ layers: graph }, js);
    const got = ex.explain({ data: x, shape: [1, 3] }, { layerRules: { 2: rules.zbox(-2, 5) }, initial: ones(8), allLayers: true });
    const want = byHand([-2, -2, -2]);
    got.layers![2]!.data.forEach((v, j) => expect(v).toBeCloseTo(want.atRelu[j]!, 12));
  });

  it('per-element bounds of the wrong length are E_SHAPE naming the node', async () => {
    const ex = await createExplainer({ layers }, js);
    const rule = rules.zbox(Float64Array.of(0, 0), Float64Array.of(1, 1));
    const e = expectLrpError(() => ex.explain({ data: x, shape: [1, 3] }, { layerRules: { 1: rule }, initial: ones(3) }), 'E_SHAPE');
    expect(e.where).toBe('layer 1 (Add)');
    expect(e.message).toBe('layer 1 (Add): zbox bound has 2 values, the node input has 3');
  });

  it("rule 'pass' cannot split an add node (E_RULE naming it)", async () => {
    const ex = await createExplainer({ layers }, js);
    const e = expectLrpError(() => ex.explain({ data: x, shape: [1, 3] }, { layerRules: { 1: 'pass' }, initial: ones(3) }), 'E_RULE');
    expect(e.message).toBe("layer 1 (Add): rule 'pass' needs one input; an add node splits relevance by its inputs' shares");
  });
});
