// @ts-check
import base from './stryker.config.mjs';

/**
 * `src/rules` and `src/model`, with the focused suites of vitest.mutation-rules-model.config.ts (a
 * lower bound of the score under every unit suite): `npx stryker run stryker.rules-model.config.mjs`.
 * Same incremental file as the full run.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['src/{rules,model}/**/*.ts'],
  vitest: { configFile: 'vitest.mutation-rules-model.config.ts' },
};
