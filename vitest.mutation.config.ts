import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration StrykerJS runs (`npm run test:mutation`, see stryker.config.mjs): the
 * in-process unit suites that import `src/` directly. Suites that spawn processes or run the built
 * `dist/` (CLI, demo, browser, Deno, wasm build check) are left out: they cannot kill a mutant of
 * `src/` and would only slow every mutant down. So are the two long end-to-end runs (training to
 * 85 % accuracy, classifying 1,000 toolbox digits): under Stryker's instrumentation they take
 * minutes, and the unit suites of the same code (train-ops, conformance) cover what they cover.
 * The demo page suites (web-*: its own code, Chromium, a build) and the relaxed-SIMD wasm build are left
 * out as well. The two fuzz suites are left out too: each of their tests parses thousands of files, which under
 * instrumentation exceeds their own 20 s limits; they guard robustness, the targeted suites kill
 * mutants.
 */

/**
 * Stryker runs the tests in a sandbox copy (.stryker-tmp/sandbox-*) whose `node_modules` links back
 * to the project, so `../shared/fixtures` is found next to the real project root, not the sandbox.
 */
function fixturesDir(): string | undefined {
  if (process.env.LRPJS_FIXTURES) return process.env.LRPJS_FIXTURES;
  const modules = join(process.cwd(), 'node_modules');
  if (!existsSync(modules)) return undefined;
  const candidate = join(dirname(dirname(realpathSync(modules))), 'shared', 'fixtures');
  return existsSync(candidate) ? candidate : undefined;
}

const fixtures = fixturesDir();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/browser.test.ts',
      'test/deno.test.ts',
      'test/cli.test.ts',
      'test/demo.test.ts',
      'test/render-*.test.ts',
      'test/wasm-build.test.ts',
      'test/train.test.ts',
      'test/toolbox-lenet.test.ts',
      'test/io-fuzz.test.ts',
      'test/io-model-fuzz.test.ts',
      'test/package-*.test.ts', // pack and install the tarball, run other runtimes: they test dist/, not src/
      'test/web-*.test.ts', // the demo page: its own code (web/), a Chromium run and a build
      'test/wasm-relaxed.test.ts', // the relaxed-SIMD wasm build; wasm-parity and the conformance suites cover the engine
      'node_modules/**',
    ],
    env: fixtures ? { LRPJS_FIXTURES: fixtures } : {},
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
