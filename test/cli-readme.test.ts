import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { built, describeWith } from './support/requirements.js';
import { cliBinary } from './support/run-cli.js';

/** One `$ lrp …` line of the README's "Command line" example and the output shown under it. */
interface Example {
  readonly argv: string[];
  readonly shown: string[];
}

/** The `$ lrp` examples of the README's "Command line" section. */
function readmeExamples(): Example[] {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Command line\n'), readme.indexOf('\n## ', readme.indexOf('\n## Command line\n') + 5));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const examples: Example[] = [];
  for (const line of block.split('\n').slice(0, -1)) {
    if (line.startsWith('$ lrp ')) examples.push({ argv: line.slice('$ lrp '.length).split(' '), shown: [] });
    else examples.at(-1)?.shown.push(line);
  }
  return examples;
}

/** Whether `actual` lines match `shown`, where a `...` line stands for any number of lines. */
function matchesShown(actual: readonly string[], shown: readonly string[]): boolean {
  if (shown.length === 0) return actual.length === 0;
  const [head, ...rest] = shown;
  if (head === '...') return actual.some((_, i) => matchesShown(actual.slice(i), rest)) || matchesShown([], rest);
  return actual[0] === head && matchesShown(actual.slice(1), rest);
}

/** The `npx lrp …` lines of the README's opening snippet (after `npm install lrpjs`). */
function openingLines(): string[][] {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .filter((l) => l.startsWith('npx lrp '))
    .map((l) => l.slice('npx lrp '.length).split(' '));
}

const examples = readmeExamples();

describeWith(built('cli.js'), "the README's command-line examples run verbatim from the package's folder", () => {
  // the package's folder as an installed copy sees it (models/), in a scratch folder for R.npy
  const cwd = mkdtempSync(join(tmpdir(), 'lrpjs-readme-'));
  symlinkSync(join(projectRoot, 'models'), join(cwd, 'models'));

  it('there are examples, each shows its output', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const e of examples) expect(e.shown.length, e.argv.join(' ')).toBeGreaterThan(0);
  });

  it.each(examples.map((e) => [e.argv.join(' '), e] as const))('lrp %s', (_, e) => {
    const r = spawnSync(process.execPath, [cliBinary, ...e.argv], { cwd, encoding: 'utf8' });
    const lines = (r.stdout + r.stderr).split('\n').slice(0, -1);
    expect(matchesShown(lines, e.shown), `got:\n${lines.join('\n')}`).toBe(true);
    expect(r.status).toBe(r.stderr.startsWith('lrp: ') ? 2 : 0);
    const out = e.argv[e.argv.indexOf('--out') + 1];
    if (e.argv.includes('--out') && out !== undefined) expect(existsSync(join(cwd, out))).toBe(true);
  });

  it("the opening snippet's npx lrp line runs where npm install put the package", () => {
    const lines = openingLines();
    expect(lines.length).toBeGreaterThan(0);
    const project = mkdtempSync(join(tmpdir(), 'lrpjs-readme-install-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(projectRoot, join(project, 'node_modules', 'lrpjs'));
    for (const argv of lines) {
      const r = spawnSync(process.execPath, [cliBinary, ...argv], { cwd: project, encoding: 'utf8' });
      expect(r.stderr, argv.join(' ')).not.toMatch(/^lrp: E_/);
      expect(r.status).toBe(0);
    }
    expect(existsSync(join(project, 'R.npy'))).toBe(true);
  });

  it('matchesShown: ... stands for any lines, everything else must match', () => {
    expect(matchesShown(['a', 'b', 'c'], ['a', '...', 'c'])).toBe(true);
    expect(matchesShown(['a', 'c'], ['a', '...', 'c'])).toBe(true);
    expect(matchesShown(['a', 'b'], ['a', '...', 'c'])).toBe(false);
    expect(matchesShown(['a', 'x'], ['a', 'b'])).toBe(false);
    expect(matchesShown(['a', 'b', 'c'], ['a', 'b'])).toBe(false);
  });
});
