import { readFileSync } from 'node:fs';
import { readNpy } from '../../src/io/npy.js';
import { readTextModel } from '../../src/io/text-model.js';
import type { Model } from '../../src/model/layers.js';
import { type Tensor, toFloat64 } from '../../src/tensor.js';
import { fixture, fixturesDir } from '../fixtures.js';

/** One case of `reference/manifest.json`. */
export interface ReferenceCase {
  readonly name: string;
  readonly model: string;
  readonly softmax: 'keep' | 'drop' | 'none';
  readonly target: 'argmax' | 'given';
  readonly flags: string[];
}

/** The manifest's cases (empty without fixtures). */
export const referenceCases: ReferenceCase[] = fixturesDir
  ? (JSON.parse(readFileSync(fixture('reference', 'manifest.json'), 'utf8')) as { cases: ReferenceCase[] }).cases
  : [];

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
