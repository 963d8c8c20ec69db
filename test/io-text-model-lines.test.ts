import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../src/io/model-file.js';
import { readTextModel } from '../src/io/text-model.js';
import type { Model } from '../src/model/layers.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';
import { expectLrpError } from './support/expect-error.js';
import { uniform } from './support/random-model.js';

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

function kinds(m: Model): string[] {
  return m.layers.map((l) => l.kind);
}

/** Every weight and bias of `m` in file order (the order the text format writes them). */
function numbersOf(m: Model): number[] {
  return m.layers.flatMap((l) => ('weights' in l ? [...l.weights, ...l.bias] : []));
}

/** The reference reading of a toolbox text model's numbers: `Number()` of every token on the data lines. */
function referenceNumbers(text: string): number[] {
  const lines = text.split('\n');
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (/^(Linear|Convolution)\b/.test(line)) {
      for (const k of [1, 2]) out.push(...lines[i + k]!.trim().split(/\s+/).map(Number));
    }
  });
  return out;
}

function bitsOf(values: ArrayLike<number>): string[] {
  return Array.from(new BigUint64Array(Float64Array.from(values).buffer), (b) => b.toString(16));
}

describe('blank lines never end a text model silently', () => {
  it('reads the layers after blank and whitespace-only lines (LF and CRLF)', () => {
    const text = 'Linear 2 1\n1 2\n3\n\n\nTanh\n  \t\nLinear 1 2\n4 5\n6 7\r\n\r\n \r\nSoftMax\n\n';
    expect(kinds(readTextModel(text))).toEqual(['linear', 'tanh', 'linear', 'softmax']);
  });

  it('skips blank lines before the first layer', () => {
    expect(kinds(readTextModel('\n \n\t\r\nRect\nFlatten\n'))).toEqual(['relu', 'flatten']);
  });

  it.each([
    ['Rect\n\nthis is not a layer\n', 'm:3', /unknown layer "this" after layer 0/],
    ['Linear 1 1\n1\n2\n   \n\n42\n', 'm:6', /unknown layer "42" after layer 0/],
    ['Rect\r\n\r\nRect\r\n\r\n\r\ngarbage 1 2\r\n', 'm:6', /unknown layer "garbage" after layer 1/],
    ['Tanh\n\nLinear 2 2\n1 2 3 4\n', 'm:5', /found the end of the model/],
    ['Linear 2 2\n\n1 2 3 4\n5 6\n', 'm:2', /expected 4 weights, got 0/],
    ['Convolution 1 1 1 2 1 1\n1 2\n\n3 4\n', 'm:3', /expected 2 biases, got 0/],
  ])('refuses trailing junk and blank lines inside a layer, naming the line: %j', (text, where, message) => {
    expect(expectLrpError(() => readTextModel(text, 'm'), 'E_FORMAT', message).where).toBe(where);
  });

  it('reads the legacy Linear variant followed by blank lines and more layers', () => {
    const m = readTextModel('Linear 2 3\n1 2 3\n4 5 6\n7 8 9\n\n\nRect\n');
    expect(kinds(m)).toEqual(['linear', 'relu']);
    expect(numbersOf(m)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('names the line of a legacy block cut short by the end of the file', () => {
    expectLrpError(() => readTextModel('Linear 3 2\n1 2\n3 4\n', 'm'), 'E_FORMAT', /needs 3 weight lines and a bias line, only 2 lines follow/);
    expect(expectLrpError(() => readTextModel('Linear 3 2\n1 2\n3 4\n5\n6 7\n', 'm'), 'E_FORMAT', /expected 2 weights, got 1/).where).toBe('m:4');
  });
});

describe('text models read from bytes', () => {
  it('gives the same model from bytes, text and a byte-order mark', () => {
    const text = 'Linear 2 2\n0.1 -2.5e-3 3 4\n5 6\n\nSoftMax\n';
    const fromText = readTextModel(text);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(text)]);
    for (const m of [readTextModel(encode(text)), readTextModel(withBom), readTextModel(`\uFEFF${text}`), parseModel(withBom, 'x.txt')]) {
      expect(kinds(m)).toEqual(kinds(fromText));
      expect(bitsOf(numbersOf(m))).toEqual(bitsOf(numbersOf(fromText)));
    }
  });

  it('reads every value of a seeded random model bit-identically to Number() of its token', () => {
    const rand = uniform(21);
    const formats = [
      (v: number) => String(v),
      (v: number) => v.toExponential(Math.floor(rand() * 19)),
      (v: number) => v.toPrecision(1 + Math.floor(rand() * 21)),
      (v: number) => v.toFixed(Math.floor(rand() * 25)),
      (v: number) => `${v < 0 ? '-' : '+'}${Math.round(Math.abs(v) * 1e9)}e-9`,
    ];
    const value = (): number => (rand() - 0.5) * 10 ** Math.floor(rand() * 16 - 12);
    const tokens = (n: number): string[] => Array.from({ length: n }, () => formats[Math.floor(rand() * formats.length)]!(value()));
    const w1 = tokens(30 * 20), b1 = tokens(20), w2 = tokens(3 * 3 * 2 * 4), b2 = tokens(4);
    const text = `Linear 30 20\n${w1.join(' ')}\n${b1.join('\t')}\n\n  \nConvolution 3 3 2 4 1 1\n${w2.join('  ')}\r\n${b2.join(' ')} \n`;
    const m = readTextModel(encode(text), 'rand.txt');
    expect(bitsOf(numbersOf(m))).toEqual(bitsOf([...w1, ...b1, ...w2, ...b2].map(Number)));
    expect(bitsOf(numbersOf(m))).toEqual(bitsOf(referenceNumbers(text.replace(/\r/g, ''))));
  });
});

describeWith(toolboxFixtures, 'the toolbox LeNet-5 read from bytes', () => {
  it('has weights bit-identical to Number() of every token of the file (the string reader it replaces)', () => {
    const bytes = readFileSync(fixture('toolbox/models/LeNet-5.txt'));
    const model = parseModel(new Uint8Array(bytes), 'LeNet-5.txt');
    const reference = referenceNumbers(bytes.toString('utf8'));
    expect(reference.length).toBe(47645);
    expect(bitsOf(numbersOf(model))).toEqual(bitsOf(reference));
  });
});
