/**
 * The options of `lrp batch`: every option of `lrp explain` that applies to one input (shared specs
 * and parsers, not copies), the demonstrator's `-c/-f/-p`, image preprocessing, and the scale-out
 * options. A config file's keys become the same options (the command line wins), and the options
 * that describe the work travel as words to queue workers, which parse them with the same code.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseDemonstratorConfig } from '../batch/demonstrator-config.js';
import type { BatchSettings } from '../batch/settings.js';
import { LrpError } from '../errors.js';
import { readFileBytes } from '../io/file-system.js';
import { colormapNames } from '../render/colormaps.js';
import { type OptionSpec, type ParsedArgs, flag, integerOption, option, parseArgs, required } from './args.js';
import { backendFrom, backendOptionSpec } from './backend-option.js';
import { limitOptionSpecs, limitsFrom } from './limit-options.js';
import { dtypeOptionSpec } from './output-precision.js';
import { explainOptionsFrom, ruleOptionSpecs } from './rule-options.js';
import { parseDType } from './args.js';

/** The options that say what is done to each input: they travel to queue workers. */
export const workSpecs: readonly OptionSpec[] = [
  { name: 'model', value: true, arg: 'M', help: 'the model (as for lrp explain)' },
  { name: 'out', value: true, arg: 'DIR', help: 'the output folder: OUT/<file>.relevance.npy and .heatmap.png per input, OUT/scores.csv, OUT/errors.csv' },
  { name: 'prepath', value: true, arg: 'DIR', help: "the folder the list's paths are relative to (default: the list's folder); entries never leave it" },
  { name: 'target', value: true, arg: 'T', help: 'the class for inputs whose list line names none (or -1): argmax (default) or a class number' },
  { name: 'keep-softmax', value: false, help: "explain through the model's final SoftMax (dropped by default)" },
  ...ruleOptionSpecs,
  { name: 'relevance-at', value: true, arg: 'I', help: 'stop at the input of layer I (default 0, the model input)' },
  backendOptionSpec,
  { name: 'batch-size', value: true, arg: 'N', help: 'inputs explained together (default 64)' },
  { name: 'workers', value: true, arg: 'N|auto', help: 'worker threads sharing each group of inputs (auto: the cores available; default: in-thread)' },
  ...limitOptionSpecs,
  { ...dtypeOptionSpec, help: 'the precision of the .relevance.npy files (default f32)' },
  { name: 'input-size', value: true, arg: 'HxW', help: "resize and centre-crop images to H x W (default: the model's input)" },
  { name: 'pixel-range', value: true, arg: 'LO,HI', help: 'pixel values 0 and 255 map to LO and HI (default 0,1)' },
  { name: 'means', value: true, arg: 'M1,M2,M3', help: 'subtract these per-channel means after the mapping (one value, or one per channel)' },
  { name: 'mean-file', value: true, arg: 'MEAN.npy', help: 'subtract this mean: one value per channel [C] or a mean image [H, W, C]' },
  { name: 'cmap', value: true, arg: 'NAME', help: 'the colour map of the heatmaps (default jet)' },
  { name: 'top-k', value: true, arg: 'K', help: 'classes listed per input in scores.csv (default 10)' },
  { name: 'no-resume', value: false, help: 'explain every input again (by default inputs whose outputs exist are skipped)' },
];

/** Options naming files, made absolute before they travel to workers. */
const PATH_OPTIONS = new Set(['model', 'out', 'prepath', 'mean-file']);

/** The demonstrator's short flags. */
const SHORT_FLAGS: Readonly<Record<string, string>> = { '-c': '--config', '-f': '--files', '-p': '--prepath' };

