import { LrpError } from '../errors.js';

/** A JSON object read from a tfjs `model.json` (any value may be anything until checked). */
export type JsonObject = { readonly [key: string]: unknown };

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` as a JSON object, else `E_FORMAT` naming `what` and `where`. */
export function expectObject(v: unknown, what: string, where: string): JsonObject {
  if (!isJsonObject(v)) throw new LrpError('E_FORMAT', `${what} must be an object, got ${describe(v)}`, where);
  return v;
}

/** `v` as an array, else `E_FORMAT` naming `what` and `where`. */
export function expectArray(v: unknown, what: string, where: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new LrpError('E_FORMAT', `${what} must be an array, got ${describe(v)}`, where);
  return v;
}

/** `v` as a string, else `E_FORMAT`. */
export function expectString(v: unknown, what: string, where: string): string {
  if (typeof v !== 'string') throw new LrpError('E_FORMAT', `${what} must be a string, got ${describe(v)}`, where);
  return v;
}

/** `v` as a finite number, else `E_FORMAT`. */
export function expectNumber(v: unknown, what: string, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new LrpError('E_FORMAT', `${what} must be a finite number, got ${describe(v)}`, where);
  return v;
}

/** `v` as an integer in `[min, max]`, else `E_FORMAT`. */
export function expectInt(v: unknown, what: string, where: string, min = 1, max = 2 ** 31 - 1): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new LrpError('E_FORMAT', `${what} must be an integer in [${min}, ${max}], got ${describe(v)}`, where);
  }
  return v;
}

/** A pair of positive integers given as `n` or `[a, b]` (Keras `kernel_size`, `strides`, ...). */
export function expectPair(v: unknown, what: string, where: string, max = 2 ** 16): [number, number] {
  if (typeof v === 'number') {
    const n = expectInt(v, what, where, 1, max);
    return [n, n];
  }
  const a = expectArray(v, what, where);
  if (a.length !== 2) throw new LrpError('E_FORMAT', `${what} must have 2 entries, got ${a.length}`, where);
  return [expectInt(a[0], `${what}[0]`, where, 1, max), expectInt(a[1], `${what}[1]`, where, 1, max)];
}

/** Own property `key` of a config object (never an inherited one such as `constructor`). */
export function field(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A short description of a JSON value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Parses JSON text from bytes; a syntax error or a non-object is `E_FORMAT` naming `file`. */
export function parseJsonObject(bytes: Uint8Array, file: string): JsonObject {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new LrpError('E_FORMAT', 'is not UTF-8 text (a tfjs model.json is JSON)', file);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new LrpError('E_FORMAT', `is not valid JSON: ${(e as Error).message}`, file);
  }
  return expectObject(v, 'the top level', file);
}
