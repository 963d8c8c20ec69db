import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import type { Layer, Model } from '../src/model/layers.js';
import { rules } from '../src/rules/rule.js';
import { expectLrpError } from './support/expect-error.js';
import { mixedGraph, referenceForward, residualGraph } from './support/graph-models.js';
import { gaussian, randomArray } from './support/random-model.js';

const js = { backend: 'js', canonize: false } as const;

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return m / (s || 1);
}

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);

describe('graph forward: every node kind against an independent per-node loop', () => {
  for (const pool of ['globalavgpool', 'globalmaxpool'] as const) {
    it(`mixed graph (pad, dilated conv, batchnorm, depthwise x2, relu6, concat, clip, 3-input add, identity, ${pool}, reshape)`, async () => {
      const { model, inShape } = mixedGraph(3, { pool });
      const x = randomArray(gaussian(9), 2 * 98);
      const ex = await createExplainer(model, js);
      const pass = ex.forward({ data: x, shape: [2, ...inShape] });
      for (let s = 0; s < 2; s++) {
        const ref = referenceForward(model, x.subarray(s * 98, (s + 1) * 98), inShape);
        expect(maxRel(pass.output.data.subarray(s * 4, s * 4 + 4), ref.at(-1)!.data)).toBeLessThan(1e-12);
      }
      pass.dispose();
    });
  }
});

describe('graph gradients: the true gradient (finite differences on float64)', () => {
  it('matches central differences through every node kind (tanh stem)', async () => {
    const { model, inShape } = mixedGraph(5, { activation: 'tanh' });
    const x = randomArray(gaussian(2), 98, 0.5);
    const ex = await createExplainer(model, js);
    const g = ex.explain({ data: x, shape: [1, ...inShape] }, { method: 'gradient', target: 1 }).relevance.data;
    const f = (v: Float64Array) => referenceForward(model, v, inShape).at(-1)!.data[1]!;
    const h = 1e-6;
    const fd = Float64Array.from(x, (_, i) => {
      const up = x.slice();
      const dn = x.slice();
      up[i]! += h;
      dn[i]! -= h;
      return (f(up) - f(dn)) / (2 * h);
    });
    // gradient of the logit times the R0 = y_target seed
    const y = f(x);
    expect(maxRel(Float64Array.from(g, (v) => v / y), fd)).toBeLessThan(1e-6);
  });

  it('relu6 and clip pass the gradient only strictly inside their range', async () => {
    const layers: Layer[] = [{ kind: 'relu6' }, { kind: 'clip', min: -1, max: 0.5, from: [-1] }, { kind: 'add', from: [0, 1] }];
    const ex = await createExplainer({ layers }, js);
    const x = Float64Array.from([-2, -0.5, 0.25, 3, 7]);
    const r = ex.explain({ data: x, shape: [1, 5] }, { method: 'gradient', initial: { data: new Float64Array(5).fill(1), shape: [1, 5] } });
    // relu6' = [0, 0, 1, 1, 0], clip' = [0, 1, 1, 0, 0]
    expect(Array.from(r.relevance.data)).toEqual([0, 1, 2, 1, 0]);
    const guided = ex.explain({ data: x, shape: [1, 5] }, { method: 'guided-backprop', initial: { data: Float64Array.from([1, 1, -1, 1, 1]), shape: [1, 5] } });
    expect(Array.from(guided.relevance.data)).toEqual([0, 1, -1, 1, 0]);
  });
});

