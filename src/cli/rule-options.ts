import { LrpError } from '../errors.js';
import type { ExplainOptions } from '../explainer.js';
import { canonicalCompositeName, compositeNames } from '../rules/composite.js';
import { formulaCodes } from '../rules/formula.js';
import { methodNames, parseMethod } from '../rules/method.js';
import { type Rule, type RuleDefinition, parseRule, ruleDefinitions, rules } from '../rules/rule.js';
import { type ParsedArgs, type OptionSpec, MAX_INTEGER_OPTION, MAX_SEED, integerOption, numberOption, option } from './args.js';

/** Options that choose how to explain (shared by `explain` and later `batch`/`demo`). */
export const ruleOptionSpecs: readonly OptionSpec[] = [
  { name: 'rule', value: true, arg: 'SPEC', help: 'the LRP rule of every layer (default simple): see Rule SPECs below' },
  { name: 'layer-rule', value: true, repeat: true, arg: 'I:SPEC', help: 'the rule of layer I, over --rule (once per layer)' },
  { name: 'composite', value: true, arg: 'NAME', help: 'a rule per layer kind (zennit-style): see Composites below' },
  { name: 'formula', value: true, arg: 'CODE', help: "the toolbox's formula code (caffe's lrp_demo): see Formula codes below" },
  { name: 'epsilon', value: true, arg: 'E', help: "the epsilon of the --composite's or --formula's epsilon rule" },
  { name: 'beta', value: true, arg: 'B', help: "the beta of --formula's alpha-beta codes" },
  { name: 'gamma', value: true, arg: 'G', help: 'the gamma of --composite EpsilonGammaBox (default 0.25)' },
  { name: 'low', value: true, arg: 'L', help: 'the lowest input value, for --composite EpsilonGammaBox (z^B bounds)' },
  { name: 'high', value: true, arg: 'H', help: 'the highest input value, for --composite EpsilonGammaBox (z^B bounds)' },
  { name: 'aux-layer', value: true, arg: 'I', help: "the layer from which --formula's second rule applies" },
  { name: 'compat', value: true, arg: 'NAME', help: "whose rule definitions: toolbox (default, lrpjs's own) or zennit (Zennit 1.0's numbers)" },
  { name: 'method', value: true, arg: 'NAME', help: 'lrp (default) or another attribution method: see Methods below' },
  { name: 'steps', value: true, arg: 'N', help: 'integration steps of --method integrated-gradients' },
  { name: 'baseline', value: true, arg: 'V', help: 'the baseline value of --method integrated-gradients (default 0)' },
  { name: 'samples', value: true, arg: 'N', help: 'noisy samples of --method smoothgrad' },
  { name: 'noise', value: true, arg: 'S', help: 'the noise level of --method smoothgrad' },
  { name: 'seed', value: true, arg: 'S', help: 'the noise seed of --method smoothgrad (0 to 2^32 - 1)' },
];

/** The value syntaxes of the rule options, for `lrp explain --help`. */
export const ruleOptionNotes = `Rule SPECs: simple, epsilon=E, alphabeta=A (beta = A - 1), alphabeta=A,B, flat, ww, zplus,
            zbox=LOW,HIGH, gamma=G, pass
Composites: ${compositeNames.join(', ')}
            (EpsilonGammaBox takes --gamma and needs --low L --high H, the input's value range)
Formula codes: ${formulaCodes.join(' ')}
Methods: ${methodNames.join(', ')}
Compat: toolbox (default) or zennit: Zennit 1.0's definitions and layer maps (stabiliser 1e-6 in every
            rule, epsilon alone = 1e-6, generalised gamma, w² with the squared bias, Norm on pools
            and additions, z^B on the first convolution only, integrated gradients by the
            right-hand sum); not with --formula
`;

/** Refuses a z^B box whose lower bound exceeds its upper bound (`E_USAGE`, naming the flag). */
function checkBox(low: number | Float64Array | undefined, high: number | Float64Array | undefined, where: string): void {
  if (typeof low === 'number' && typeof high === 'number' && low > high) {
    throw new LrpError('E_USAGE', `the box's low bound ${low} is above its high bound ${high}`, where);
  }
}

function parseCheckedRule(text: string, where: string, definition: RuleDefinition): Rule {
  const rule = parseRule(text, where, definition);
  if (rule.name === 'zbox') checkBox(rule.low, rule.high, where);
  return rule;
}

function layerRule(text: string, definition: RuleDefinition): readonly [number, Rule] {
  const colon = text.indexOf(':');
  const index = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isInteger(index) || index < 0 || index > MAX_INTEGER_OPTION) {
    throw new LrpError('E_USAGE', `--layer-rule needs INDEX:SPEC with an index from 0, got '${text}'`);
  }
  return [index, parseCheckedRule(text.slice(colon + 1), `--layer-rule ${text}`, definition)];
}

/** Each `--layer-rule`; a layer named twice is an `E_USAGE` error (which rule would win is a guess). */
function layerRules(args: ParsedArgs, definition: RuleDefinition): (readonly [number, Rule])[] {
  const texts = args.options.get('layer-rule') ?? [];
  const seen = new Map<number, string>();
  return texts.map((text) => {
    const entry = layerRule(text, definition);
    const before = seen.get(entry[0]);
    if (before !== undefined) throw new LrpError('E_USAGE', `layer ${entry[0]} is given two rules, '${before}' and '${text}'`, '--layer-rule');
    seen.set(entry[0], text);
    return entry;
  });
}

