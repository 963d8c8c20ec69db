// @ts-check
import base from './stryker.config.mjs';

/**
 * `src/backends/js` alone, with the focused suites of vitest.mutation-js.config.ts (a lower bound of
 * the score under every unit suite, at a fraction of the time):
 * `npx stryker run stryker.backends-js.config.mjs`. Its own incremental file, report and sandbox, so
 * it can run beside another mutation run (`node scripts/mutation-score.mjs reports/mutation-js/mutation.json`).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['src/backends/js/**/*.ts'],
  vitest: { configFile: 'vitest.mutation-js.config.ts' },
  incrementalFile: '.stryker/incremental-backends-js.json',
  jsonReporter: { fileName: 'reports/mutation-js/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation-js/mutation.html' },
  tempDirName: '.stryker-tmp-js',
};
