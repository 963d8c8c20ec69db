// @ts-check
/**
 * Mutation testing (`npm run test:mutation`, StrykerJS + the vitest runner). Not part of `npm test`.
 * Incremental: results are kept in `.stryker/incremental.json` (committed), so a rerun only tests
 * the mutants in changed code or covered by changed tests. The per-folder score is checked by
 * `scripts/mutation-score.mjs` against the JSON report.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/engine/**/*.ts',
    'src/rules/**/*.ts',
    'src/backends/js/**/*.ts',
    'src/io/pickle*.ts',
    'src/io/npy.ts',
    'src/model/**/*.ts',
  ],
  disableTypeChecks: '{src,test}/**/*.ts',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  incremental: true,
  incrementalFile: '.stryker/incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  timeoutMS: 10_000,
  // The initial run of every unit suite with per-test coverage: minutes on a loaded 2-core machine.
  dryRunTimeoutMinutes: 30,
  thresholds: { high: 90, low: 85, break: null },
};
