import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandSpecs } from '../src/cli/commands.js';
import { commandHelp, synopsisBlock } from '../src/cli/help-text.js';
import { packageVersion } from '../src/cli/package-version.js';
import { projectRoot } from './fixtures.js';
import { built, describeWith } from './support/requirements.js';
import { cliBinary, runCli } from './support/run-cli.js';

/** Every `--flag` named in a text. */
const flagsIn = (text: string): string[] => [...new Set([...text.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!))].sort();

/** The README's synopsis block: the first code block of its "Command line" section. */
function readmeSynopsis(): string {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Command line\n'));
  const block = /```\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README has no code block under "## Command line"');
  return block[1]!;
}

/** The README synopsis lines of one command: its `lrp <name>` line and the indented lines after it. */
function readmeLinesOf(name: string): string {
  const lines = readmeSynopsis().split('\n');
  const start = lines.findIndex((l) => new RegExp(`^lrp ${name}\\b`).test(l));
  if (start < 0) return '';
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith(' '));
  return [lines[start], ...rest.slice(0, end < 0 ? rest.length : end)].join('\n');
}

const names = commandSpecs.map((s) => s.name);

describe('help, parser and README synopsis list the same flags', () => {
  it('every command is listed', () => {
    expect(names).toEqual(['batch', 'demo', 'explain', 'forward', 'info', 'render', 'train', 'worker']);
  });

  it.each(names)('lrp %s: every flag the parser accepts is in --help and the synopsis, and no other', async (name) => {
    const spec = commandSpecs.find((s) => s.name === name)!;
    const accepted = spec.options.map((o) => o.name).sort();
    const help = await runCli(name, '--help');
    expect(help.code).toBe(0);
    expect(flagsIn(help.out)).toEqual([...accepted, 'help'].sort());
    expect(flagsIn(spec.synopsis.join('\n'))).toEqual(accepted);
    expect(flagsIn(readmeLinesOf(name))).toEqual(accepted);
  });

  it.each(names)('lrp %s: the parser knows each listed flag and refuses one not listed', async (name) => {
    const spec = commandSpecs.find((s) => s.name === name)!;
    for (const o of spec.options) {
      const r = await runCli(name, o.value ? `--${o.name}=x` : `--${o.name}`, '--not-a-flag');
      expect(r.err, `--${o.name}`).not.toMatch(new RegExp(`unknown option --${o.name}\\b`));
    }
    const r = await runCli(name, '--not-a-flag');
    expect(r).toMatchObject({ code: 2, err: 'lrp: E_USAGE unknown option --not-a-flag\n' });
  });

  it("the README's synopsis block is exactly the synopsis lrp help prints", async () => {
    expect(readmeSynopsis()).toBe(synopsisBlock(commandSpecs));
    const help = await runCli('help');
    expect(help.out).toContain(synopsisBlock(commandSpecs));
  });

  it('every option has a one-line help text and a placeholder exactly when it takes a value', () => {
    for (const spec of commandSpecs) {
      for (const o of spec.options) {
        expect(o.help.trim().length, `${spec.name} --${o.name}`).toBeGreaterThan(10);
        expect(o.help).not.toContain('\n');
        expect(o.arg !== undefined, `${spec.name} --${o.name}`).toBe(o.value);
      }
    }
  });
});

describe('--help, -h, lrp help, lrp --version', () => {
  it.each(names)('lrp %s -h and --help print the command help on stdout with status 0', async (name) => {
    const spec = commandSpecs.find((s) => s.name === name)!;
    for (const argv of [
      [name, '-h'],
      [name, '--help'],
      ['help', name],
      [name, '--model', 'm.txt', '--help'],
    ]) {
      const r = await runCli(...argv);
      expect(r, argv.join(' ')).toEqual({ code: 0, out: commandHelp(spec), err: '' });
    }
  });

  it('help wins over bad options and missing files, but -h as the value of an option is that value', async () => {
    expect((await runCli('explain', '--bogus', '--help')).code).toBe(0);
    expect((await runCli('explain', '--model', '/nonexistent/m.txt', '--input', 'x.npy', '-h')).code).toBe(0);
    const value = await runCli('render', '--relevance', '-h', '--out', 'x.png');
    expect(value.code).toBe(2);
    expect(value.out).toBe('');
    expect(value.err).toMatch(/^lrp: E_IO -h: /);
  });

  it('lrp help, --help and -h print the overview with status 0; lrp alone prints it with status 2', async () => {
    for (const argv of [['help'], ['--help'], ['-h']]) {
      const r = await runCli(...argv);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      for (const name of names) expect(r.out).toContain(`lrp ${name}`);
    }
    const bare = await runCli();
    expect(bare.code).toBe(2);
    expect(bare.out).toContain('lrp help [COMMAND]');
  });

  it('lrp help with an unknown command or two words is E_USAGE naming help', async () => {
    expect(await runCli('help', 'nope')).toMatchObject({
      code: 2,
      out: '',
      err: "lrp: E_USAGE help: unknown command 'nope' (commands: batch, demo, explain, forward, info, render, train, worker)\n",
    });
    expect((await runCli('help', 'explain', 'train')).err).toMatch(/^lrp: E_USAGE help: takes at most one command/);
  });

  it("lrp --version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(packageVersion()).toBe(version);
    for (const flag of ['--version', '-V', 'version']) expect(await runCli(flag)).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('packageVersion from a file outside any lrpjs package is E_IO', () => {
    expect(() => packageVersion('file:///nonexistent/dir/cli.js')).toThrow(/no package.json of lrpjs above/);
  });
});

describeWith(built('cli.js'), 'the built lrp binary', () => {
  it('prints the version and the help', () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const v = spawnSync(process.execPath, [cliBinary, '--version'], { encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`${version}\n`);
    const h = spawnSync(process.execPath, [cliBinary, 'explain', '-h'], { encoding: 'utf8' });
    expect(h.status).toBe(0);
    expect(h.stdout).toBe(commandHelp(commandSpecs.find((s) => s.name === 'explain')!));
  });
});
