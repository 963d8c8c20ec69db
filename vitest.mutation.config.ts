import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration StrykerJS runs (`npm run test:mutation`, see stryker.config.mjs): the
 * in-process unit suites that import `src/` directly. Suites that spawn processes or run the built
 * `dist/` (CLI, demo, browser, Deno, wasm build check) are left out: they cannot kill a mutant of
 * `src/` and would only slow every mutant down. So are the two long end-to-end runs (training to
 * 85 % accuracy, classifying 1,000 toolbox digits): under Stryker's instrumentation they take
 * minutes, and the unit suites of the same code (train-ops, conformance) cover what they cover.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/browser.test.ts',
      'test/deno.test.ts',
      'test/cli.test.ts',
      'test/demo.test.ts',
      'test/render-cli.test.ts',
      'test/wasm-build.test.ts',
      'test/render-*.test.ts',
      'test/train.test.ts',
      'test/toolbox-lenet.test.ts',
      'node_modules/**',
    ],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
