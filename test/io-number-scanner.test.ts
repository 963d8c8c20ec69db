import { describe, expect, it } from 'vitest';
import { decimalToDouble } from '../src/io/decimal-to-double.js';
import { countTokens, parseDecimalToken, readNumberRow } from '../src/io/number-scanner.js';
import { uniform } from './support/random-model.js';

const encoder = new TextEncoder();

/** Parses one token with the byte scanner. */
function scan(token: string): number {
  const b = encoder.encode(token);
  return parseDecimalToken(b, 0, b.length);
}

/** Bit pattern of a double as a bigint (tells -0 from 0). */
function bits(v: number): bigint {
  return new BigUint64Array(new Float64Array([v]).buffer)[0]!;
}

/** Expects the scanner to give exactly Number(token) for every token; returns the count checked. */
function expectAllExact(tokens: readonly string[]): number {
  const wrong: string[] = [];
  for (const t of tokens) if (bits(scan(t)) !== bits(Number(t))) wrong.push(t);
  expect(wrong.slice(0, 5)).toEqual([]);
  return tokens.length;
}

/** A random float64 from random bits (finite only). */
function randomDouble(rand: () => number): number {
  const u = new Uint32Array([Math.floor(rand() * 2 ** 32), Math.floor(rand() * 2 ** 32)]);
  const v = new Float64Array(u.buffer)[0]!;
  return Number.isFinite(v) ? v : rand();
}

/** A random decimal string of the format's grammar: sign, digits, point, exponent in every form. */
function randomDecimal(rand: () => number): string {
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join('');
  const sign = ['', '', '-', '+'][Math.floor(rand() * 4)]!;
  const int = digits(Math.floor(rand() * (rand() < 0.2 ? 26 : 4)));
  const frac = digits(Math.floor(rand() * (rand() < 0.2 ? 26 : 20)));
  let body = rand() < 0.5 || int === '' ? `${int}.${frac}` : int;
  if (body === '.') body = `0.${frac || '5'}`;
  if (body.endsWith('.') && rand() < 0.5) body += '0';
  const exp = rand() < 0.5 ? '' : `${rand() < 0.5 ? 'e' : 'E'}${['', '-', '+'][Math.floor(rand() * 3)]}${Math.floor(rand() * (rand() < 0.3 ? 400 : 40))}`;
  return sign + body + exp;
}

/**
 * Decimal strings within one unit of the 19th digit of the exact midpoint between a random double
 * and its successor: the cases where a conversion without correct rounding goes wrong.
 */
function nearMidpoints(rand: () => number, count: number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const v = Math.abs(randomDouble(rand)) % 1e6;
    if (v === 0 || v < 1e-30) continue;
    const b = bits(v);
    const mant = (b & ((1n << 52n) - 1n)) | (1n << 52n);
    const e = Number((b >> 52n) & 0x7ffn) - 1075;
    // midpoint = (2·mant + 1) · 2^(e-1)
    const k = 1 - e;
    const [num, scale] = k > 0 ? [(2n * mant + 1n) * 5n ** BigInt(k), k] : [(2n * mant + 1n) << BigInt(-k), 0];
    const s = num.toString();
    for (const len of [17, 18, 19]) {
      if (s.length <= len) continue;
      const cut = BigInt(s.slice(0, len));
      const e10 = s.length - len - scale;
      for (const d of [cut - 1n, cut, cut + 1n]) out.push(`${d}e${e10}`);
    }
    out.push(`${s}e${-scale}`);
  }
  return out;
}

describe('byte-level decimal parser', () => {
  it('gives exactly Number() on the shortest round-trip strings of 20,000 random doubles', () => {
    const rand = uniform(11);
    const tokens: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = randomDouble(rand);
      tokens.push(String(v), String(v % 1), String((v % 1) * 1e-3), (v % 1000).toPrecision(1 + (i % 21)));
    }
    expect(expectAllExact(tokens)).toBe(80000);
  });

  it('gives exactly Number() on 50,000 random decimals (digits 0–50, exponents to ±400, signs)', () => {
    const rand = uniform(12);
    expectAllExact(Array.from({ length: 50000 }, () => randomDecimal(rand)));
  });

  it('gives exactly Number() next to rounding midpoints (17–19 digits and the exact midpoint)', () => {
    expectAllExact(nearMidpoints(uniform(13), 3000));
  });

  it('gives exactly Number() on subnormals, extremes, zeros and signs', () => {
    expectAllExact([
      '1e-310', '-1e-310', '4.9e-324', '5e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '1e-400',
      '2.2250738585072011e-308', '2.2250738585072014e-308', '1.7976931348623157e308', '1.7976931348623159e308', '1e309',
      '-0', '+0', '0.000', '-0.0e5', '0e-999', '00012.5000', '.5', '5.', '-.25e+2', '9007199254740993', '9007199254740992.5',
      '123456789012345678', '1234567890123456789', '12345678901234567890', '0.1', '0.2', '0.30000000000000004',
      '1e22', '1e23', '1e-22', '1e-23', '8.589973e9', '123456789012345.6789e-30', '1E+05', '7e44', '7e-44', '7e45',
    ]);
  });

  it.each(['', '+', '-', '.', '+.', 'e5', '.e1', '1e', '1e+', '1.2.3', '0x10', 'nan', 'inf', '-Infinity', '1,5', '--1', '1e5.5', '1 ', 'Ⅰ', '١'])(
    'returns NaN for %j, which is not a number of the format',
    (token) => expect(scan(token)).toBeNaN(),
  );
});

describe('decimalToDouble', () => {
  it('refuses exponents beyond the certified range (the caller falls back to Number)', () => {
    expect(decimalToDouble(1, 0, 0, 45)).toBeUndefined();
    expect(decimalToDouble(1, 0, 0, -45)).toBeUndefined();
    expect(decimalToDouble(123, 0, 0, -44)).toBe(123e-44);
  });

  it('declines exact rounding ties it cannot certify instead of guessing (2^53 + 1, 17 digits)', () => {
    // 9007199254740993 = 900719925474099·10 + 3 lies exactly halfway between two doubles.
    expect(decimalToDouble(900719925474099, 3, 1, 0)).toBeUndefined();
    expect(decimalToDouble(900719925474099, 4, 1, 0)).toBe(9007199254740994);
    expect(scan('9007199254740993')).toBe(9007199254740992);
  });
});

describe('readNumberRow', () => {
  it('reads a line with mixed blanks and counts every token, also past the output', () => {
    const b = encoder.encode(' 1\t-2.5e1  3\r\x0b4\x0c5 ');
    const out = new Float64Array(3);
    const row = readNumberRow(b, 0, b.length, out);
    expect(row).toEqual({ count: 5, badIndex: -1, badStart: 0, badEnd: 0 });
    expect([...out]).toEqual([1, -25, 3]);
    expect(countTokens(b, 0, b.length)).toBe(5);
  });

  it('reports the first bad token by index and byte range', () => {
    const b = encoder.encode('1 2 x3 nan');
    const row = readNumberRow(b, 0, b.length, new Float64Array(4));
    expect(row).toEqual({ count: 4, badIndex: 2, badStart: 4, badEnd: 6 });
  });

  it('reads a long seeded line of shortest round-trip doubles bit-identically to Number()', () => {
    const rand = uniform(14);
    const values = Array.from({ length: 5000 }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 8));
    const b = encoder.encode(values.join(' '));
    const out = new Float64Array(values.length);
    expect(readNumberRow(b, 0, b.length, out).count).toBe(values.length);
    expect([...out].map(bits)).toEqual(values.map(bits));
  });
});
