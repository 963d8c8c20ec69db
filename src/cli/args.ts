import { LrpError } from '../errors.js';
import type { OutputDType } from '../io/tensor-files.js';

/** Parsed command line: positional words and options (repeatable options keep every value). */
export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string[]>;
}

/**
 * One option of a command: the parser, `lrp <command> --help` and the README's synopsis all come
 * from these (tests check they agree).
 */
export interface OptionSpec {
  /** The name without its dashes: `model` for `--model`. */
  readonly name: string;
  /** Whether it takes a value (`--name VALUE` or `--name=VALUE`); else it is a boolean flag. */
  readonly value: boolean;
  /** Whether it may be given more than once (every value is kept). */
  readonly repeat?: boolean;
  /** The value's placeholder in help texts (`M`, `js|wasm|auto`); only for options with a value. */
  readonly arg?: string;
  /** One line saying what the option does, for `--help`. */
  readonly help: string;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--flag` options against `specs`. Unknown
 * options, options given twice (unless repeatable), and missing or empty values (a value cannot
 * be the next `--option`) are `E_USAGE` errors naming the option.
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new LrpError('E_USAGE', `unknown option --${name}`);
    let value = 'true';
    if (spec.value) {
      if (eq >= 0) value = a.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
      else throw new LrpError('E_USAGE', `option --${name} needs a value${i + 1 < argv.length ? ` (got the option ${argv[i + 1]})` : ''}`);
      if (value.trim() === '') throw new LrpError('E_USAGE', `option --${name} needs a value, got an empty one`);
    } else if (eq >= 0) throw new LrpError('E_USAGE', `option --${name} takes no value`);
    const list = options.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new LrpError('E_USAGE', `option --${name} given twice`);
    list.push(value);
    options.set(name, list);
  }
  return { positional, options };
}

/** The single value of an option, or `undefined`. */
export function option(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0];
}

/** The value of a required option. */
export function required(args: ParsedArgs, name: string): string {
  const v = option(args, name);
  if (v === undefined) throw new LrpError('E_USAGE', `missing --${name}`);
  return v;
}

/** A numeric option (finite), or `undefined`; `integer` also requires an integer. */
export function numberOption(args: ParsedArgs, name: string, integer = false): number | undefined {
  const v = option(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new LrpError('E_USAGE', `--${name} needs ${integer ? 'an integer' : 'a number'}, got '${v}'`);
  }
  return n;
}

/** The largest count or index an integer option takes (int32, the engine's sizes). */
export const MAX_INTEGER_OPTION = 2 ** 31 - 1;

/**
 * An integer option within `[min, max]` (max defaults to {@link MAX_INTEGER_OPTION}), or
 * `undefined`; anything else is an `E_USAGE` error naming the option and the range.
 */
export function integerOption(args: ParsedArgs, name: string, min: number, max = MAX_INTEGER_OPTION): number | undefined {
  const v = option(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new LrpError('E_USAGE', `--${name} needs an integer from ${min} to ${max}, got '${v}'`);
  }
  return n;
}

/** The largest seed (seeds are unsigned 32-bit). */
export const MAX_SEED = 2 ** 32 - 1;

/** True when a boolean flag is present. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

/** Parses `--dtype`. */
export function parseDType(v: string | undefined): OutputDType {
  if (v === undefined || v === 'f32' || v === 'float32') return 'f32';
  if (v === 'f64' || v === 'float64') return 'f64';
  throw new LrpError('E_USAGE', `--dtype must be f32 or f64, got '${v}'`);
}

/**
 * Whether `argv` asks for help: `--help` or `-h` as an option of its own (not the value of an
 * option before it, so `--input -h` reads a file named `-h`).
 */
export function asksForHelp(argv: readonly string[], specs: readonly OptionSpec[]): boolean {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return true;
    if (a.startsWith('--') && !a.includes('=') && byName.get(a.slice(2))?.value) i++;
  }
  return false;
}
