import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Explainer, Explanation } from '../../src/explainer.js';
import { readNpy } from '../../src/io/npy.js';
import { readTextModel } from '../../src/io/text-model.js';
import type { Model } from '../../src/model/layers.js';
import { type Tensor, toFloat64 } from '../../src/tensor.js';
import { fixture, fixturesDir } from '../fixtures.js';
import { relError } from './random-model.js';

/** One case of `reference/manifest.json`. */
export interface ReferenceCase {
  readonly name: string;
  readonly model: string;
  readonly softmax: 'keep' | 'drop' | 'none';
  readonly target: 'argmax' | 'given';
  readonly flags: string[];
}

/**
 * The cases the suites expect `reference/manifest.json` to hold, by name and target kind. Without
 * fixtures they name the skipped tests (one per case); with fixtures the manifest must list exactly
 * these (checked in conformance-js.test.ts), so a shrunken or empty manifest cannot pass silently.
 */
export const expectedReferenceCases: readonly (readonly [name: string, target: 'argmax' | 'given'])[] = [
  ['xor-simple', 'argmax'], ['xor-epsilon', 'argmax'], ['xor-alphabeta2', 'argmax'], ['xor-ww', 'argmax'],
  ['lenet5-epsilon1', 'argmax'], ['lenet5-simple', 'argmax'], ['lenet5-alphabeta2', 'argmax'], ['lenet5-alphabeta1', 'argmax'],
  ['lenet5-flat', 'argmax'], ['lenet5-ww', 'argmax'], ['lenet5-eps-first-ww', 'argmax'], ['mlp-tanh-epsilon', 'argmax'],
  ['mlp-tanh-keep-softmax', 'argmax'], ['mlp-rect-alphabeta2', 'argmax'], ['mlp-rect-class3', 'given'], ['cnn-max-epsilon', 'argmax'],
  ['cnn-max-alphabeta1', 'argmax'], ['cnn-max-flat-ww', 'argmax'],
];

/** The cases listed by the fixtures' manifest (`undefined` without fixtures). */
export const manifestCases: ReferenceCase[] | undefined = fixturesDir
  ? (JSON.parse(readFileSync(fixture('reference', 'manifest.json'), 'utf8')) as { cases: ReferenceCase[] }).cases
  : undefined;

/**
 * The manifest's cases; without fixtures, placeholders for {@link expectedReferenceCases} (name and
 * target only) that suites guarded by `describeWith(toolboxFixtures, ...)` register as skipped tests.
 */
export const referenceCases: ReferenceCase[] =
  manifestCases ?? expectedReferenceCases.map(([name, target]) => ({ name, target, model: '(fixtures absent)', softmax: 'none', flags: [] }));

/** Reads a case's `.npy` as float64. */
export function caseTensor(c: ReferenceCase, file: 'X' | 'Y' | 'R0' | 'R' | 'target'): Tensor & { data: Float64Array } {
  return toFloat64(readNpy(readFileSync(fixture('reference', 'cases', c.name, `${file}.npy`)), `${c.name}/${file}.npy`));
}

const models = new Map<string, Model>();

/** The case's model (parsed once). */
export function caseModel(c: ReferenceCase): Model {
  let m = models.get(c.model);
  if (!m) {
    m = readTextModel(readFileSync(fixture('reference', c.model), 'utf8'), c.model);
    models.set(c.model, m);
  }
  return m;
}

/** The case's rule flags as library options (`--rule`, `--layer-rule`). */
export function caseRuleOptions(c: ReferenceCase): { rule: string; layerRules: [number, string][] } {
  let rule = 'simple';
  const layerRules: [number, string][] = [];
  for (let i = 0; i < c.flags.length; i += 2) {
    if (c.flags[i] === '--rule') rule = c.flags[i + 1];
    else if (c.flags[i] === '--layer-rule') {
      const [idx, spec] = c.flags[i + 1].split(':');
      layerRules.push([Number(idx), spec]);
    } else throw new Error(`unexpected flag ${c.flags[i]}`);
  }
  return { rule, layerRules };
}

/**
 * Checks one forward pass of `ex` against case `c`: the output Y, and the relevance R both from
 * the case's R0 and from its target (the argmax, or the given classes), each within `tol`
 * (max|Δ| / max|ref|). Returns the explanation from R0 for further checks.
 */
export function expectReferenceCase(ex: Explainer, c: ReferenceCase, tol: number): Explanation {
  const R = caseTensor(c, 'R');
  const pass = ex.forward(caseTensor(c, 'X'));
  try {
    expect(relError(pass.output.data, caseTensor(c, 'Y').data)).toBeLessThan(tol);
    const withInit = pass.explain({ ...caseRuleOptions(c), initial: caseTensor(c, 'R0') });
    expect(withInit.relevance.shape).toEqual(R.shape);
    expect(relError(withInit.relevance.data, R.data)).toBeLessThan(tol);
    const target = c.target === 'argmax' ? 'argmax' : Array.from(caseTensor(c, 'target').data);
    const fromTarget = pass.explain({ ...caseRuleOptions(c), target });
    expect(Array.from(fromTarget.target!)).toEqual(Array.from(caseTensor(c, 'target').data));
    expect(relError(fromTarget.relevance.data, R.data)).toBeLessThan(tol);
    return withInit;
  } finally {
    pass.dispose();
  }
}
