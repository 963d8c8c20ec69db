import { expect, it } from 'vitest';
import { caseModel, caseRuleOptions, caseTensor, referenceCases } from './support/reference-cases.js';
import { relError } from './support/random-model.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';
import { onTfjs, tfjsNodeBackends } from './support/tfjs-node-backends.js';

// Every toolbox reference case within the float32 tolerance on lrpjs's tfjs backend, over tfjs's
// cpu and wasm backends (the browser suite runs the same cases on webgl and webgpu).

describeWith(toolboxFixtures, 'toolbox reference cases on the tfjs backend (Node)', () => {
  for (const device of tfjsNodeBackends) {
    it.each(referenceCases.map((c) => [c.name, c] as const))(`tfjs-${device}: %s within 1e-4 (with R0, and from its target)`, async (_, c) => {
      const ex = await onTfjs(device, caseModel(c), { keepSoftmax: c.softmax === 'keep' });
      try {
        expect(ex.backendInfo).toMatchObject({ backend: 'tfjs', device });
        const X = caseTensor(c, 'X');
        const R = caseTensor(c, 'R');
        const pass = ex.forward(X);
        expect(relError(pass.output.data, caseTensor(c, 'Y').data)).toBeLessThan(1e-4);
        const withInit = pass.explain({ ...caseRuleOptions(c), initial: caseTensor(c, 'R0') });
        expect(withInit.relevance.data).toBeInstanceOf(Float32Array);
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
    }, 60_000);
  }
});
