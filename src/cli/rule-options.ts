import { LrpError } from '../errors.js';
import type { ExplainOptions } from '../explainer.js';
import { type Rule, parseRule } from '../rules/rule.js';
import { type ParsedArgs, type OptionSpec, numberOption, option } from './args.js';

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

function layerRule(text: string): readonly [number, Rule] {
  const colon = text.indexOf(':');
  const index = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isInteger(index)) {
    throw new LrpError('E_USAGE', `--layer-rule needs INDEX:SPEC, got '${text}'`);
  }
  return [index, parseRule(text.slice(colon + 1), `--layer-rule ${text}`)];
}

/**
 * Turns the rule flags into {@link ExplainOptions}: `--rule SPEC`, `--layer-rule I:SPEC`
 * (repeatable), `--composite NAME` (with `--epsilon`, `--gamma`, `--low`, `--high`), `--formula
 * CODE` (with `--epsilon`, `--beta`, `--aux-layer`), `--method NAME` and the sampling options.
 */
export function explainOptionsFrom(args: ParsedArgs): ExplainOptions {
  const formula = numberOption(args, 'formula', true);
  const composite = option(args, 'composite');
  const rule = option(args, 'rule');
  const epsilon = numberOption(args, 'epsilon');
  const gamma = numberOption(args, 'gamma');
  const low = numberOption(args, 'low');
  const high = numberOption(args, 'high');
  return {
    rule: rule === undefined ? undefined : parseRule(rule, '--rule'),
    layerRules: (args.options.get('layer-rule') ?? []).map(layerRule),
    composite,
    compositeOptions: composite === undefined ? undefined : { epsilon, gamma, low, high },
    formula: formula === undefined ? undefined : { code: formula, epsilon, beta: numberOption(args, 'beta'), auxLayer: numberOption(args, 'aux-layer', true) },
    method: option(args, 'method'),
    steps: numberOption(args, 'steps', true),
    samples: numberOption(args, 'samples', true),
    noise: numberOption(args, 'noise'),
    seed: numberOption(args, 'seed', true),
    baseline: numberOption(args, 'baseline'),
  };
}
