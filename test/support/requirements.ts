import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, TestRunner } from 'vitest';
import { fixturesMissing, projectRoot } from '../fixtures.js';

// Suites that need something outside the repository (the toolbox fixtures, Chromium, Deno, the
// built dist/) run where it is present; where it is absent they register one skipped test per case
// and print one notice with the count and the reason, so `npm test` never passes by running nothing.

/** Something a suite needs that a checkout may lack. */
export interface Requirement {
  /** Short name shown in notices: `fixtures`, `chromium`, `deno`, `dist`, ... */
  readonly tag: string;
  /** Why it is absent; `undefined` where it is present. */
  readonly missing: string | undefined;
}

/** A requirement whose absence is decided by `check` (run once, on first use). */
export function lazy(tag: string, check: () => string | undefined): Requirement {
  let done = false;
  let missing: string | undefined;
  return {
    tag,
    get missing() {
      if (!done) [missing, done] = [check(), true];
      return missing;
    },
  };
}

/** A requirement that is present when `present` holds, else absent for `reason`. */
export function requirement(tag: string, present: boolean, reason: string): Requirement {
  return { tag, missing: present ? undefined : reason };
}

/** The shared toolbox fixtures (`LRPJS_FIXTURES`, else `../shared/fixtures`). */
export const toolboxFixtures: Requirement = { tag: 'fixtures', missing: fixturesMissing };

/** A file of the built package under `dist/`. */
export function built(file: string): Requirement {
  return lazy('dist', () => (existsSync(join(projectRoot, 'dist', file)) ? undefined : `dist/${file} missing (run npm run build)`));
}

/** Path of the Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath: string = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium (`CHROMIUM_PATH=/nonexistent` simulates its absence). */
export const chromium: Requirement = lazy('chromium', () =>
  existsSync(chromiumPath) ? undefined : `${chromiumPath} not found (set CHROMIUM_PATH; .ci/run installs Debian's chromium)`,
);

/** Deno: `DENO_PATH` alone where set (`DENO_PATH=/nonexistent` simulates its absence), else the npm package's binary, else `deno` on PATH. */
export const denoPath: string | undefined = (() => {
  const candidates = process.env.DENO_PATH ? [process.env.DENO_PATH] : [join(projectRoot, 'node_modules', '.bin', 'deno'), 'deno'];
  return candidates.find((d) => (d.includes('/') ? existsSync(d) : spawnSync(d, ['--version']).status === 0));
})();

/** The Deno runtime. */
export const deno: Requirement = requirement('deno', denoPath !== undefined, `no deno binary (${process.env.DENO_PATH ? `DENO_PATH=${process.env.DENO_PATH}` : 'npm ci installs the deno package'})`);

/** The reasons of the absent requirements among `needs`, or `undefined` where all are present. */
function absence(needs: Requirement | readonly Requirement[]): string | undefined {
  const absent = [needs].flat().filter((r) => r.missing !== undefined);
  return absent.length ? absent.map((r) => `[${r.tag}] ${r.missing}`).join('; ') : undefined;
}

/** Number of tests registered so far in the suite being collected (nested describe blocks are not allowed here). */
function testsCollected(title: string): number {
  let n = 0;
  for (const t of TestRunner.getCurrentSuite().tasks) {
    if (t.type !== 'test') throw new Error(`describeWith('${title}'): put its tests directly in the block, not in nested describe blocks`);
    n++;
  }
  return n;
}

/**
 * `describe(title, body)` where every requirement in `needs` is present; otherwise the same tests
 * are registered as skipped (one per case, under their own names) and one notice says how many were
 * skipped and why. Either way a block that registers no test at all (an empty `it.each`) fails.
 */
export function describeWith(needs: Requirement | readonly Requirement[], title: string, body: () => void): void {
  const why = absence(needs);
  const collect = (): number => {
    body();
    const n = testsCollected(title);
    if (n === 0) throw new Error(`'${title}' registers no tests: its case list is empty`);
    return n;
  };
  if (why === undefined) {
    describe(title, () => void collect());
    return;
  }
  describe.skip(title, () => {
    const n = collect();
    console.warn(`[lrpjs] ${n} test${n === 1 ? '' : 's'} skipped in '${title}': ${why}`);
  });
}

/** `it(title, fn)` where every requirement in `needs` is present; otherwise one skipped test and a notice saying why. */
export function itWith(needs: Requirement | readonly Requirement[], title: string, fn: () => unknown, timeout?: number): void {
  const why = absence(needs);
  if (why === undefined) {
    it(title, fn, timeout);
    return;
  }
  console.warn(`[lrpjs] 1 test skipped ('${title}'): ${why}`);
  it.skip(title, fn, timeout);
}
