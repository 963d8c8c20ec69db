import { defineConfig } from 'vitest/config';
import base from './vitest.mutation.config.js';

/**
 * A focused vitest configuration for mutating `src/backends/js` alone (stryker.backends-js.config.mjs):
 * the suites that check the js kernels directly or against an independent reference — the kernel
 * spec, the per-neuron oracle, the toolbox fixtures, the wasm kernels compared with js, the graph
 * engine and the training gradients. Nearly every suite runs the js kernels, so under the full
 * unit configuration each surviving mutant reruns hundreds of tests; a score measured with these
 * is a lower bound of the full one.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/backend-js-ops.test.ts',
      'test/oracle-*.test.ts',
      'test/conformance-js.test.ts',
      'test/wasm-kernels.test.ts',
      'test/wasm-graph-kernels.test.ts',
      'test/graph-engine.test.ts',
      'test/train-ops.test.ts',
    ],
  },
});
