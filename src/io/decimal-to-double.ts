/**
 * Correctly rounded conversion of a decimal `±W · 10^q` (W an integer of at most 19 digits) to the
 * nearest float64, without building a string: the same number `Number()` and Python's `float()`
 * give. Two exact-or-certified paths cover the values model files hold; everything else returns
 * `undefined` so that the caller can fall back to `Number()` on the token.
 *
 * - Clinger's fast path: W < 2^53 and |q| ≤ 22 — W and 10^|q| are exact doubles, so one IEEE
 *   multiplication or division rounds the exact value once, correctly.
 * - A certified double-double path for up to 19 digits and |q| ≤ 44: W·10^q is computed with
 *   about 2^-100 relative error (Dekker's exact products), then rounded; the result is kept only
 *   when the whole error interval rounds to the same double (checked by rounding both ends), so a
 *   value near a rounding midpoint goes to the fallback instead of being rounded wrongly.
 */

/** 10^0 … 10^22: every one an exact double. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Veltkamp's splitter for float64: 2^27 + 1. */
const SPLITTER = 134217729;
/** Half-width of the interval checked around the double-double result, relative (2^-90). */
const MARGIN = 2 ** -90;

/** Scratch for the double-double pair (hi, lo) produced by the helpers (no allocation per value). */
let hi = 0;
let lo = 0;

/** Sets (hi, lo) to the exact product a·b (Dekker's TwoProduct; needs |a|, |b| < 2^995). */
function twoProduct(a: number, b: number): void {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  hi = p;
  lo = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** Multiplies the pair (h, l) by the exact double d into (hi, lo). */
function mulPair(h: number, l: number, d: number): void {
  twoProduct(h, d);
  const s = hi;
  const e = lo + l * d;
  hi = s + e;
  lo = e - (hi - s);
}

/** Divides the pair (h, l) by the exact double d into (hi, lo). */
function divPair(h: number, l: number, d: number): void {
  const q1 = h / d;
  twoProduct(q1, d);
  const r = h - hi - lo + l;
  const q2 = r / d;
  hi = q1 + q2;
  lo = q2 - (hi - q1);
}

/** Veltkamp splits of 10^0 … 10^22 (high and low halves, each exact in 26 bits). */
const POW10_HI: readonly number[] = POW10.map((d) => SPLITTER * d - (SPLITTER * d - d));
const POW10_LO: readonly number[] = POW10.map((d, k) => d - POW10_HI[k]!);

/**
 * Rounds the double-double (h, l) to float64 when the interval of ±2^-90 relative around it rounds
 * to one double (so the exact value, within 2^-100 of (h, l), rounds there too); else `undefined`.
 */
function certified(h: number, l: number): number | undefined {
  const s = h + l;
  const t = l - (s - h);
  const m = s * MARGIN;
  return s + (t + m) !== s || s + (t - m) !== s ? undefined : s;
}

/**
 * The float64 nearest to `w·10^q`, where `w = head·10^tailDigits + tail` is a positive integer:
 * `head` holds the first (at most 15) significant digits, `tail` the next `tailDigits` (0–4).
 * Returns `undefined` where neither path applies or the certified path cannot decide.
 */
export function decimalToDouble(head: number, tail: number, tailDigits: number, q: number): number | undefined {
  if (tailDigits === 0) {
    if (q >= 0 && q <= 22) return head * POW10[q]!;
    if (q < 0 && q >= -22) return head / POW10[-q]!;
  }
  if (q < -44 || q > 44) return undefined;
  // W exactly as a double-double: head·10^k (exact: 10^k ≤ 10^4 needs no split) + tail.
  const k = POW10[tailDigits]!;
  let c = SPLITTER * head;
  const ah = c - (c - head);
  const p = head * k;
  const pe = ah * k - p + (head - ah) * k;
  let h = p + tail;
  let l = pe + (tail - (h - p));
  c = h + l;
  l = l - (c - h);
  h = c;
  if (q < 0 && q >= -22) {
    // The common case of model weights: one double-double division by an exact power of ten.
    const e = -q;
    const d = POW10[e]!;
    const q1 = h / d;
    c = SPLITTER * q1;
    const qh = c - (c - q1);
    const ql = q1 - qh;
    const dh = POW10_HI[e]!;
    const dl = POW10_LO[e]!;
    const pp = q1 * d;
    const ee = qh * dh - pp + qh * dl + ql * dh + ql * dl;
    const q2 = (h - pp - ee + l) / d;
    return certified(q1, q2);
  }
  if (q > 0) {
    if (q > 22) {
      mulPair(h, l, POW10[22]!);
      mulPair(hi, lo, POW10[q - 22]!);
    } else mulPair(h, l, POW10[q]!);
  } else if (q < 0) {
    divPair(h, l, POW10[22]!);
    divPair(hi, lo, POW10[-q - 22]!);
  } else {
    hi = h;
    lo = l;
  }
  return certified(hi, lo);
}
