import { describe, expect, it } from 'vitest';
import { decodeRawUnicodeEscape, decodeStringRepr, latin1, parseDecimalInt, parsePyFloat } from '../src/io/pickle-protocol0.js';

// The text forms of protocol 0 (INT/LONG/FLOAT lines, STRING reprs, UNICODE raw-unicode-escape),
// checked against what Python 2's repr() and pickle write and read.

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const repr = (s: string): string | undefined => {
  const out = decodeStringRepr(bytes(s));
  return out === undefined ? undefined : latin1(out);
};

describe('protocol-0 numbers', () => {
  it('parses decimal integers with sign, surrounding blanks and a Python-2 L suffix, nothing else', () => {
    expect(parseDecimalInt('42')).toBe(42);
    expect(parseDecimalInt(' -7 ')).toBe(-7);
    expect(parseDecimalInt('+5L')).toBe(5);
    expect(parseDecimalInt('5l')).toBe(5);
    expect(parseDecimalInt('9007199254740993')).toBe(9007199254740993n);
    expect(parseDecimalInt('1'.repeat(400))).toBe(BigInt('1'.repeat(400)));
    for (const bad of ['', 'x5', '5x', '5 5', '5LL', '5 x', 'x 5', '1'.repeat(401), '0x10', '1.0']) expect(parseDecimalInt(bad)).toBeUndefined();
  });

  it('parses Python float reprs, nan and inf in any case and sign', () => {
    expect(parsePyFloat('1.5')).toBe(1.5);
    expect(parsePyFloat(' -2.5e-3 ')).toBe(-0.0025);
    expect(parsePyFloat('10.')).toBe(10);
    expect(parsePyFloat('.25')).toBe(0.25);
    expect(parsePyFloat('12')).toBe(12);
    expect(parsePyFloat('+1E+2')).toBe(100);
    expect(parsePyFloat('1e5')).toBe(1e5);
    expect(parsePyFloat('1e15')).toBe(1e15);
    expect(parsePyFloat('.125')).toBe(0.125);
    expect(parsePyFloat('nan')).toBeNaN();
    expect(parsePyFloat('-NaN')).toBeNaN();
    expect(parsePyFloat('inf')).toBe(Infinity);
    expect(parsePyFloat('+Infinity')).toBe(Infinity);
    expect(parsePyFloat('-inf')).toBe(-Infinity);
    for (const bad of ['', '.', 'e5', '1e', '1e+', '1.5x', 'x1.5', '--1', '1.2.3', 'infinite', 'xnan', 'nanx', '0x1p3', '1e5e5', '1.a', '.x'])
      expect(parsePyFloat(bad)).toBeUndefined();
  });
});

describe('protocol-0 STRING reprs', () => {
  it('decodes both quote styles and every simple escape', () => {
    expect(repr("'abc'")).toBe('abc');
    expect(repr('"a\'b"')).toBe("a'b");
    expect(repr("'\\\\\\'\\\"\\a\\b\\f\\n\\r\\t\\v'")).toBe('\\\'"\x07\x08\x0c\n\r\t\x0b');
    expect(repr("''")).toBe('');
  });

  it('decodes hex and octal escapes, in either case, as many digits as Python takes', () => {
    expect(repr("'\\x41\\x4a\\x4A\\xff\\xFf'")).toBe('AJJ\xff\xff');
    expect(repr("'\\x09'")).toBe('\t');
    expect(repr("'\\101\\0\\7\\1010'")).toBe('A\x00\x07A0');
    expect(repr("'\\18'")).toBe('\x018');
    expect(repr("'\\477'")).toBe('?');
    expect(repr("'\\12'")).toBe('\n');
  });

  it('keeps unknown escapes and drops an escaped newline', () => {
    expect(repr("'\\q\\z'")).toBe('\\q\\z');
    expect(repr("'a\\\nb'")).toBe('ab');
    expect(repr("'\\8'")).toBe('\\8');
  });

  it('refuses unquoted, mismatched, one-character and badly escaped reprs', () => {
    for (const bad of ['abc', '\'abc"', "'", '"', "'abc", "'\\'", "'\\x4'", "'\\xg1'", "'\\x4g'", "'\\x'", "'a\\'"]) expect(repr(bad)).toBeUndefined();
  });
});

describe('protocol-0 UNICODE (raw-unicode-escape)', () => {
  it('decodes \\u and \\U escapes after an odd number of backslashes only', () => {
    expect(decodeRawUnicodeEscape(bytes('caf\\u00e9'))).toBe('café');
    expect(decodeRawUnicodeEscape(bytes('\\U0001F600!'))).toBe('😀!');
    expect(decodeRawUnicodeEscape(bytes('a\\\\u0041'))).toBe('a\\\\u0041');
    expect(decodeRawUnicodeEscape(bytes('\\\\\\u0041'))).toBe('\\\\A');
    expect(decodeRawUnicodeEscape(bytes('\\u0041\\u0042'))).toBe('AB');
    expect(decodeRawUnicodeEscape(bytes('x\\y'))).toBe('x\\y');
    expect(decodeRawUnicodeEscape(bytes('\xe9'))).toBe('é');
    expect(decodeRawUnicodeEscape(bytes('\\uABcd'))).toBe('\uabcd');
  });

  it('refuses short or non-hex escapes and code points past U+10FFFF', () => {
    for (const bad of ['\\u00e', '\\u00eg', '\\U00110000', '\\U0010FFF']) expect(decodeRawUnicodeEscape(bytes(bad))).toBeUndefined();
    expect(decodeRawUnicodeEscape(bytes('\\U0010FFFF'))).toBe(String.fromCodePoint(0x10ffff));
  });

  it('latin1 maps every byte to its code point, across chunk boundaries', () => {
    const b = Uint8Array.from({ length: 20000 }, (_, i) => i & 255);
    const s = latin1(b);
    expect(s.length).toBe(20000);
    expect(s.charCodeAt(8191)).toBe(8191 & 255);
    expect(s.charCodeAt(19999)).toBe(19999 & 255);
  });
});
