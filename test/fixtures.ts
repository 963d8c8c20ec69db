import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Directory of the shared toolbox fixtures: `LRPJS_FIXTURES`, else `../shared/fixtures` relative to
 * the project root; `undefined` where neither exists (suites then skip with a visible notice).
 */
export const fixturesDir: string | undefined = (() => {
  const candidates = [process.env.LRPJS_FIXTURES, join(root, '..', 'shared', 'fixtures')];
  for (const c of candidates) if (c && existsSync(join(c, 'reference', 'manifest.json'))) return resolve(c);
  return undefined;
})();

/** Path of a fixture file; only call inside suites guarded by {@link fixturesDir}. */
export function fixture(...parts: string[]): string {
  if (!fixturesDir) throw new Error('fixtures not available');
  return join(fixturesDir, ...parts);
}

/** Prints a visible notice once per suite when fixtures are missing. */
export function noteMissingFixtures(suite: string): void {
  if (!fixturesDir) {
    console.warn(`[lrpjs] ${suite}: toolbox fixtures not found (set LRPJS_FIXTURES or provide ../shared/fixtures); suite skipped`);
  }
}

/** Project root (for the CLI and built files). */
export const projectRoot = root;
