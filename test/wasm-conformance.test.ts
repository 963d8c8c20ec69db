import { it } from 'vitest';
import { WasmOps } from '../src/backends/wasm/ops.js';
import { createExplainer } from '../src/explainer.js';
import { caseModel, expectReferenceCase, referenceCases } from './support/reference-cases.js';
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
        expectReferenceCase(ex, c, 1e-4);
      } finally {
        ex.dispose();
      }
    });
  }
});
