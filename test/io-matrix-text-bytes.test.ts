import { describe, expect, it } from 'vitest';
import { readMatrixText } from '../src/io/matrix-text.js';
import { expectLrpError } from './support/expect-error.js';
import { uniform } from './support/random-model.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const bits = (a: ArrayLike<number>): string[] => Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));

describe('matrix text reader on bytes', () => {
  it('reads a seeded random matrix bit-identically to Number() of each field', () => {
    const rand = uniform(31);
    const rows = 40;
    const cols = 25;
    const fields = Array.from({ length: rows * cols }, (_, i) => {
      const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 20 - 10);
      return [String(v), v.toExponential(i % 18), v.toPrecision(1 + (i % 21)), v.toFixed(i % 20)][i % 4]!;
    });
    const lines = Array.from({ length: rows }, (_, r) => fields.slice(r * cols, (r + 1) * cols).join(r % 2 ? '\t' : '  '));
    const a = readMatrixText(text(lines.join('\r\n')));
    expect(a.shape).toEqual([rows, cols]);
    expect(bits(a.data as Float64Array)).toEqual(bits(fields.map(Number)));
  });

  it('ends a field at a comment sign and skips a byte-order mark', () => {
    const a = readMatrixText(Uint8Array.from([0xef, 0xbb, 0xbf, ...text('1 2#one\n3 nan#x\n#\n4\t-inf # y\n')]));
    expect(a.shape).toEqual([3, 2]);
    expect(Array.from(a.data as Float64Array)).toEqual([1, 2, 3, NaN, 4, -Infinity]);
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf'])('refuses %j (not read as NaN through the prototype chain)', (field) => {
    const e = expectLrpError(() => readMatrixText(text(`1 ${field}\n`), 'p.txt'), 'E_FORMAT', /field 2 \(column 3\) is not a number/);
    expect(e.where).toBe('p.txt, line 1');
  });

  it('counts the column of a bad field in characters after non-ASCII text', () => {
    expect(expectLrpError(() => readMatrixText(text('1 2\n3 4 # é\n5 é\n'), 'u.txt')).message).toBe('u.txt, line 3: field 2 (column 3) is not a number: "é"');
  });
});
