import { defineConfig } from 'vitest/config';
import base from './vitest.mutation.config.js';

/**
 * A focused vitest configuration for mutating `src/rules` and `src/model` (stryker.rules-model.config.mjs):
 * the rule, composite, formula and Zennit specs, the oracle of composites and formula codes, graph
 * validation and shapes, the model builders, canonization and the expected-input report, the
 * toolbox text reader that builds models, and the engine specs. A score measured with these is a
 * lower bound of the score under every unit suite.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/rules*.test.ts',
      'test/zennit-*.test.ts',
      'test/oracle-methods.test.ts',
      'test/graph-*.test.ts',
      'test/model-*.test.ts',
      'test/cli-input-shape.test.ts',
      'test/io-text-model.test.ts',
      'test/run-plan.test.ts',
      'test/engine-*.test.ts',
    ],
  },
});
