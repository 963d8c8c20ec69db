import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // the default output, then a summary of the tests skipped for absent fixtures, Chromium, Deno or dist/
    reporters: ['default', './test/support/skip-summary-reporter.ts'],
  },
});
