// @ts-check
import base from './stryker.config.mjs';

/**
 * `src/backends/js` alone, with the focused suites of vitest.mutation-js.config.ts (a lower bound of
 * the score under every unit suite, at a fraction of the time):
 * `npx stryker run stryker.backends-js.config.mjs`. Same incremental file as the full run.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['src/backends/js/**/*.ts'],
  vitest: { configFile: 'vitest.mutation-js.config.ts' },
};
