import { decimalToDouble } from './decimal-to-double.js';

/**
 * Byte-level reading of whitespace-separated decimal numbers (ASCII), without a string per value:
 * each token is scanned once into its significant digits and decimal exponent and converted by
 * {@link decimalToDouble}; the rare token it cannot decide goes to `Number()` on that token alone.
 * Every value is bit-identical to `Number(token)`.
 *
 * The grammar is the toolbox text format's: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
 * Whitespace is space, tab, CR, vertical tab and form feed (a line's bytes exclude its `\n`).
 */

/** True for the bytes that separate tokens within a line. */
export function isBlankByte(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** The bytes [start, end) as a string, byte k as code point k (for messages and fallbacks only). */
export function bytesToLatin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += 4096) s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 4096)));
  return s;
}

/** The number of whitespace-separated tokens in bytes [start, end). */
export function countTokens(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  let inToken = false;
  for (let i = start; i < end; i++) {
    const blank = isBlankByte(bytes[i]!);
    if (!blank && !inToken) n++;
    inToken = !blank;
  }
  return n;
}

/** Where the last {@link parseDecimalPrefix} stopped. */
let stop = 0;

/** The byte offset where the last {@link parseDecimalPrefix} call stopped. */
export function decimalPrefixEnd(): number {
  return stop;
}

/**
 * Parses the longest prefix of bytes [start, end) that the grammar allows and leaves its end for
 * {@link decimalPrefixEnd}; `NaN` where no number starts at `start`. Values are bit-identical to
 * `Number()` of the prefix.
 */
export function parseDecimalPrefix(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
    negative = bytes[i] === 45;
    i++;
  }
  let head = 0;
  let tail = 0;
  let digits = 0; // significant digits (leading zeros excluded)
  let q = 0;
  const first = i;
  while (i < end && bytes[i] === 48) i++;
  // Integer part: 15 digits into head, 4 more into tail, any further ones only counted (they
  // force the fallback, as more than 19 digits do).
  for (; i < end; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) break;
    if (digits < 15) head = head * 10 + d;
    else if (digits < 19) tail = tail * 10 + d;
    digits++;
  }
  let sawDigit = i > first;
  if (i < end && bytes[i] === 46) {
    i++;
    const frac = i;
    if (digits === 0) while (i < end && bytes[i] === 48) i++;
    q = frac - i;
    for (; i < end; i++) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) break;
      if (digits < 15) head = head * 10 + d;
      else if (digits < 19) tail = tail * 10 + d;
      digits++;
      q--;
    }
    sawDigit ||= i > frac;
  }
  stop = i;
  if (!sawDigit) return NaN;
  if (i < end && (bytes[i]! | 32) === 101) {
    i++;
    let expNegative = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
      expNegative = bytes[i] === 45;
      i++;
    }
    const expStart = i;
    let e = 0;
    for (; i < end; i++) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
    }
    if (i === expStart) return NaN;
    q += expNegative ? -e : e;
    stop = i;
  }
  if (digits === 0) return negative ? -0 : 0;
  const v = digits <= 19 ? decimalToDouble(head, tail, digits > 15 ? digits - 15 : 0, q) : undefined;
  if (v !== undefined) return negative ? -v : v;
  return Number(bytesToLatin1(bytes, start, i));
}

/**
 * The value of the token bytes [start, end): the float64 `Number()` gives, or `NaN` where the
 * token is not a decimal number of the grammar above (`nan`, `inf`, `0x10`, `1e`, …). Values out
 * of range come back as ±Infinity or ±0, as from `Number()`.
 */
export function parseDecimalToken(bytes: Uint8Array, start: number, end: number): number {
  const v = parseDecimalPrefix(bytes, start, end);
  return stop === end ? v : NaN;
}

/** Outcome of {@link readNumberRow}. */
export interface NumberRow {
  /** Tokens on the line (all of them, also past `out.length`). */
  readonly count: number;
  /** Index of the first token that is not a number, or -1. */
  readonly badIndex: number;
  /** Byte range of that token. */
  readonly badStart: number;
  readonly badEnd: number;
}

/**
 * Reads the whitespace-separated numbers of bytes [start, end) into `out` (as far as it holds),
 * counting every token. Tokens that are not numbers (see {@link parseDecimalToken}) are reported
 * by index and byte range; values are written unchecked (±Infinity where a token overflows).
 */
export function readNumberRow(bytes: Uint8Array, start: number, end: number, out: Float64Array): NumberRow {
  const cap = out.length;
  let n = 0;
  let badIndex = -1;
  let badStart = 0;
  let badEnd = 0;
  let i = start;
  for (;;) {
    while (i < end && isBlankByte(bytes[i]!)) i++;
    if (i >= end) break;
    const t = i;
    if (n < cap) {
      let v = parseDecimalPrefix(bytes, t, end);
      i = stop;
      if (i < end && !isBlankByte(bytes[i]!)) {
        v = NaN;
        while (i < end && !isBlankByte(bytes[i]!)) i++;
      }
      // biome-ignore lint/suspicious/noSelfCompare: the hot path's NaN test
      if (v !== v && badIndex < 0) {
        badIndex = n;
        badStart = t;
        badEnd = i;
      }
      out[n] = v;
    } else while (i < end && !isBlankByte(bytes[i]!)) i++;
    n++;
  }
  return { count: n, badIndex, badStart, badEnd };
}
