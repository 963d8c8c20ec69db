import { LrpError } from '../errors.js';
import type { ExplainOptions } from '../explainer.js';
import { parseMethod } from '../rules/method.js';
import { type Rule, parseRule } from '../rules/rule.js';
import { type ParsedArgs, type OptionSpec, MAX_INTEGER_OPTION, MAX_SEED, integerOption, numberOption, option } from './args.js';

/** Options that choose how to explain (shared by `explain` and later `batch`/`demo`). */
export const ruleOptionSpecs: readonly OptionSpec[] = [
  { name: 'rule', value: true },
  { name: 'layer-rule', value: true, repeat: true },
  { name: 'composite', value: true },
  { name: 'formula', value: true },
  { name: 'epsilon', value: true },
  { name: 'beta', value: true },
  { name: 'gamma', value: true },
  { name: 'low', value: true },
  { name: 'high', value: true },
  { name: 'aux-layer', value: true },
  { name: 'method', value: true },
  { name: 'steps', value: true },
  { name: 'samples', value: true },
  { name: 'noise', value: true },
  { name: 'seed', value: true },
  { name: 'baseline', value: true },
];

/** Refuses a z^B box whose lower bound exceeds its upper bound (`E_USAGE`, naming the flag). */
function checkBox(low: number | Float64Array | undefined, high: number | Float64Array | undefined, where: string): void {
  if (typeof low === 'number' && typeof high === 'number' && low > high) {
    throw new LrpError('E_USAGE', `the box's low bound ${low} is above its high bound ${high}`, where);
  }
}

function parseCheckedRule(text: string, where: string): Rule {
  const rule = parseRule(text, where);
  if (rule.name === 'zbox') checkBox(rule.low, rule.high, where);
  return rule;
}

function layerRule(text: string): readonly [number, Rule] {
  const colon = text.indexOf(':');
  const index = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isInteger(index) || index < 0 || index > MAX_INTEGER_OPTION) {
    throw new LrpError('E_USAGE', `--layer-rule needs INDEX:SPEC with an index from 0, got '${text}'`);
  }
  return [index, parseCheckedRule(text.slice(colon + 1), `--layer-rule ${text}`)];
}

/** Each `--layer-rule`; a layer named twice is an `E_USAGE` error (which rule would win is a guess). */
function layerRules(args: ParsedArgs): (readonly [number, Rule])[] {
  const texts = args.options.get('layer-rule') ?? [];
  const seen = new Map<number, string>();
  return texts.map((text) => {
    const entry = layerRule(text);
    const before = seen.get(entry[0]);
    if (before !== undefined) throw new LrpError('E_USAGE', `layer ${entry[0]} is given two rules, '${before}' and '${text}'`, '--layer-rule');
    seen.set(entry[0], text);
    return entry;
  });
}

/** Options that only mean something together with another: each maps to who uses it. */
const DEPENDENT_OPTIONS: readonly (readonly [string, string, (a: ParsedArgs, method: string) => boolean])[] = [
  ['epsilon', '--composite or --formula', (a) => a.options.has('composite') || a.options.has('formula')],
  ['gamma', '--composite', (a) => a.options.has('composite')],
  ['low', '--composite', (a) => a.options.has('composite')],
  ['high', '--composite', (a) => a.options.has('composite')],
  ['beta', '--formula', (a) => a.options.has('formula')],
  ['aux-layer', '--formula', (a) => a.options.has('formula')],
  ['steps', '--method integrated-gradients', (_, m) => m === 'integrated-gradients'],
  ['baseline', '--method integrated-gradients', (_, m) => m === 'integrated-gradients'],
  ['samples', '--method smoothgrad', (_, m) => m === 'smoothgrad'],
  ['noise', '--method smoothgrad', (_, m) => m === 'smoothgrad'],
  ['seed', '--method smoothgrad', (_, m) => m === 'smoothgrad'],
];

/**
 * Refuses options that would be silently ignored: `--epsilon` without `--composite`/`--formula`,
 * `--steps` without `--method integrated-gradients`, and so on (`E_USAGE` naming both).
 */
function checkDependentOptions(args: ParsedArgs): void {
  const methodText = option(args, 'method');
  const method = methodText === undefined ? 'lrp' : parseMethod(methodText, '--method');
  for (const [name, needs, ok] of DEPENDENT_OPTIONS) {
    if (args.options.has(name) && !ok(args, method)) throw new LrpError('E_USAGE', `only applies with ${needs}`, `--${name}`);
  }
}

/**
 * Turns the rule flags into {@link ExplainOptions}: `--rule SPEC`, `--layer-rule I:SPEC`
 * (repeatable, one rule per layer), `--composite NAME` (with `--epsilon`, `--gamma`, `--low`,
 * `--high`), `--formula CODE` (with `--epsilon`, `--beta`, `--aux-layer`), `--method NAME` and the
 * sampling options. An option that would be ignored, a layer given two rules and a box with
 * low > high are `E_USAGE` errors.
 */
export function explainOptionsFrom(args: ParsedArgs): ExplainOptions {
  checkDependentOptions(args);
  const formula = integerOption(args, 'formula', 0);
  const composite = option(args, 'composite');
  const rule = option(args, 'rule');
  const epsilon = numberOption(args, 'epsilon');
  const gamma = numberOption(args, 'gamma');
  const low = numberOption(args, 'low');
  const high = numberOption(args, 'high');
  checkBox(low, high, '--low/--high');
  return {
    rule: rule === undefined ? undefined : parseCheckedRule(rule, '--rule'),
    layerRules: layerRules(args),
    composite,
    compositeOptions: composite === undefined ? undefined : { epsilon, gamma, low, high },
    formula: formula === undefined ? undefined : { code: formula, epsilon, beta: numberOption(args, 'beta'), auxLayer: integerOption(args, 'aux-layer', 0) },
    method: option(args, 'method'),
    steps: integerOption(args, 'steps', 1),
    samples: integerOption(args, 'samples', 1),
    noise: numberOption(args, 'noise'),
    seed: integerOption(args, 'seed', 0, MAX_SEED),
    baseline: numberOption(args, 'baseline'),
  };
}