describe('graph LRP: hand-computed splits', () => {
  const two: Layer[] = [
    { kind: 'linear', inputs: 2, outputs: 1, weights: Float64Array.from([1, 2]), bias: new Float64Array(1) },
    { kind: 'linear', inputs: 2, outputs: 1, weights: Float64Array.from([-1, 1]), bias: new Float64Array(1), from: [-1] },
    { kind: 'add', from: [0, 1] },
  ];
  const x = { data: Float64Array.from([1, 3]), shape: [1, 2] };
  const R = { data: Float64Array.from([1]), shape: [1, 1] };

  it('add splits R_k = a_k R / Σa (LRP-0) and under its own rule (ε, z+)', async () => {
    const ex = await createExplainer({ layers: two }, js);
    // a = [7, 2], Σ = 9: R_0 = 7/9 over x·w = [1, 6]/7, R_1 = 2/9 over [-1, 3]/2
    const r0 = ex.explain(x, { initial: R, relevanceAt: 0, allLayers: true });
    expect(r0.layers![1]!.data[0]).toBeCloseTo(7 / 9, 14);
    expect(r0.layers![2]!.data[0]).toBeCloseTo(2 / 9, 14);
    const lrp = ex.explain(x, { initial: R });
    expect(lrp.relevance.data[0]).toBeCloseTo((1 / 7) * (7 / 9) + (-1 / 2) * (2 / 9), 14);
    expect(lrp.relevance.data[1]).toBeCloseTo((6 / 7) * (7 / 9) + (3 / 2) * (2 / 9), 14);
    const eps = ex.explain(x, { initial: R, layerRules: { 2: rules.epsilon(1) }, allLayers: true });
    expect(eps.layers![1]!.data[0]).toBeCloseTo(7 / 10, 14);
    expect(eps.layers![2]!.data[0]).toBeCloseTo(2 / 10, 14);
    // z+ on the add node with a negative share: a = [7, -2] → all to the positive input
    const neg = await createExplainer({ layers: [two[0]!, { ...two[1]!, weights: Float64Array.from([1, -1]) } as Layer, two[2]!] }, js);
    const zp = neg.explain(x, { initial: R, layerRules: { 2: 'zplus' }, allLayers: true });
    expect(zp.layers![1]!.data[0]).toBeCloseTo(1, 14);
    expect(zp.layers![2]!.data[0]).toBe(0);
    expectLrpError(() => ex.explain(x, { initial: R, layerRules: { 2: 'pass' } }), 'E_RULE', /one input/);
    // flat and w² share equally; α2β1 sends α·R to the positive share and −β·R to the negative one
    for (const rule of ['flat', 'ww']) {
      const f = ex.explain(x, { initial: R, layerRules: { 2: rule }, allLayers: true });
      expect([f.layers![1]!.data[0], f.layers![2]!.data[0]], rule).toEqual([0.5, 0.5]);
    }
    const ab = neg.explain(x, { initial: R, layerRules: { 2: 'alphabeta=2,1' }, allLayers: true });
    expect([ab.layers![1]!.data[0], ab.layers![2]!.data[0]]).toEqual([2, -1]);
  });

  it('concat slices, pad crops, reshape reshapes, a shared input sums its consumers', async () => {
    const layers: Layer[] = [
      { kind: 'reshape', shape: [1, 2, 1] },
      { kind: 'pad', padding: [1, 0, 0, 1] },
      { kind: 'identity', from: [0] },
      { kind: 'pad', padding: [0, 1, 0, 1] },
      { kind: 'concat', axis: 2, from: [1, 3] },
      { kind: 'flatten' },
    ];
    const ex = await createExplainer({ layers }, js);
    const init = { data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), shape: [1, 12] };
    const r = ex.explain({ data: Float64Array.from([1, 1]), shape: [1, 2] }, { initial: init, allLayers: true });
    // concat output [2, 3, 2]: node 1 gives channel 0 (pad top 1, right 1), node 3 channel 1 (pad bottom 1, right 1)
    expect(Array.from(r.layers![2]!.data)).toEqual([1, 3, 5, 7, 9, 11]);
    expect(Array.from(r.layers![4]!.data)).toEqual([2, 4, 6, 8, 10, 12]);
    // crops: node 1 keeps row 1, cols 0..1 → [7, 9]; node 3 keeps row 0 → [2, 4]; summed at node 0
    expect(Array.from(r.relevance.data)).toEqual([7 + 2, 9 + 4]);
    expect(r.relevance.shape).toEqual([1, 2]);
  });

  it('concat along a non-channel axis (negative, from the end) slices that axis', async () => {
    const layers: Layer[] = [{ kind: 'reshape', shape: [1, 2, 1] }, { kind: 'identity', from: [-1] }, { kind: 'reshape', shape: [1, 2, 1] }, { kind: 'concat', axis: -3, from: [0, 2] }, { kind: 'flatten' }];
    const ex = await createExplainer({ layers }, js);
    const r = ex.explain({ data: Float64Array.from([5, 6]), shape: [1, 2] }, { initial: { data: Float64Array.from([1, 2, 3, 4]), shape: [1, 4] }, allLayers: true });
    expect(r.layers![4]!.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(r.layers![1]!.data)).toEqual([1, 2]);
    expect(Array.from(r.layers![3]!.data)).toEqual([3, 4]);
    expect(Array.from(r.relevance.data)).toEqual([4, 6]);
  });

  it('global pools act as their windowed counterparts; batchnorm as a diagonal linear layer', async () => {
    const x = { data: Float64Array.from([1, -2, 3, 4, 0, 8, 2, 2]), shape: [1, 2, 2, 2] };
    const avg = await createExplainer({ layers: [{ kind: 'globalavgpool' }] }, js);
    const ra = avg.explain(x, { initial: { data: Float64Array.from([1, 1]), shape: [1, 2] } }).relevance.data;
    expect(maxRel(ra, [1 / 6, -2 / 12, 3 / 6, 4 / 12, 0, 8 / 12, 2 / 6, 2 / 12])).toBeLessThan(1e-11);
    const max = await createExplainer({ layers: [{ kind: 'globalmaxpool' }] }, js);
    const rm = max.explain(x, { initial: { data: Float64Array.from([5, 7]), shape: [1, 2] } });
    expect(Array.from(rm.output.data)).toEqual([3, 8]);
    expect(Array.from(rm.relevance.data)).toEqual([0, 0, 5, 0, 0, 7, 0, 0]);
    const flat = max.explain(x, { initial: { data: Float64Array.from([4, 8]), shape: [1, 2] }, rule: 'flat' }).relevance.data;
    expect(Array.from(flat)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    const bn = await createExplainer({ layers: [{ kind: 'batchnorm', scale: Float64Array.from([2, -1]), shift: Float64Array.from([1, 0.5]) }] }, js);
    const xb = { data: Float64Array.from([1, 3]), shape: [1, 2] };
    const init = { data: Float64Array.from([1, 1]), shape: [1, 2] };
    expect(Array.from(bn.forward(xb).output.data)).toEqual([3, -2.5]);
    const re = bn.explain(xb, { initial: init, rule: rules.epsilon(0.5) }).relevance.data;
    expect(re[0]).toBeCloseTo(2 / 3.5, 14);
    expect(re[1]).toBeCloseTo(-3 / -3, 14);
    // z+: positive parts of x·scale and the shift: [2/(2+1), 0/(0+0.5)]
    const rz = bn.explain(xb, { initial: init, rule: 'zplus' }).relevance.data;
    expect(rz[0]).toBeCloseTo(2 / 3, 14);
    expect(rz[1]).toBe(0);
  });

  it('a node whose output reaches nothing passes nothing on; relevanceAt reads a node output', async () => {
    const layers: Layer[] = [
      { kind: 'linear', inputs: 2, outputs: 2, weights: Float64Array.from([1, 0, 0, 1]), bias: new Float64Array(2) },
      { kind: 'relu', from: [-1] },
      { kind: 'identity', from: [0] },
    ];
    const ex = await createExplainer({ layers }, js);
    const r = ex.explain({ data: Float64Array.from([2, 3]), shape: [1, 2] }, { initial: { data: Float64Array.from([1, 1]), shape: [1, 2] }, allLayers: true });
    expect(Array.from(r.relevance.data)).toEqual([1, 1]);
    expect(r.layers![2]!.shape).toEqual([0]);
  });
});

