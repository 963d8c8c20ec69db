import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { parseModel } from '../src/io/model-file.js';
import { readNnModel } from '../src/io/nn-model.js';
import { readTextModel, writeTextModel } from '../src/io/text-model.js';
import type { Model } from '../src/model/layers.js';
import { fixture, fixturesDir } from './fixtures.js';
import { itWith, toolboxFixtures } from './support/requirements.js';
import { uniform } from './support/random-model.js';


type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, a: readonly T[]): T => a[int(r, a.length)]!;

/**
 * Runs `parse` on every case; each must return a Model or throw an LrpError, nothing else. Checks
 * that all `count` cases ran (so a generator that yields nothing fails) and returns the outcomes.
 */
function expectModelOrLrpError(cases: Iterable<[string, () => Model]>, count: number): { models: number; errors: number } {
  let models = 0;
  let errors = 0;
  for (const [name, parse] of cases) {
    try {
      const m = parse();
      expect(Array.isArray(m.layers) && m.layers.length > 0, name).toBe(true);
      models++;
    } catch (e) {
      if (!(e instanceof LrpError)) throw new Error(`case ${name}: threw ${String(e)} instead of an LrpError`);
      expect(e.code, name).toMatch(/^E_/);
      errors++;
    }
  }
  expect(models + errors).toBe(count);
  return { models, errors };
}

// --- text models --------------------------------------------------------------------------

const TEXTS = [
  `Linear 2 3
-2.01595799878 -2.05379403106 0.688953420218 1.20338836267 -1.7518249173 -1.90515935663
-0.519917325831 0.400368842573 0.0699950389094
Tanh
Linear 3 2
1.1 0.26 2.5 -1.5 -0.6 0.19
-0.11 0.11
SoftMax
`,
  `Convolution 2 2 1 2 1 1 same
0.5 -0.25 1e-300 3 0.125 -7 2 1
0.1 -0.2
MaxPool 2 2 1 1 pad 0 1 0 1
SumPool 2 1 1 1
AvgPool 1 1 1 1
Rect
Sigmoid
Flatten
Linear 2 1
1
2
0.5
`,
];
const TOKENS = [
  '', '0', '-0', '1', '2', '1e309', '-1e-400', 'nan', 'NaN', 'inf', '-Infinity', '1000000', '99999999999999999999', '4294967296',
  'Linear', 'Convolution', 'SumPool', 'MaxPool', 'AvgPool', 'Rect', 'Flatten', 'same', 'valid', 'pad', '\n', '\n\n', '\r\n', ' \t',
  'x', '1.5', '-3', '0x1f', '1_000', '\u0000', '\uFEFF', '.', 'e5', '+.5e-3', '__proto__', 'constructor',
];

function mutateText(r: Rand, text: string): string {
  const parts = text.split(/(\s+)/);
  const kind = int(r, 8);
  if (kind === 0) return text.slice(0, int(r, text.length + 1));
  if (kind === 1) {
    const b = new TextEncoder().encode(text);
    for (let k = 1 + int(r, 3); k > 0; k--) b[int(r, b.length)]! ^= 1 << int(r, 8);
    return new TextDecoder().decode(b);
  }
  if (kind === 2) parts[int(r, parts.length)] = pick(r, TOKENS);
  else if (kind === 3) parts.splice(int(r, parts.length), 0, pick(r, TOKENS), ' ');
  else if (kind === 4) parts.splice(int(r, parts.length), 1 + int(r, 3));
  else {
    const lines = text.split('\n');
    const i = int(r, lines.length);
    const j = int(r, lines.length);
    if (kind === 5) lines.splice(i, 1);
    else if (kind === 6) lines.splice(i, 0, lines[j]!);
    else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  }
  return parts.join('');
}

// --- pickled models -----------------------------------------------------------------------

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const glob = (m: string, n: string): number[] => ascii(`c${m}\n${n}\n`);
const sstr = (s: string): number[] => [0x55, s.length, ...ascii(s)];

