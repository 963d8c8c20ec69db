import { describe, expect, it } from 'vitest';
import { Explainer } from '../src/explainer.js';
import { PreparedModel } from '../src/engine/prepared.js';
import { dropSoftmax } from '../src/model/build.js';
import type { Model } from '../src/model/layers.js';
import { WasmOps } from '../src/backends/wasm/ops.js';
import { fixturesDir, noteMissingFixtures } from './fixtures.js';
import { caseModel, caseRuleOptions, caseTensor, referenceCases } from './support/reference-cases.js';
import { relError } from './support/random-model.js';

// The relevance engine on WasmOps directly (until the backend registry offers 'wasm'): every
// toolbox reference case within the float32 tolerance, on the SIMD and on the scalar build.

noteMissingFixtures('conformance (wasm backend)');

const builds = [
  ['simd', WasmOps.createSync({ simd: true })],
  ['scalar', WasmOps.createSync({ simd: false })],
] as const;

function explainer(ops: WasmOps, model: Model, keepSoftmax: boolean): Explainer {
  const m = keepSoftmax ? model : dropSoftmax(model);
  return new Explainer(m, new PreparedModel(ops, m) as PreparedModel<unknown>);
}

describe.skipIf(!fixturesDir)('toolbox reference cases on the wasm backend', () => {
  for (const [build, ops] of builds) {
    it.each(referenceCases.map((c) => [c.name, c] as const))(`${build}: %s with --init R0 within 1e-4`, (_, c) => {
      const ex = explainer(ops, caseModel(c), c.softmax === 'keep');
      try {
        const e = ex.explain(caseTensor(c, 'X'), { ...caseRuleOptions(c), initial: caseTensor(c, 'R0') });
        expect(relError(e.output.data, caseTensor(c, 'Y').data)).toBeLessThan(1e-4);
        expect(e.relevance.shape).toEqual(caseTensor(c, 'R').shape);
        expect(relError(e.relevance.data, caseTensor(c, 'R').data)).toBeLessThan(1e-4);
      } finally {
        ex.dispose();
      }
    });
  }
});