describe('graph LRP: properties', () => {
  it('LRP-0 equals gradient x input on bias-free ReLU graphs (residual, mixed with both global pools)', async () => {
    const cases: { model: Model; inShape: number[] }[] = [
      residualGraph(4, false),
      mixedGraph(6, { bias: false, shift: false, saturating: false }),
      mixedGraph(7, { bias: false, shift: false, saturating: false, pool: 'globalmaxpool' }),
    ];
    for (const { model, inShape } of cases) {
      const n = inShape.reduce((a, b) => a * b, 1);
      const x = { data: randomArray(gaussian(11), n), shape: [1, ...inShape] };
      const ex = await createExplainer(model, js);
      const lrp = ex.explain(x, { target: 0 });
      // the gradient starts from the initial relevance: a one-hot R0 gives the plain gradient
      const onehot = { data: lrp.initial.data.map((v) => (v !== 0 ? 1 : 0)), shape: lrp.initial.shape };
      const gxi = ex.explain(x, { initial: onehot, method: 'gradient-x-input' }).relevance.data;
      expect(maxRel(lrp.relevance.data, gxi)).toBeLessThan(1e-9);
      // ε on the add nodes breaks the identity: the test can tell
      const add = model.layers.findIndex((l) => l.kind === 'add');
      const eps = ex.explain(x, { target: 0, layerRules: { [add]: 'epsilon=1' } }).relevance.data;
      expect(maxRel(eps, gxi)).toBeGreaterThan(1e-6);
    }
  });

  it('conserves relevance through add, concat, pad, depthwise, batchnorm and pools (LRP-0, ε → 0 bias-free; z+ on a ReLU residual block)', async () => {
    const { model, inShape } = mixedGraph(8, { bias: false, shift: false });
    const x = { data: randomArray(gaussian(12), 98), shape: [1, ...inShape] };
    const ex = await createExplainer(model, js);
    for (const rule of ['simple', 'epsilon=1e-12']) {
      const r = ex.explain(x, { target: 2, rule });
      expect(sum(r.relevance.data), rule).toBeCloseTo(sum(r.initial.data), 9);
    }
    const res = residualGraph(3, false);
    const pos = { data: randomArray(gaussian(13), 108).map(Math.abs), shape: [1, ...res.inShape] };
    for (const rule of ['zplus', 'ww', 'flat']) {
      const rz = (await createExplainer(res.model, js)).explain(pos, { rule });
      expect(sum(rz.relevance.data), rule).toBeCloseTo(sum(rz.initial.data), 9);
    }
    // with a bias the relevance is not conserved: the test can tell
    const biased = (await createExplainer(mixedGraph(8).model, js)).explain(x, { target: 2 });
    expect(Math.abs(sum(biased.relevance.data) - sum(biased.initial.data))).toBeGreaterThan(1e-6);
  });

  it('composites: the first weighted nodes are those reached from the input through no other weighted node', async () => {
    const { model, inShape } = mixedGraph(2);
    const ex = await createExplainer(model, js);
    const x = { data: randomArray(gaussian(1), 98), shape: [1, ...inShape] };
    const a = ex.explain(x, { composite: 'EpsilonPlusFlat' }).relevance.data;
    const b = ex.explain(x, { composite: 'EpsilonPlus', layerRules: { 1: 'flat' } }).relevance.data;
    expect(maxRel(a, b)).toBe(0);
  });
});