/** A toolbox-style protocol-2 pickle (old-style classes, numpy arrays, memo) of a small model. */
function tinyNn(): Uint8Array {
  let dtypeDone = false;
  const array = (values: number[], shape: number[]): number[] => {
    const raw = new Uint8Array(new Float64Array(values).buffer);
    const dtype = dtypeDone
      ? [0x68, 1]
      : [...glob('numpy', 'dtype'), ...sstr('f8'), 0x4b, 0, 0x4b, 1, 0x87, 0x52, 0x71, 1,
        0x28, 0x4b, 3, ...sstr('<'), 0x4e, 0x4e, 0x4e, 0x4a, 255, 255, 255, 255, 0x4a, 255, 255, 255, 255, 0x4b, 0, 0x74, 0x62];
    dtypeDone = true;
    return [
      ...glob('numpy.core.multiarray', '_reconstruct'), ...glob('numpy', 'ndarray'), 0x4b, 0, 0x85, ...sstr('b'), 0x87, 0x52,
      0x28, 0x4b, 1, 0x28, ...shape.flatMap((d) => [0x8a, 1, d]), 0x74, ...dtype, 0x89, 0x54, raw.length, 0, 0, 0, ...raw, 0x74, 0x62,
    ];
  };
  const obj = (file: string, cls: string, attrs: number[][]): number[] =>
    [0x28, ...glob(`modules.${file}`, cls), 0x6f, 0x7d, 0x28, ...attrs.flat(), 0x75, 0x62];
  const pair = (a: number, b: number): number[] => [0x4b, a, 0x4b, b, 0x86];
  const modules = [
    obj('convolution', 'Convolution', [sstr('W'), array([0.5, -1, 2, 0.25], [2, 2, 1, 1]), sstr('B'), array([0.1], [1]), sstr('stride'), pair(1, 1)]),
    obj('rect', 'Rect', []),
    obj('maxpool', 'MaxPool', [sstr('pool'), pair(2, 2), sstr('stride'), pair(1, 1)]),
    obj('sumpool', 'SumPool', [sstr('pool'), pair(1, 1), sstr('stride'), pair(1, 1)]),
    obj('flatten', 'Flatten', []),
    obj('linear', 'Linear', [sstr('W'), array([1, -2, 3, 4], [1, 4]), sstr('B'), array([0, 1, -1, 2], [4]), sstr('n'), [0x4b, 4]]),
    obj('tanh', 'Tanh', []),
    obj('softmax', 'SoftMax', []),
  ];
  return Uint8Array.from([0x80, 2, ...obj('sequential', 'Sequential', [sstr('modules'), [0x5d, 0x28, ...modules.flat(), 0x65]]), 0x2e]);
}

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x28, 0x2e, 0x4e, 0x52, 0x62, 0x63, 0x68, 0x71, 0x74, 0x85, 0x87, 0x8a, 0x54, 0x55, 0x5d, 0x7d];

/** Positions outside the raw array payloads (after NEWFALSE BINSTRING / SHORT_BINSTRING), where structure lives. */
function structuralPositions(b: Uint8Array): number[] {
  const payload = new Uint8Array(b.length);
  for (let p = 0; p + 6 < b.length; p++) {
    if (b[p] !== 0x89) continue;
    const [start, len] = b[p + 1] === 0x54 ? [p + 6, b[p + 2]! | (b[p + 3]! << 8) | (b[p + 4]! << 16)] : b[p + 1] === 0x55 ? [p + 3, b[p + 2]!] : [0, 0];
    payload.fill(1, start, Math.min(b.length, start + len));
  }
  return Array.from(payload.keys()).filter((i) => payload[i] === 0);
}

function mutateBytes(r: Rand, src: Uint8Array, structural: readonly number[]): Uint8Array {
  const at = (): number => (r() < 0.8 ? pick(r, structural) : int(r, src.length));
  const kind = int(r, 6);
  if (kind === 0) return src.slice(0, int(r, src.length));
  const b = src.slice();
  if (kind === 1) for (let k = 1 + int(r, 3); k > 0; k--) b[at()]! ^= 1 << int(r, 8);
  else if (kind === 2) b[at()] = pick(r, INTERESTING);
  else if (kind === 3) for (let k = 0, p = at(); k < 4 && p + k < b.length; k++) b[p + k] = int(r, 256);
  else {
    const p = at();
    const len = 1 + int(r, 12);
    const parts = kind === 4 ? [b.subarray(0, p), b.subarray(p + len)] : [b.subarray(0, p), b.subarray(p, p + len), b.subarray(p)];
    const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
    parts.reduce((o, x) => (out.set(x, o), o + x.length), 0);
    return out;
  }
  return b;
}


