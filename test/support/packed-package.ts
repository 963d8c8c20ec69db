import { expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../fixtures.js';
import { built, type Requirement, requirement } from './requirements.js';

// The consumer tests install the package as a user would: from the tarball `npm pack` makes of the
// built dist/, into a temporary project. The tarball and that project are made once per build (keyed
// by the dist/ files' sizes and times and package.json) and shared by every test file through a
// lock folder, so parallel test files wait for one `npm pack` + `npm install` instead of each doing it.

/** What `npm pack --json` says about the tarball. */
export interface PackInfo {
  readonly filename: string;
  /** Bytes of the .tgz. */
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/** A temporary project with the packed tarball installed as its `lrpjs` dependency. */
export interface Consumer {
  /** The project folder (`node_modules/lrpjs` is the installed tarball). */
  readonly dir: string;
  /** Path of the tarball. */
  readonly tarball: string;
  readonly pack: PackInfo;
}

/** The built package the consumer tests pack: every entry of package.json's exports. */
export const builtPackage: readonly Requirement[] = [built('index.cjs'), built('index.js'), built('browser/index.js'), built('types/index.d.ts')];

function distKey(): string {
  const h = createHash('sha1').update(readFileSync(join(projectRoot, 'package.json')));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else h.update(`${p}:${s.size}:${s.mtimeMs}\n`);
    }
  };
  walk(join(projectRoot, 'dist'));
  return h.digest('hex').slice(0, 16);
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function make(dir: string): void {
  mkdirSync(dir, { recursive: true });
  // --ignore-scripts: dist/ is already built (pretest); prepack would build it again
  const [pack] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], projectRoot)) as PackInfo[];
  writeFileSync(join(dir, 'pack.json'), JSON.stringify(pack));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'lrpjs-consumer', private: true, type: 'module', dependencies: { lrpjs: `file:./${pack!.filename}` } }, null, 2),
  );
  run('npm', ['install', '--prefer-offline', '--no-package-lock'], dir);
}

let cached: Promise<Consumer> | undefined;

/** The shared consumer project of this build, made on first use (in any test file) and reused. */
export function consumerProject(): Promise<Consumer> {
  return (cached ??= (async () => {
    // the checkout's own prefix: several checkouts (git worktrees) share /tmp, and each cleans up
    // only the consumers of its own earlier builds, never another checkout's current one
    const root = createHash('sha256').update(projectRoot).digest('hex').slice(0, 8);
    const key = distKey();
    const dir = join(tmpdir(), `lrpjs-consumer-${root}-${key}`);
    const lock = `${dir}.lock`;
    const ready = join(dir, 'ready');
    for (let waited = 0; !existsSync(ready); waited += 200) {
      try {
        mkdirSync(lock);
      } catch {
        if (waited > 300_000) throw new Error(`timed out waiting for ${lock}`);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      try {
        // consumers of earlier builds are no longer needed
        for (const old of readdirSync(tmpdir())) {
          if (new RegExp(`^lrpjs-consumer-${root}-[0-9a-f]{16}$`).test(old) && old !== `lrpjs-consumer-${root}-${key}` && !existsSync(join(tmpdir(), `${old}.lock`))) {
            rmSync(join(tmpdir(), old), { recursive: true, force: true });
          }
        }
        rmSync(dir, { recursive: true, force: true });
        make(dir);
        writeFileSync(ready, '');
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    const pack = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as PackInfo;
    return { dir, tarball: join(dir, pack.filename), pack };
  })());
}

/** A binary installed by npm (paths relative to the project root), where it is installed. */
export function devBinary(tag: string, candidates: readonly string[], hint: string): { readonly path: string | undefined; readonly need: Requirement } {
  const path = candidates.map((c) => join(projectRoot, c)).find((p) => existsSync(p));
  return { path, need: requirement(tag, path !== undefined, `${candidates[0]} not found (${hint})`) };
}

/** Runs `cmd` in `cwd` and returns its exit status, stdout and stderr. */
export function runIn(
  cwd: string,
  cmd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The README's code block that follows the marker `<!-- snippet: NAME -->`, verbatim. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- snippet: ${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README.md has no snippet '${name}'`);
  return m[1]!;
}

/**
 * Checks a README app's output line `backend class total` against the reference line: the same
 * backend and class, the same total relevance within 1e-5 (relative) — engines with relaxed SIMD
 * (Node ≥ 22, Deno, Bun, Chromium) run the fused-multiply-add build, Node 20 the plain SIMD build.
 */
export function expectSameResult(stdout: string, expected: string, label: string): void {
  expect(stdout, label).toMatch(/^\S+ \d+ \S+\n$/);
  const [backend, cls, total] = stdout.trim().split(' ');
  const [eBackend, eCls, eTotal] = expected.trim().split(' ');
  expect([backend, cls], label).toEqual([eBackend, eCls]);
  expect(Math.abs(Number(total) - Number(eTotal)), label).toBeLessThanOrEqual(1e-5 * Math.abs(Number(eTotal)));
}
