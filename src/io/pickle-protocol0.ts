/**
 * Decoders for the text arguments of pickle protocol 0 (the newline-terminated arguments of
 * `INT`, `LONG`, `FLOAT`, `STRING`, `UNICODE`, `PUT`/`GET`). Each returns `undefined` where the
 * text is malformed so that the caller can raise an error naming the byte offset.
 */

/** Longest decimal integer accepted (digits); Python allows more, model files never need it. */
const MAX_DIGITS = 400;

/** Latin-1 decoding: byte k becomes code point k. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * A Python decimal integer (`int()` / `long()` syntax: optional sign, digits, optional `L` suffix,
 * surrounding blanks) as a number where it is a safe integer, else a bigint.
 */
export function parseDecimalInt(text: string): number | bigint | undefined {
  const m = /^\s*([+-]?)(\d+)[lL]?\s*$/.exec(text);
  if (!m || m[2]!.length > MAX_DIGITS) return undefined;
  const big = BigInt(m[1] + m[2]!);
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/** A Python `float()` literal: decimal, exponent, `nan`, `inf`, `infinity`, with sign. */
export function parsePyFloat(text: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return Number(t);
  const m = /^([+-]?)(nan|inf|infinity)$/i.exec(t);
  if (!m) return undefined;
  if (m[2]!.toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** Escape letter → the byte it stands for: `\\ \' \" \a \b \f \n \r \t \v`. */
const SIMPLE_ESCAPES: ReadonlyMap<number, number> = new Map(
  Object.entries({ '\\': 0x5c, "'": 0x27, '"': 0x22, a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b }).map(
    ([letter, byte]) => [letter.charCodeAt(0), byte],
  ),
);

const isOctal = (c: number): boolean => c >= 0x30 && c <= 0x37;
const hexValue = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;

/**
 * The bytes of a Python 2 `str` repr as `STRING` writes it: quoted with `'` or `"`, with the
 * `string-escape` codec's escapes (`\\`, `\'`, `\n`, …, `\xhh`, octal `\ooo`; unknown escapes keep
 * their backslash).
 */
export function decodeStringRepr(line: Uint8Array): Uint8Array | undefined {
  const q = line[0];
  if ((q !== 0x27 && q !== 0x22) || line.length < 2 || line[line.length - 1] !== q) return undefined;
  const out = new Uint8Array(line.length);
  let n = 0;
  for (let i = 1; i < line.length - 1; i++) {
    const c = line[i]!;
    if (c !== 0x5c) {
      out[n++] = c;
      continue;
    }
    if (i + 1 >= line.length - 1) return undefined;
    const e = line[++i]!;
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) out[n++] = simple;
    else if (e === 0x0a) continue;
    else if (e === 0x78) {
      const h1 = hexValue(line[i + 1] ?? 0);
      const h2 = i + 2 < line.length - 1 ? hexValue(line[i + 2]!) : -1;
      if (h1 < 0 || h2 < 0) return undefined;
      out[n++] = h1 * 16 + h2;
      i += 2;
    } else if (isOctal(e)) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < line.length - 1 && isOctal(line[i + 1]!); k++) v = v * 8 + (line[++i]! - 0x30);
      out[n++] = v & 0xff;
    } else {
      out[n++] = 0x5c;
      out[n++] = e;
    }
  }
  return out.slice(0, n);
}

/** Python's `raw-unicode-escape` decoding (the argument of `UNICODE`): `\uXXXX`, `\UXXXXXXXX`, else latin-1. */
export function decodeRawUnicodeEscape(line: Uint8Array): string | undefined {
  let s = '';
  let plainFrom = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== 0x5c || (line[i + 1] !== 0x75 && line[i + 1] !== 0x55)) continue;
    // An escape only counts after an even number of backslashes.
    let slashes = 0;
    for (let k = i; k >= 0 && line[k] === 0x5c; k--) slashes++;
    if (slashes % 2 === 0) continue;
    const digits = line[i + 1] === 0x75 ? 4 : 8;
    let cp = 0;
    for (let k = 0; k < digits; k++) {
      const h = hexValue(line[i + 2 + k] ?? 0x100);
      if (h < 0) return undefined;
      cp = cp * 16 + h;
    }
    if (cp > 0x10ffff) return undefined;
    s += latin1(line.subarray(plainFrom, i)) + String.fromCodePoint(cp);
    i += 1 + digits;
    plainFrom = i + 1;
  }
  return s + latin1(line.subarray(plainFrom));
}
