import { defineConfig } from 'vitest/config';
import base from './vitest.mutation.config.js';

/**
 * A focused vitest configuration for mutating `src/engine` alone (stryker.engine.config.mjs): the
 * suites written against the engine's behaviour — its own specs (test/engine-*), the per-neuron
 * oracle, the toolbox and Zennit fixtures, graphs, rules and composites, the properties, budgets
 * and numeric checks, training gradients. Left out: the CLI, I/O, tfjs and wasm-vs-js suites, which
 * reach the engine only through the same paths (wasm runs the same engine code, so a parity check
 * cannot see an engine mutant) and make each surviving mutant rerun hundreds of slower tests. A
 * score measured with these is a lower bound of the score under every unit suite.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/engine-*.test.ts',
      'test/oracle-*.test.ts',
      'test/graph-*.test.ts',
      'test/conformance-js.test.ts',
      'test/rules*.test.ts',
      'test/zennit-*.test.ts',
      'test/z-reuse.test.ts',
      'test/numeric.test.ts',
      'test/run-plan.test.ts',
      'test/memory-budget.test.ts',
      'test/properties.test.ts',
      'test/train-ops.test.ts',
    ],
  },
});