describe('fuzzed model files give a Model or an LrpError, never anything else', () => {
  it('text models: bit flips, truncations, token and line edits', () => {
    const r = uniform(20240501);
    const sources = [...TEXTS];
    if (fixturesDir) sources.push(readFileSync(fixture('toolbox/models/xor_net_small.txt'), 'utf8'));
    for (const s of sources) expect(readTextModel(s).layers.length).toBeGreaterThan(0);
    const cases = function* (): Generator<[string, () => Model]> {
      for (let n = 0; n < 4000; n++) {
        let text = pick(r, sources);
        for (let k = 1 + int(r, 3); k > 0; k--) text = mutateText(r, text);
        yield [`text #${n} ${JSON.stringify(text.slice(0, 80))}`, () => {
          const m = readTextModel(text, 'fuzz.txt');
          expect(readTextModel(writeTextModel(m)).layers.length).toBe(m.layers.length);
          return m;
        }];
      }
    };
    const { models, errors } = expectModelOrLrpError(cases(), 4000);
    expect(models).toBeGreaterThan(100);
    expect(errors).toBeGreaterThan(1000);
  }, 20000);

  it('pickled models: bit flips, byte edits, truncations, insertions and deletions', () => {
    const r = uniform(7);
    const tiny = tinyNn();
    expect(readNnModel(tiny).layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'maxpool', 'sumpool', 'flatten', 'linear', 'tanh', 'softmax']);
    const tinyPositions = structuralPositions(tiny);
    const cases = function* (): Generator<[string, () => Model]> {
      for (let n = 0; n < 4000; n++) {
        const bytes = mutateBytes(r, tiny, tinyPositions);
        yield [`tiny.nn #${n}`, () => (n % 2 ? readNnModel(bytes, 'fuzz.nn') : parseModel(bytes, 'fuzz'))];
      }
    };
    const { models, errors } = expectModelOrLrpError(cases(), 4000);
    expect(models).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(1000);
  }, 20000);

  itWith(toolboxFixtures, 'LeNet-5.nn: mutations aimed at its structure', () => {
    const r = uniform(99);
    const lenet = new Uint8Array(readFileSync(fixture('toolbox/models/LeNet-5.nn')));
    const positions = structuralPositions(lenet);
    expect(positions.length).toBeLessThan(4000);
    const cases = function* (): Generator<[string, () => Model]> {
      for (let n = 0; n < 2000; n++) {
        const bytes = mutateBytes(r, lenet, positions);
        yield [`LeNet-5.nn #${n}`, () => readNnModel(bytes, 'LeNet-5.nn')];
      }
    };
    const { models, errors } = expectModelOrLrpError(cases(), 2000);
    expect(models).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(500);
  }, 20000);

  it('random bytes through parseModel', () => {
    const r = uniform(3);
    const cases = function* (): Generator<[string, () => Model]> {
      for (let n = 0; n < 2000; n++) {
        const bytes = Uint8Array.from({ length: int(r, 64) }, () => (r() < 0.5 ? pick(r, INTERESTING) : int(r, 256)));
        if (n % 3 === 0 && bytes.length > 1) (bytes[0] = 0x80, bytes[1] = 2);
        // every 50th case is a valid model among the noise, so both outcomes are exercised and counted
        const input = n % 50 === 49 ? (n % 100 === 99 ? tinyNn() : new TextEncoder().encode(TEXTS[1]!)) : bytes;
        yield [`random #${n}`, () => parseModel(input, pick(r, ['a.nn', 'a.txt', 'a']))];
      }
    };
    const { models, errors } = expectModelOrLrpError(cases(), 2000);
    expect(models).toBeGreaterThanOrEqual(40);
    expect(errors).toBeGreaterThan(1000);
  });
});
