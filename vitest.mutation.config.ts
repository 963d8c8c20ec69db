import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration StrykerJS runs (`npm run test:mutation`, see stryker.config.mjs): the
 * in-process unit suites that import `src/` directly. Suites that spawn processes or run the built
 * `dist/` (CLI, demo, browser, Deno, wasm build check) are left out: they cannot kill a mutant of
 * `src/` and would only slow every mutant down.
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
      'node_modules/**',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