/** Rewrites `-c X`, `-f X`, `-p X` as their long options (values of other options are left alone). */
export function longFlags(argv: readonly string[], specs: readonly OptionSpec[]): string[] {
  const takesValue = new Set(specs.filter((s) => s.value).map((s) => `--${s.name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    out.push(SHORT_FLAGS[a] ?? a);
    if (takesValue.has(a) && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}

/**
 * Adds a config file's options to the command line's: each config key becomes its option unless the
 * command line gives that option too (the command line wins).
 * @throws LrpError `E_USAGE` naming the config line for keys that are unknown or do not apply.
 */
export async function withConfig(argv: readonly string[], configPath: string | undefined): Promise<string[]> {
  if (configPath === undefined) return [...argv];
  const text = new TextDecoder().decode(await readFileBytes(configPath));
  const given = new Set(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]));
  const extra = parseDemonstratorConfig(text, configPath).filter((o) => !given.has(o.name));
  return [...argv, ...extra.flatMap((o) => [`--${o.name}`, o.value])];
}

/** The words of the work options in `args`, paths made absolute: what a queue job carries. */
export function workArgv(args: ParsedArgs): string[] {
  const words: string[] = [];
  for (const spec of workSpecs) {
    for (const value of args.options.get(spec.name) ?? []) {
      if (!spec.value) words.push(`--${spec.name}`);
      else words.push(`--${spec.name}`, PATH_OPTIONS.has(spec.name) && !isAbsolute(value) ? resolve(value) : value);
    }
  }
  return words;
}

/** A list of numbers `A,B,...` for `--name`. */
function numberList(text: string, name: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === '') || !values.every(Number.isFinite)) throw new LrpError('E_USAGE', `needs numbers separated by commas, got '${text}'`, `--${name}`);
  return values;
}

function inputSize(text: string | undefined): readonly [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*(?:[x×,]\s*(\d+)\s*)?$/i.exec(text);
  const h = Number(m?.[1]);
  const w = Number(m?.[2] ?? m?.[1]);
  if (!m || !(h >= 1 && w >= 1 && h <= 16384 && w <= 16384)) throw new LrpError('E_USAGE', `needs HxW (or one side S for S x S), 1 to 16384, got '${text}'`, '--input-size');
  return [h, w];
}

function pixelRange(text: string | undefined): readonly [number, number] {
  if (text === undefined) return [0, 1];
  const v = numberList(text, 'pixel-range');
  if (v.length !== 2 || !(v[0]! < v[1]!)) throw new LrpError('E_USAGE', `needs LO,HI with LO < HI, got '${text}'`, '--pixel-range');
  return [v[0]!, v[1]!];
}

function defaultTarget(text: string | undefined): 'argmax' | number {
  if (text === undefined || text === 'argmax' || text === '-1') return 'argmax';
  if (/^\d+$/.test(text) && Number(text) <= 2 ** 31 - 1) return Number(text);
  throw new LrpError('E_USAGE', `must be argmax or a class number (per-input classes go in the file list), got '${text}'`, '--target');
}

/**
 * The {@link BatchSettings} of parsed work options (`listFolder` is the default `--prepath`).
 * @throws LrpError `E_USAGE` (or the rule parsers' codes) naming the option at fault.
 */
export function batchSettingsFrom(args: ParsedArgs, listFolder: string): BatchSettings {
  const means = option(args, 'means');
  const meanFile = option(args, 'mean-file');
  if (means !== undefined && meanFile !== undefined) throw new LrpError('E_USAGE', 'give one mean: --means or --mean-file', '--means/--mean-file');
  const cmap = option(args, 'cmap') ?? 'jet';
  if (!colormapNames.includes(cmap)) throw new LrpError('E_RULE', `unknown colormap '${cmap}' (known: ${colormapNames.join(', ')})`, '--cmap');
  const workers = option(args, 'workers') === 'auto' ? 'auto' : integerOption(args, 'workers', 0, 1024);
  return {
    modelPath: required(args, 'model'),
    out: required(args, 'out'),
    prepath: option(args, 'prepath') ?? listFolder,
    explain: { ...explainOptionsFrom(args), relevanceAt: integerOption(args, 'relevance-at', 0) },
    defaultTarget: defaultTarget(option(args, 'target')),
    backend: backendFrom(args),
    keepSoftmax: flag(args, 'keep-softmax'),
    limits: limitsFrom(args),
    ...(workers === undefined ? {} : { workers }),
    batchSize: integerOption(args, 'batch-size', 1, 65536) ?? 64,
    dtype: parseDType(option(args, 'dtype')),
    inputSize: inputSize(option(args, 'input-size')),
    pixelRange: pixelRange(option(args, 'pixel-range')),
    means: means === undefined ? undefined : numberList(means, 'means'),
    meanFile,
    cmap,
    topK: integerOption(args, 'top-k', 1, 100000) ?? 10,
    resume: !flag(args, 'no-resume'),
  };
}

/** Parses work options alone (a queue job's words) into settings. */
export function settingsFromWords(words: readonly string[]): BatchSettings {
  const args = parseArgs(words, workSpecs);
  return batchSettingsFrom(args, required(args, 'prepath'));
}