describe('graph canonizer: BatchNorm folded into the layer before it', () => {
  it('keeps outputs, node indices and gradients; LRP sees one layer', async () => {
    const { model, inShape } = mixedGraph(4);
    const x = { data: randomArray(gaussian(5), 2 * 98), shape: [2, ...inShape] };
    const plain = await createExplainer(model, js);
    const folded = await createExplainer(model, { backend: 'js' });
    expect(folded.folded).toEqual([{ batchnorm: 2, into: 1 }]);
    expect(folded.model.layers[2]!.kind).toBe('identity');
    expect(folded.model.layers.length).toBe(model.layers.length);
    expect(model.layers[2]!.kind).toBe('batchnorm');
    expect(maxRel(folded.forward(x).output.data, plain.forward(x).output.data)).toBeLessThan(1e-13);
    const g1 = folded.explain(x, { method: 'gradient' }).relevance.data;
    const g2 = plain.explain(x, { method: 'gradient' }).relevance.data;
    expect(maxRel(g1, g2)).toBeLessThan(1e-12);
    // ε on the folded conv differs from ε on conv then batchnorm
    const e1 = folded.explain(x, { rule: rules.epsilon(0.1) }).relevance.data;
    const e2 = plain.explain(x, { rule: rules.epsilon(0.1) }).relevance.data;
    expect(maxRel(e1, e2)).toBeGreaterThan(1e-6);
  });

  it('does not fold when the layer before has another consumer or is not weighted', async () => {
    const bn: Layer = { kind: 'batchnorm', scale: Float64Array.from([2]), shift: Float64Array.from([1]) };
    const lin: Layer = { kind: 'linear', inputs: 1, outputs: 1, weights: Float64Array.from([3]), bias: Float64Array.from([0.5]) };
    const shared = await createExplainer({ layers: [lin, bn, { kind: 'add', from: [0, 1] }] }, { backend: 'js' });
    expect(shared.folded).toEqual([]);
    const first = await createExplainer({ layers: [bn, lin] }, { backend: 'js' });
    expect(first.folded).toEqual([]);
    const ok = await createExplainer({ layers: [lin, bn] }, { backend: 'js' });
    expect(ok.folded).toEqual([{ batchnorm: 1, into: 0 }]);
    const l0 = ok.model.layers[0] as { weights: Float64Array; bias: Float64Array };
    expect([l0.weights[0], l0.bias[0]]).toEqual([6, 2]);
  });
});

