import { describe, expect, it } from 'vitest';
import { estimateRunBytes } from '../src/engine/memory-plan.js';
import { planRun } from '../src/engine/run-plan.js';
import { nonNegativeInputs } from '../src/engine/sign-analysis.js';
import { createExplainer } from '../src/explainer.js';
import { dropSoftmax } from '../src/model/build.js';
import { firstWeightedNodes, isChain, nodeConsumers, nodeSources } from '../src/model/graph.js';
import type { Layer, Model } from '../src/model/layers.js';
import { inferShapes, parameterCount, windowGeometry } from '../src/model/shapes.js';
import { writeTextModel } from '../src/io/text-model.js';
import { composite } from '../src/rules/composite.js';
import { resolveFormula } from '../src/rules/formula.js';
import { expectLrpError } from './support/expect-error.js';
import { mixedGraph } from './support/graph-models.js';

const lin = (m: number, n: number, from?: number[]): Layer => ({ kind: 'linear', inputs: m, outputs: n, weights: new Float64Array(m * n), bias: new Float64Array(n), ...(from ? { from } : {}) });
const conv = (k: number, cin: number, cout: number, extra: Partial<Layer> = {}): Layer =>
  ({ kind: 'conv2d', filter: [k, k, cin, cout], stride: [1, 1], padding: 'valid', weights: new Float64Array(k * k * cin * cout), bias: new Float64Array(cout), ...extra }) as Layer;