/**
 * Checks a rule parameter by building its rule, so a bad value is an error naming its flag
 * (`--epsilon`, `--beta`, `--gamma`) before any file is read.
 */
function checkParameter(value: number | undefined, flag: string, make: (v: number) => Rule): void {
  if (value === undefined) return;
  try {
    make(value);
  } catch (e) {
    if (!(e instanceof LrpError) || e.where !== undefined) throw e;
    throw new LrpError(e.code, e.message, flag);
  }
}

/** Whether `--composite` names EpsilonGammaBox (the one composite with a gamma and z^B bounds). */
function isGammaBox(args: ParsedArgs): boolean {
  const name = option(args, 'composite');
  return name !== undefined && canonicalCompositeName(name) === 'EpsilonGammaBox';
}

/** Options that only mean something together with another: each maps to who uses it. */
const DEPENDENT_OPTIONS: readonly (readonly [string, string, (a: ParsedArgs, method: string) => boolean])[] = [
  ['epsilon', '--composite or --formula', (a) => a.options.has('composite') || a.options.has('formula')],
  ['gamma', '--composite EpsilonGammaBox', (a) => isGammaBox(a)],
  ['low', '--composite EpsilonGammaBox', (a) => isGammaBox(a)],
  ['high', '--composite EpsilonGammaBox', (a) => isGammaBox(a)],
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

/** `--compat NAME`: `toolbox` (default) or `zennit`; refused with `--formula` (`E_USAGE` naming the flag). */
function compatFrom(args: ParsedArgs): RuleDefinition {
  const text = option(args, 'compat');
  if (text === undefined) return 'toolbox';
  const name = text.trim().toLowerCase();
  const known = ruleDefinitions.find((d) => d === name);
  if (known === undefined) throw new LrpError('E_USAGE', `unknown compat '${text}' (known: ${ruleDefinitions.join(', ')})`, '--compat');
  if (known === 'zennit' && args.options.has('formula')) {
    throw new LrpError('E_USAGE', "--compat zennit applies to --rule and --composite, not to the toolbox's --formula codes", '--compat');
  }
  return known;
}

/**
 * Turns the rule flags into {@link ExplainOptions}: `--rule SPEC`, `--layer-rule I:SPEC`
 * (repeatable, one rule per layer), `--composite NAME` (with `--epsilon`, `--gamma`, `--low`,
 * `--high`), `--formula CODE` (with `--epsilon`, `--beta`, `--aux-layer`), `--method NAME`, the
 * sampling options and `--compat toolbox|zennit` (whose definitions the rules follow). An option
 * that would be ignored (`--gamma`/`--low`/`--high` without `--composite EpsilonGammaBox`, …),
 * EpsilonGammaBox without `--low` and `--high`, a layer given two rules and a box with low > high
 * are `E_USAGE` errors naming the flags.
 */
export function explainOptionsFrom(args: ParsedArgs): ExplainOptions {
  checkDependentOptions(args);
  const compat = compatFrom(args);
  const formula = integerOption(args, 'formula', 0);
  const composite = option(args, 'composite');
  const rule = option(args, 'rule');
  const epsilon = numberOption(args, 'epsilon');
  const gamma = numberOption(args, 'gamma');
  const low = numberOption(args, 'low');
  const high = numberOption(args, 'high');
  if (composite !== undefined && canonicalCompositeName(composite) === undefined) {
    throw new LrpError('E_RULE', `unknown composite '${composite}' (known: ${compositeNames.join(', ')})`, '--composite');
  }
  const beta = numberOption(args, 'beta');
  checkParameter(epsilon, '--epsilon', rules.epsilon);
  checkParameter(beta, '--beta', (b) => rules.alphabeta(1 + b, b));
  checkParameter(gamma, '--gamma', rules.gamma);
  if (formula !== undefined && !(formulaCodes as readonly number[]).includes(formula)) {
    throw new LrpError('E_RULE', `unknown formula code ${formula} (known: ${formulaCodes.join(', ')})`, '--formula');
  }
  if (isGammaBox(args) && (low === undefined || high === undefined)) {
    throw new LrpError(
      'E_USAGE',
      "composite EpsilonGammaBox needs the input's value range for its z^B first layer: give --low L --high H (e.g. --low 0 --high 1)",
      '--low/--high',
    );
  }
  checkBox(low, high, '--low/--high');
  return {
    rule: rule === undefined ? undefined : parseCheckedRule(rule, '--rule', compat),
    layerRules: layerRules(args, compat),
    ...(compat === 'toolbox' ? {} : { compat }),
    composite,
    compositeOptions: composite === undefined ? undefined : { epsilon, gamma, low, high },
    formula: formula === undefined ? undefined : { code: formula, epsilon, beta, auxLayer: integerOption(args, 'aux-layer', 0) },
    method: option(args, 'method'),
    steps: integerOption(args, 'steps', 1),
    samples: integerOption(args, 'samples', 1),
    noise: numberOption(args, 'noise'),
    seed: integerOption(args, 'seed', 0, MAX_SEED),
    baseline: numberOption(args, 'baseline'),
  };
}
