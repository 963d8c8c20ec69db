import { describe, expect, it } from 'vitest';
import type { Ops } from '../src/engine/ops.js';
import { createExplainer } from '../src/explainer.js';
import type { Layer } from '../src/model/layers.js';
import { mixedGraph, residualGraph } from './support/graph-models.js';
import { gaussian, randomArray } from './support/random-model.js';
import { strictOps } from './support/strict-ops.js';

describe('graph walk frees relevance it no longer needs, and only that', () => {
  const graphs: [string, { model: { layers: readonly Layer[] }; inShape: number[] }][] = [
    ['mixed graph', mixedGraph(14)],
    ['residual block', residualGraph(15)],
    ['an add reading one node twice', { model: { layers: [{ kind: 'relu' }, { kind: 'add', from: [0, 0] }, { kind: 'add', from: [1, -1, 0] }, { kind: 'flatten' }] }, inShape: [2, 3, 1] }],
  ];
  for (const [name, { model, inShape }] of graphs) {
    it(`${name}: every method and rule runs without touching a freed tensor, and frees some`, async () => {
      const { ops, disposed } = strictOps();
      const ex = await createExplainer(model, { backend: ops as Ops<unknown>, canonize: false });
      const n = inShape.reduce((a, b) => a * b, 1);
      const x = { data: randomArray(gaussian(16), 2 * n), shape: [2, ...inShape] };
      const last = model.layers.length;
      for (const o of [{}, { rule: 'alphabeta=2' }, { rule: 'flat' }, { method: 'gradient' }, { method: 'guided-backprop' }, { method: 'gradient-x-input' }, { relevanceAt: 2 }]) {
        const init = ex.forward(x).output;
        ex.explain(x, { ...o, initial: { data: init.data.map(() => 1), shape: init.shape } });
      }
      // the same walk with every layer kept frees nothing it returns
      const all = ex.explain(x, { allLayers: true, initial: { data: ex.forward(x).output.data.map(() => 1), shape: ex.forward(x).output.shape } });
      expect(all.layers!.length).toBe(last + 1);
      expect(disposed()).toBeGreaterThan(0);
    });
  }
});