describe('graph edges: validated, topological', () => {
  it('a chain has implicit edges to the previous node', () => {
    const m: Model = { layers: [lin(2, 3), { kind: 'relu' }, lin(3, 1)] };
    expect(nodeSources(m)).toEqual([[-1], [0], [1]]);
    expect(nodeConsumers(nodeSources(m))).toEqual([[0], [1], [2], []]);
    expect(isChain(m)).toBe(true);
    expect(isChain({ layers: [lin(2, 2), lin(2, 2, [-1])] })).toBe(false);
  });

  it.each([
    ['a dangling input', [lin(2, 2), { kind: 'add', from: [0, 5] }], /input 5 is not an earlier node/],
    ['a forward edge (cycle)', [lin(2, 2, [1]), lin(2, 2)], /input 1 is not an earlier node/],
    ['a self edge', [lin(2, 2), { kind: 'relu', from: [1] }], /input 1 is not an earlier node/],
    ['a fractional index', [{ kind: 'relu', from: [-0.5] }], /input -0.5/],
    ['an add of one input', [lin(2, 2), { kind: 'add', from: [0] }], /takes 2 to 1024 input\(s\), got 1/],
    ['a dense layer with two inputs', [lin(2, 2), lin(2, 2, [0, -1])], /takes 1 input\(s\), got 2/],
    ['from that is not a list', [{ kind: 'relu', from: 3 as unknown as number[] }], /'from' must be a list/],
  ] as [string, Layer[], RegExp][])('%s is E_FORMAT naming the node', (_, layers, re) => {
    const e = expectLrpError(() => nodeSources({ layers }), 'E_FORMAT', re);
    expect(e.where).toMatch(/^layer \d+ \(/);
  });

  it('an add may have up to 1024 inputs; a node read twice by one consumer is consumed once', () => {
    const many = (n: number): Model => ({ layers: [{ kind: 'add', from: Array.from({ length: n }, () => -1) }] });
    expect(nodeSources(many(1024))[0]!.length).toBe(1024);
    expectLrpError(() => nodeSources(many(1025)), 'E_FORMAT', /takes 2 to 1024 input\(s\), got 1025/);
    expect(nodeConsumers(nodeSources({ layers: [{ kind: 'relu' }, { kind: 'add', from: [0, 0] }] }))).toEqual([[0], [1], []]);
  });

  it('first weighted nodes: those fed from the input through no weighted node', () => {
    expect(firstWeightedNodes({ layers: [{ kind: 'relu' }, lin(2, 2), lin(2, 2)] })).toEqual([1]);
    // two branches on the input, and a dense layer fed by the input and a weighted branch (not first)
    const layers: Layer[] = [lin(2, 2), lin(2, 2, [-1]), { kind: 'add', from: [0, -1] }, lin(2, 2), { kind: 'concat', axis: -1, from: [1, 3] }];
    expect(firstWeightedNodes({ layers })).toEqual([0, 1]);
    expect(firstWeightedNodes(mixedGraph(1).model)).toEqual([1]);
  });
});

describe('graph shapes', () => {
  it('infers every node kind of the mixed graph', () => {
    const { model, inShape } = mixedGraph(1);
    expect(inferShapes(model, inShape)).toEqual([
      [7, 7, 2], [8, 8, 2], [8, 8, 3], [8, 8, 3], [8, 8, 3], [8, 8, 6], [8, 8, 6], [8, 8, 2], [8, 8, 8], [8, 8, 3], [8, 8, 3], [8, 8, 3], [8, 8, 3], [3], [3], [4],
    ]);
  });

  it('dilation widens the window: valid, same and explicit padding', () => {
    expect(windowGeometry([9, 9, 1], [3, 3], [1, 1], 'valid', 'w', [2, 3])).toMatchObject({ outH: 5, outW: 3, dH: 2, dW: 3, kH: 3 });
    expect(windowGeometry([9, 9, 1], [3, 3], [2, 2], 'same', 'w', [2, 2])).toMatchObject({ outH: 5, outW: 5, pad: [2, 2, 2, 2] });
    expect(windowGeometry([4, 4, 1], [2, 2], [1, 1], [1, 1, 0, 0], 'w', [3, 1])).toMatchObject({ outH: 3, outW: 3 });
    expectLrpError(() => windowGeometry([4, 4, 1], [3, 3], [1, 1], 'valid', 'w', [2, 2]), 'E_SHAPE', /window 5x5 is larger than the padded input 4x4/);
    expectLrpError(() => windowGeometry([4, 4, 1], [3, 3], [1, 1], 'valid', 'w', [0, 1]), 'E_SHAPE', /dilation height must be an integer from 1/);
    expectLrpError(() => windowGeometry([4, 4, 1], [1, 1], [1, 1], 'valid', 'w', [1, 1e9]), 'E_SHAPE', /dilation width/);
  });

  it.each([
    ['add of unequal shapes', [lin(2, 3), lin(2, 4, [-1]), { kind: 'add', from: [0, 1] }], [2], /adds inputs of equal shape, got \[3\] and \[4\]/],
    ['concat off its axis', [conv(1, 1, 2), conv(2, 1, 2, { from: [-1] }), { kind: 'concat', axis: -1, from: [0, 1] }], [3, 3, 1], /input 1 \[2, 2, 2\] does not fit \[3, 3, 2\]/],
    ['concat axis out of range', [lin(2, 2), { kind: 'concat', axis: 1, from: [0, -1] }], [2], /concat axis 1 is out of range for inputs of rank 1/],
    ['batchnorm channels', [{ kind: 'batchnorm', scale: new Float64Array(3), shift: new Float64Array(3) }], [4, 4, 2], /has 3 channels, got input \[4, 4, 2\]/],
    ['reshape size', [{ kind: 'reshape', shape: [5] }], [2, 2], /cannot reshape \[2, 2\] \(4 values\) to \[5\]/],
    ['global pool on a vector', [{ kind: 'globalavgpool' }], [4], /expects an input of shape \[H, W, C\]/],
    ['absurd pad', [{ kind: 'pad', padding: [0, 100, 0, 0] }], [4, 4, 1], /bottom padding 100 is absurd/],
    ['depthwise channels', [{ kind: 'depthwiseconv2d', filter: [1, 1, 3, 2], stride: [1, 1], padding: 'valid', weights: new Float64Array(6), bias: new Float64Array(6) }], [2, 2, 2], /expects 3 input channels/],
  ] as [string, Layer[], number[], RegExp][])('%s is E_SHAPE naming the node', (_, layers, inShape, re) => {
    const e = expectLrpError(() => inferShapes({ layers }, inShape), 'E_SHAPE', re);
    expect(e.where).toBe(`layer ${layers.length - 1} (${e.where!.slice(e.where!.indexOf('(') + 1, -1)})`);
  });
});

describe('graph plan: cost, parameters, memory', () => {
  it('counts multiply-adds and parameters of the new node kinds', () => {
    const { model, inShape } = mixedGraph(1);
    const plan = planRun(model, inShape, 2, 4);
    const macs = plan.layers.map((l) => l.macs);
    expect(macs).toEqual([
      8 * 8 * 2, // pad: one per output element
      8 * 8 * 3 * 2 * 2 * 2, // dilated conv 2x2x2→3
      8 * 8 * 3, 8 * 8 * 3, // batchnorm, relu
      8 * 8 * 6 * 9, // depthwise 3x3, M = 2
      8 * 8 * 6, // relu6
      8 * 8 * 2 * 3, // conv 1x1
      8 * 8 * 8, // concat
      8 * 8 * 3 * 9 * 8, // conv 3x3x8→3
      8 * 8 * 3, // clip
      8 * 8 * 3 * 2, // add of three inputs: two additions per element
      0, // identity
      8 * 8 * 3, // global pool
      0, // reshape
      12,
    ]);
    expect(plan.layers[10]!.inputs).toEqual([8, 3, 9]);
    expect(plan.layers.map((l) => l.params)).toEqual([0, 27, 6, 0, 60, 0, 8, 0, 219, 0, 0, 0, 0, 0, 16]);
    expect(parameterCount(model.layers[4]!)).toBe(54 + 6);
    // relevance gathered at nodes with several consumers may be alive at once: graphs plan more
    expect(plan.runBytes).toBe(estimateRunBytes(plan.shapes, 2, 4, true));
    expect(estimateRunBytes(plan.shapes, 2, 4, true)).toBeGreaterThan(estimateRunBytes(plan.shapes, 2, 4));
  });

  it('sign analysis follows the edges: relu/relu6 outputs, and sums/concats of non-negative inputs', () => {
    const { model } = mixedGraph(1);
    expect(nonNegativeInputs(model)).toEqual([false, false, false, false, true, false, true, false, false, true, false, false, false, false, false]);
    const pos: Layer[] = [{ kind: 'relu' }, { kind: 'clip', min: 0, max: 1, from: [-1] }, { kind: 'add', from: [0, 1] }, lin(1, 1), { kind: 'clip', min: -1, max: 1 }, lin(1, 1)];
    expect(nonNegativeInputs({ layers: pos })).toEqual([false, false, true, true, false, false]);
  });
});

describe('graph models and the toolbox text format', () => {
  it('a graph, a dilated convolution or a graph node kind has no text form (E_INPUT); a chain with explicit edges has', () => {
    expectLrpError(() => writeTextModel({ layers: [lin(2, 2), lin(2, 2, [-1])] }), 'E_INPUT', /layer 1 reads node\(s\) -1: a graph has no toolbox text form/);
    expectLrpError(() => writeTextModel({ layers: [conv(2, 1, 1, { dilation: [2, 1] })] }), 'E_INPUT', /dilated convolution \(2x1\)/);
    expectLrpError(() => writeTextModel({ layers: [{ kind: 'relu6' }] }), 'E_INPUT', /relu6 has no toolbox text form/);
    expect(writeTextModel({ layers: [lin(1, 1), { kind: 'relu', from: [0] }] })).toBe('Linear 1 1\n0\n0\nRect\n');
  });
});

describe('graph rules: composites, formulas, SoftMax', () => {
  it('maps depthwise like conv, global average pools like pools, leaves add and batchnorm to the default', () => {
    const { model } = mixedGraph(1);
    const rulesOf = composite('EpsilonPlusFlat').rulesFor(model).map((r) => r?.name ?? null);
    expect(rulesOf).toEqual([null, 'flat', null, null, 'zplus', null, 'zplus', null, 'zplus', null, null, null, 'simple', null, 'epsilon']);
    const f = resolveFormula(model, { code: 102, auxLayer: 4 }).rules.map((r) => r?.name ?? null);
    expect(f).toEqual([null, 'flat', null, null, 'flat', null, 'alphabeta', null, 'alphabeta', null, null, null, 'alphabeta', null, 'epsilon']);
  });

  it('drops a final SoftMax; on a graph that reads another node it becomes identity on it', async () => {
    const chain: Model = { layers: [lin(2, 2), { kind: 'softmax' }] };
    expect(dropSoftmax(chain).layers.length).toBe(1);
    const graph: Model = { layers: [lin(2, 2), lin(2, 2, [-1]), { kind: 'softmax', from: [0] }] };
    const d = dropSoftmax(graph);
    expect(d.layers.map((l) => l.kind)).toEqual(['linear', 'linear', 'identity']);
    expect(d.layers[2]!.from).toEqual([0]);
    const ex = await createExplainer(graph, { backend: 'js' });
    expect(ex.model.layers.at(-1)!.kind).toBe('identity');
  });
});
