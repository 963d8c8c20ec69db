import { expect, it } from 'vitest';
import { WasmOps } from '../src/backends/wasm/ops.js';
import { createExplainer } from '../src/explainer.js';
import { caseModel, caseRuleOptions, caseTensor, referenceCases } from './support/reference-cases.js';
import { relError } from './support/random-model.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';

// Every toolbox reference case within the float32 tolerance, on the SIMD and on the scalar build.

const builds = [
  ['simd', WasmOps.createSync({ simd: true })],
  ['scalar', WasmOps.createSync({ simd: false })],
] as const;

describeWith(toolboxFixtures, 'toolbox reference cases on the wasm backend', () => {
  for (const [build, ops] of builds) {
    it.each(referenceCases.map((c) => [c.name, c] as const))(`${build}: %s within 1e-4 (with R0, and from its target)`, async (_, c) => {
      const ex = await createExplainer(caseModel(c), { backend: ops, keepSoftmax: c.softmax === 'keep' });
      try {
        const X = caseTensor(c, 'X');
        const R = caseTensor(c, 'R');
        const pass = ex.forward(X);
        expect(relError(pass.output.data, caseTensor(c, 'Y').data)).toBeLessThan(1e-4);
        const withInit = pass.explain({ ...caseRuleOptions(c), initial: caseTensor(c, 'R0') });
        expect(withInit.relevance.shape).toEqual(R.shape);
        expect(relError(withInit.relevance.data, R.data)).toBeLessThan(1e-4);
        const target = c.target === 'argmax' ? 'argmax' : Array.from(caseTensor(c, 'target').data);
        const fromTarget = pass.explain({ ...caseRuleOptions(c), target });
        expect(Array.from(fromTarget.target!)).toEqual(Array.from(caseTensor(c, 'target').data));
        expect(relError(fromTarget.relevance.data, R.data)).toBeLessThan(1e-4);
        pass.dispose();
      } finally {
        ex.dispose();
      }
    });
  }
});
