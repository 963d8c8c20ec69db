import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where the shared toolbox fixtures are looked for, and why they are absent: `LRPJS_FIXTURES` alone
 * where it is set (so `LRPJS_FIXTURES=/nonexistent` simulates a fresh clone), else
 * `../shared/fixtures` relative to the project root.
 */
const located: { dir: string | undefined; missing: string | undefined } = (() => {
  const fromEnv = process.env.LRPJS_FIXTURES;
  const dir = fromEnv ? resolve(fromEnv) : join(root, '..', 'shared', 'fixtures');
  if (existsSync(join(dir, 'reference', 'manifest.json'))) return { dir, missing: undefined };
  const where = fromEnv ? `LRPJS_FIXTURES=${fromEnv}` : `${dir}`;
  return { dir: undefined, missing: `toolbox fixtures not found (${where} has no reference/manifest.json${fromEnv ? '' : '; set LRPJS_FIXTURES'})` };
})();

/**
 * Directory of the shared toolbox fixtures: `LRPJS_FIXTURES` where set, else `../shared/fixtures`
 * relative to the project root; `undefined` where it does not exist (suites then skip, see
 * `test/support/requirements.ts`).
 */
export const fixturesDir: string | undefined = located.dir;

/** Why the fixtures are absent (a notice for skipped suites), `undefined` where they are present. */
export const fixturesMissing: string | undefined = located.missing;

/** Path of a fixture file; only call inside suites guarded by {@link fixturesDir}. */
export function fixture(...parts: string[]): string {
  if (!fixturesDir) throw new Error('fixtures not available');
  return join(fixturesDir, ...parts);
}

/** Prints a visible notice once per suite when fixtures are missing (prefer `describeWith` of test/support/requirements.ts, which also counts). */
export function noteMissingFixtures(suite: string): void {
  if (fixturesMissing) console.warn(`[lrpjs] ${suite}: ${fixturesMissing}; suite skipped`);
}

/** Project root (for the CLI and built files). */
export const projectRoot = root;
