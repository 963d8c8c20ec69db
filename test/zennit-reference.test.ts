import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import { ZENNIT_DIR, caseOptions, fixture, transposeImage, zennitCase, zennitModels, zennitVersions } from './support/zennit-fixtures.js';

// compat: 'zennit' against Zennit 1.0's own numbers (scripts/zennit-reference.py, float64 PyTorch):
// every rule, composite and integrated gradients on an MLP, a CNN with sum/avg/max pools and the
// done-when CNN (residual addition, depthwise convolution, ReLU6, concatenation, global average and
// max pooling), rebuilt in lrpjs from the same weights. js (float64) ≤ 1e-6, wasm (float32) ≤ 1e-3,
// error = max|R − R_zennit| / max|R_zennit| per explanation.

const TOLERANCE = { js: 1e-6, wasm: 1e-3 } as const;

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const models = ['mlp', 'pools', 'dwcnn', 'bncnn'] as const;

describe('compat zennit reproduces Zennit 1.0', () => {
  it('the fixtures record their versions', () => {
    expect(zennitVersions.zennit_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(zennitVersions.cases.length).toBe(15);
  });

  for (const model of models) {
    it(`${model}: the forward pass is PyTorch's`, async () => {
      const x = fixture(`${model}.input`);
      const image = x.shape.length === 4;
      const [n, c, h, w] = x.shape as [number, number, number, number];
      const ex = await createExplainer(zennitModels[model](), { backend: 'js' });
      const y = ex.forward(image ? { data: transposeImage(x.data, x.shape), shape: [n, h, w, c] } : x);
      expect(maxRelError(y.output.data, fixture(`${model}.output`).data)).toBeLessThan(1e-12);
      y.dispose();
      ex.dispose();
    });

    for (const backend of ['js', 'wasm'] as const) {
      it(`${model} on ${backend}: every rule, composite and integrated gradients ≤ ${TOLERANCE[backend]}`, async () => {
        const errors: Record<string, number> = {};
        for (const name of zennitVersions.cases) {
          errors[name] = maxRelError(await zennitCase(model, name, backend), fixture(`${model}.${name}`).data);
        }
        const worst = Object.entries(errors).filter(([, e]) => !(e <= TOLERANCE[backend]));
        expect(worst, JSON.stringify(errors)).toEqual([]);
      });
    }
  }

  // BatchNorm: folded into the convolution before it (lrpjs's canonize, on by default) as Zennit's
  // SequentialMergeBatchNorm does (the `bncnn.<case>` files, checked above), or kept as a node that
  // passes relevance on, as Zennit's layer map does without a canonizer (`bncnn.<case>.plain`).
  for (const backend of ['js', 'wasm'] as const) {
    it(`bncnn without canonizing on ${backend}: BatchNorm passes relevance (Zennit's Pass) ≤ ${TOLERANCE[backend]}`, async () => {
      const errors: Record<string, number> = {};
      for (const name of zennitVersions.cases.filter((c) => !c.startsWith('method-'))) {
        errors[name] = maxRelError(await zennitCase('bncnn', name, backend, false), fixture(`bncnn.${name}.plain`).data);
      }
      expect(Object.entries(errors).filter(([, e]) => !(e <= TOLERANCE[backend])), JSON.stringify(errors)).toEqual([]);
    });
  }

  // The done-when check: the same CNN as PyTorch exported it (torch.onnx.export, opset 13, dynamic
  // batch), loaded by lrpjs's ONNX importer, explained on NCHW inputs as they are. bncnn.onnx: the
  // export folds each BatchNorm into its convolution in float32 (Zennit merges in float64), so its
  // logits carry float32 rounding (1e-6 instead of 1e-12).
  for (const [model, forwardTol] of [['dwcnn', 1e-12], ['bncnn', 1e-6]] as const) {
    for (const backend of ['js', 'wasm'] as const) {
      it(`${model}.onnx (torch.onnx.export) on ${backend}: Zennit's numbers for every case ≤ ${TOLERANCE[backend]}`, async () => {
        const onnx = await loadModel(`${ZENNIT_DIR}${model}.onnx`);
        if (model === 'dwcnn') {
          expect(onnx.layers.some((l) => l.kind === 'depthwiseconv2d')).toBe(true);
          expect(onnx.layers.some((l) => l.kind === 'add')).toBe(true);
        }
        const ex = await createExplainer(onnx, { backend });
        const x = fixture(`${model}.input`);
        const errors: Record<string, number> = {};
        try {
          const y = ex.forward(x);
          // The ONNX weights are the float32 values of the float64 reference: the same logits.
          expect(maxRelError(y.output.data, fixture(`${model}.output`).data)).toBeLessThan(backend === 'js' ? forwardTol : 1e-5);
          y.dispose();
          for (const name of zennitVersions.cases) {
            const out = ex.explain(x, { ...caseOptions(name), initial: fixture(`${model}.r0`) });
            expect(out.relevance.shape).toEqual(x.shape);
            errors[name] = maxRelError(out.relevance.data, fixture(`${model}.${name}`).data);
          }
        } finally {
          ex.dispose();
        }
        expect(Object.entries(errors).filter(([, e]) => !(e <= TOLERANCE[backend])), JSON.stringify(errors)).toEqual([]);
      });
    }
  }

  it('without compat the same cases give the toolbox numbers, measurably apart', async () => {
    // EpsilonGammaBox on the MLP: Zennit has no convolution for z^B (ε first), the toolbox map puts z^B on the first dense layer.
    const x = fixture('mlp.input');
    const ex = await createExplainer(zennitModels.mlp(), { backend: 'js' });
    const { compat: _, ...toolbox } = caseOptions('composite-EpsilonGammaBox');
    const r = ex.explain(x, { ...toolbox, initial: fixture('mlp.r0') });
    expect(maxRelError(r.relevance.data, fixture('mlp.composite-EpsilonGammaBox').data)).toBeGreaterThan(1e-2);
    ex.dispose();
  });
});
