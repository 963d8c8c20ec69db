// @ts-check
import base from './stryker.config.mjs';

/**
 * `src/engine` alone, with the focused suites of vitest.mutation-engine.config.ts (a lower bound of
 * the score under every unit suite, in a fraction of the time on a loaded machine):
 * `npx stryker run stryker.engine.config.mjs`. Same incremental file as the full run.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['src/engine/**/*.ts'],
  vitest: { configFile: 'vitest.mutation-engine.config.ts' },
};