describe('graph canonizer: depthwise, explicit edges, channel mismatch', () => {
  it('folds into a depthwise convolution (output channel c·M + m) and keeps the BatchNorm edge', async () => {
    const r = gaussian(31);
    const layers: Layer[] = [
      { kind: 'relu' },
      { kind: 'depthwiseconv2d', filter: [2, 2, 3, 2], stride: [1, 1], padding: 'same', weights: randomArray(r, 24), bias: randomArray(r, 6), from: [-1] },
      { kind: 'batchnorm', scale: randomArray(r, 6), shift: randomArray(r, 6), from: [1] },
      { kind: 'add', from: [2, 2] },
    ];
    const x = { data: randomArray(gaussian(32), 2 * 4 * 4 * 3), shape: [2, 4, 4, 3] };
    const a = await createExplainer({ layers }, js);
    const b = await createExplainer({ layers }, { backend: 'js' });
    expect(b.folded).toEqual([{ batchnorm: 2, into: 1 }]);
    expect(b.model.layers[2]).toEqual({ kind: 'identity', from: [1] });
    expect(maxRel(b.forward(x).output.data, a.forward(x).output.data)).toBeLessThan(1e-13);
  });

  it('leaves a BatchNorm whose channels differ from the layer before (it would not be a per-channel fold)', async () => {
    const layers: Layer[] = [
      { kind: 'linear', inputs: 2, outputs: 3, weights: new Float64Array(6).fill(1), bias: new Float64Array(3) },
      { kind: 'reshape', shape: [3, 1] },
      { kind: 'batchnorm', scale: Float64Array.from([2]), shift: Float64Array.from([1]) },
    ];
    expect((await createExplainer({ layers }, { backend: 'js' })).folded).toEqual([]);
  });
});

describe('graph walk: relevanceAt, non-finite relevance', () => {
  it('relevanceAt k on a residual block is the relevance gathered at the output of node k - 1 from all its consumers', async () => {
    const { model, inShape } = residualGraph(5);
    const x = { data: randomArray(gaussian(33), 108), shape: [1, ...inShape] };
    const ex = await createExplainer(model, js);
    const all = ex.explain(x, { allLayers: true });
    for (const k of [1, 2, 4]) expect(ex.explain(x, { relevanceAt: k }).relevance.data).toEqual(all.layers![k]!.data);
    expect(all.relevance.data).toEqual(all.layers![0]!.data);
  });

  it('a relevance that overflows at an add node is E_NUMERIC naming the node and its rule', async () => {
    const layers: Layer[] = [{ kind: 'identity' }, { kind: 'batchnorm', scale: Float64Array.from([-1]), shift: new Float64Array(1), from: [-1] }, { kind: 'add', from: [0, 1] }];
    const ex = await createExplainer({ layers }, js);
    const e = expectLrpError(() => ex.explain({ data: Float64Array.from([1]), shape: [1, 1] }, { initial: { data: Float64Array.from([1e300]), shape: [1, 1] } }), 'E_NUMERIC', /relevance became -?Infinity here under rule simple \(method lrp\)/);
    expect(e.where).toBe('layer 2 (Add)');
  });
});

describe('graph engine: js = wasm', () => {
  for (const [name, build] of [
    ['mixed graph', () => mixedGraph(10)],
    ['mixed graph, global max', () => mixedGraph(13, { pool: 'globalmaxpool' })],
    ['residual block', () => residualGraph(3)],
  ] as const) {
    it(`${name}: forward, LRP rules and gradient methods within float32 tolerance`, async () => {
      const { model, inShape } = build();
      const n = inShape.reduce((a, b) => a * b, 1);
      const x = { data: randomArray(gaussian(21), 3 * n), shape: [3, ...inShape] };
      for (const canonize of [false, true]) {
        const a = await createExplainer(model, { backend: 'js', canonize });
        const b = await createExplainer(model, { backend: 'wasm', canonize });
        expect(maxRel(b.forward(x).output.data, a.forward(x).output.data)).toBeLessThan(1e-5);
        for (const o of [{}, { rule: 'epsilon=0.1' }, { rule: 'alphabeta=2' }, { rule: 'zplus' }, { rule: 'flat' }, { rule: 'ww' }, { composite: 'EpsilonPlusFlat' }, { method: 'gradient' }, { method: 'guided-backprop' }]) {
          const ra = a.explain(x, { ...o, target: 1 }).relevance.data;
          const rb = b.explain(x, { ...o, target: 1 }).relevance.data;
          expect(maxRel(rb, ra), JSON.stringify(o)).toBeLessThan(1e-4);
        }
      }
    });
  }
});

describe('graph engine: failures', () => {
  it('a non-finite activation names the node that produced it', async () => {
    const layers: Layer[] = [{ kind: 'batchnorm', scale: Float64Array.from([1e308]), shift: new Float64Array(1) }, { kind: 'add', from: [0, 0] }];
    const ex = await createExplainer({ layers }, { backend: 'js', canonize: false });
    expectLrpError(() => ex.forward({ data: Float64Array.from([1]), shape: [1, 1] }), 'E_NUMERIC', /forward pass produced Infinity/);
    try {
      ex.forward({ data: Float64Array.from([1]), shape: [1, 1] });
    } catch (e) {
      expect((e as { where?: string }).where).toBe('layer 1 (Add)');
    }
  });
});
