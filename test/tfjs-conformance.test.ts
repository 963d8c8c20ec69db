import { expect, it } from 'vitest';
import { caseModel, expectReferenceCase, referenceCases } from './support/reference-cases.js';
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
        expect(expectReferenceCase(ex, c, 1e-4).relevance.data).toBeInstanceOf(Float32Array);
      } finally {
        ex.dispose();
      }
    }, 60_000);
  }
});
