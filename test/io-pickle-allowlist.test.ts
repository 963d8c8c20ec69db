import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { TOOLBOX_PICKLE_GLOBALS, isToolboxPickleGlobal, readNnModel } from '../src/io/nn-model.js';
import { PickleGlobal, readPickle } from '../src/io/pickle.js';
import { projectRoot } from './fixtures.js';

// The pickle reader's security contract: it refuses every global outside its allow-list, whichever
// opcode names it. The candidates (test/data/pickle-global-candidates.txt, written by
// scripts/write-pickle-global-candidates.py) are every module/name pair in CPython's own pickle tests
// (test.pickletester), the Python 2/3 name mappings, a hand list of dangerous callables and
// look-alikes of the allowed names.
const CANDIDATES: readonly (readonly [string, string])[] = readFileSync(join(projectRoot, 'test', 'data', 'pickle-global-candidates.txt'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => line.split(' ') as [string, string]);

/** The allow-list, spelled out: changing it must be a deliberate edit of this test. */
const EXPECTED_ALLOW_LIST = [
  'modules.sequential Sequential', 'sequential Sequential',
  'modules.linear Linear', 'linear Linear',
  'modules.convolution Convolution', 'convolution Convolution',
  'modules.sumpool SumPool', 'sumpool SumPool',
  'modules.maxpool MaxPool', 'maxpool MaxPool',
  'modules.rect Rect', 'rect Rect',
  'modules.tanh Tanh', 'tanh Tanh',
  'modules.softmax SoftMax', 'softmax SoftMax',
  'modules.flatten Flatten', 'flatten Flatten',
  'numpy.core.multiarray _reconstruct', 'numpy._core.multiarray _reconstruct',
  'numpy.core.numeric _frombuffer', 'numpy._core.numeric _frombuffer',
  'numpy ndarray', 'numpy dtype',
  'copy_reg _reconstructor', 'copyreg _reconstructor',
  '__builtin__ object', 'builtins object',
  '_codecs encode',
];

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const le = (n: number, bytes: number): number[] => Array.from({ length: bytes }, (_, i) => Math.floor(n / 256 ** i) % 256);
/** A protocol-4 string push: SHORT_BINUNICODE up to 255 bytes, else BINUNICODE. */
const unicode = (s: string): number[] => {
  const b = utf8(s);
  return b.length < 256 ? [0x8c, b.length, ...b] : [0x58, ...le(b.length, 4), ...b];
};

/** `module name` as GLOBAL (protocol 2), then REDUCE on an empty tuple; offset of the naming opcode. */
function viaGlobal(module: string, name: string): { bytes: Uint8Array; offset: number } {
  return { bytes: Uint8Array.from([0x80, 2, 0x63, ...utf8(`${module}\n${name}\n`), 0x29, 0x52, 0x2e]), offset: 2 };
}

/** `module name` as two strings and STACK_GLOBAL (protocol 4, framed and memoized as Python writes it). */
function viaStackGlobal(module: string, name: string): { bytes: Uint8Array; offset: number } {
  const body = [...unicode(module), 0x94, ...unicode(name), 0x94];
  const offset = 2 + 9 + body.length;
  const frame = [...body, 0x93, 0x94, 0x29, 0x52, 0x2e];
  return { bytes: Uint8Array.from([0x80, 4, 0x95, ...le(frame.length, 8), ...frame]), offset };
}

/** `module name` as protocol-0 INST (class named inline, arguments since the MARK). */
function viaInst(module: string, name: string): { bytes: Uint8Array; offset: number } {
  return { bytes: Uint8Array.from([0x28, 0x69, ...utf8(`${module}\n${name}\n`), 0x2e]), offset: 1 };
}

const OPCODES = [
  ['GLOBAL', viaGlobal],
  ['STACK_GLOBAL', viaStackGlobal],
  ['INST', viaInst],
] as const;

describe('the pickle allow-list', () => {
  it('is exactly the expected set', () => {
    expect(new Set(TOOLBOX_PICKLE_GLOBALS)).toEqual(new Set(EXPECTED_ALLOW_LIST));
    expect(TOOLBOX_PICKLE_GLOBALS.size).toBe(EXPECTED_ALLOW_LIST.length);
  });

  it('the predicate accepts exactly the set: members yes, their near misses no', () => {
    for (const entry of EXPECTED_ALLOW_LIST) {
      const [module, name] = entry.split(' ') as [string, string];
      expect(isToolboxPickleGlobal(module, name)).toBe(true);
      const nearMisses: [string, string][] = [
        [module.toUpperCase(), name], [module, name.toLowerCase() === name ? name.toUpperCase() : name.toLowerCase()],
        [`${module} `, name], [module, ` ${name}`], [`${module}.`, name], [module, `${name}.`], [`x${module}`, name],
        [module, `${name}\n`], [`${module}\r`, name], [`${module}.${name}`, name], ['', `${module} ${name}`], [`${module} ${name}`, ''],
        [name, module], [`${module}\u0000`, name],
      ];
      for (const [m, n] of nearMisses) expect(isToolboxPickleGlobal(m, n), `${JSON.stringify(m)} ${JSON.stringify(n)}`).toBe(false);
    }
  });

  it('the candidate list is large and spans the sources its script names', () => {
    expect(CANDIDATES.length).toBeGreaterThan(400);
    const names = new Set(CANDIDATES.map(([m, n]) => `${m} ${n}`));
    for (const c of ['os system', 'posix system', 'nt system', 'subprocess Popen', 'builtins eval', 'builtins exec', 'builtins getattr',
      'builtins __import__', '__builtin__ eval', 'io open', 'shutil rmtree', 'copyreg __newobj__']) {
      expect(names.has(c), c).toBe(true);
    }
    // From CPython's test.pickletester: its protocol-0 and STACK_GLOBAL pickles name these.
    for (const c of ['copy_reg _reconstructor', '__builtin__ set', '__main__ C', 'builtins str']) expect(names.has(c), c).toBe(true);
  });

  it('only a few candidates are allowed, and they are exactly these', () => {
    const allowed = CANDIDATES.filter(([m, n]) => isToolboxPickleGlobal(m, n)).map(([m, n]) => `${m} ${n}`).sort();
    expect(allowed).toEqual(['__builtin__ object', 'builtins object', 'copy_reg _reconstructor']);
  });
});

describe('every candidate outside the allow-list is refused, by every opcode that names a global', () => {
  const refused = CANDIDATES.filter(([m, n]) => !isToolboxPickleGlobal(m, n));

  it.each(OPCODES)('%s: E_FORMAT naming the global and its byte offset', (_, build) => {
    const wrong: string[] = [];
    for (const [module, name] of refused) {
      const { bytes, offset } = build(module, name);
      try {
        readNnModel(bytes, 'evil.nn');
        wrong.push(`${module} ${name}: accepted`);
      } catch (e) {
        const ok = e instanceof LrpError && e.code === 'E_FORMAT' && e.where === `evil.nn, byte ${offset}` &&
          e.message.includes(`global ${JSON.stringify(`${module} ${name}`)} is not allowed`);
        if (!ok) wrong.push(`${module} ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(refused.length).toBeGreaterThan(400);
  });

  it.each(OPCODES)('%s: the allowed globals themselves are accepted (the refusal is the allow-list, not the opcode)', (_, build) => {
    for (const entry of EXPECTED_ALLOW_LIST) {
      const [module, name] = entry.split(' ') as [string, string];
      const { bytes } = build(module, name);
      const allowOnly = (m: string, n: string): boolean => m === module && n === name;
      let value: unknown;
      try {
        value = readPickle(bytes, { allow: allowOnly });
      } catch (e) {
        // REDUCE of `_codecs encode` / `_reconstructor` without arguments fails on the arguments, never on the name.
        expect((e as Error).message).not.toMatch(/is not allowed/);
        continue;
      }
      expect(value === null || typeof value === 'object').toBe(true);
      expect(value instanceof PickleGlobal).toBe(false); // REDUCE/INST made an object of it
    }
  });
});
