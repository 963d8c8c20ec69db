import type { Limits } from '../engine/budget.js';
import { LrpError } from '../errors.js';
import { type OptionSpec, type ParsedArgs, option } from './args.js';

/** `--max-memory BYTES` and `--max-cost N`: the request budgets of the library's {@link Limits}. */
export const limitOptionSpecs: readonly OptionSpec[] = [
  { name: 'max-memory', value: true, arg: 'BYTES', help: 'refuse a run planned to need more memory (units K, M, G, T; inf)' },
  { name: 'max-cost', value: true, arg: 'N', help: 'refuse a run planned above N multiply-adds per sample (inf)' },
];

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gib: 2 ** 30, t: 2 ** 40, tib: 2 ** 40 };

/** A positive amount: a number (`1e10`), for bytes with a binary unit (`512M`, `4GiB`), or `inf`. */
function amount(args: ParsedArgs, name: string, units: boolean): number | undefined {
  const v = option(args, name);
  if (v === undefined) return undefined;
  if (/^(inf|infinity)$/i.test(v.trim())) return Infinity;
  const m = /^\s*([0-9.]+(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  const n = m && (units || m[2] === '') && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!(n > 0)) {
    throw new LrpError('E_USAGE', `--${name} needs a positive number${units ? ' of bytes (units K, M, G, T)' : ''} or inf, got '${v}'`);
  }
  return n;
}

/** The {@link Limits} given on the command line (unset ones take the library's defaults). */
export function limitsFrom(args: ParsedArgs): Limits {
  return { maxMemory: amount(args, 'max-memory', true), maxCost: amount(args, 'max-cost', false) };
}
