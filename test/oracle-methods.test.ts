/**
 * Composites, toolbox formula codes and the gradient-family methods on both backends against the
 * independent oracle (test/oracle). The oracle builds each composite's and formula code's per-layer
 * rule list from its documented definition (test/oracle/plans.ts), not from src/rules.
 */
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { randomInput } from './support/random-model.js';
import { backends, bounds, errorAgainstOracle } from './oracle/compare.js';
import { explainedLayers } from './oracle/explain.js';
import { type OracleCompositeName, type OracleCompositeParams, compositeRules, formulaPlan } from './oracle/plans.js';
import { gridCases, gridModel, oracleMlp } from './oracle/models.js';

const compositeCases: [OracleCompositeName, OracleCompositeParams][] = [
  ['EpsilonPlus', {}],
  ['EpsilonPlus', { epsilon: 0.3 }],
  ['EpsilonPlusFlat', {}],
  ['EpsilonAlpha2Beta1', {}],
  ['EpsilonAlpha2Beta1Flat', { epsilon: 0.05 }],
  ['EpsilonGammaBox', { low: -3, high: 3 }],
  ['EpsilonGammaBox', { low: -2, high: 4, gamma: 1.5, epsilon: 0.2 }],
];

const formulaCodes = [0, 2, 11, 26, 54, 56, 58, 60, 99, 100, 102, 104, 166];

const methods = ['gradient', 'gradient-x-input', 'sensitivity', 'deconvnet', 'guided-backprop'] as const;

/** Three grid models (one per pool kind, strides 1–3, every padding kind) with SoftMax outputs. */
const picked = [0, 4, 8].map((i) => [gridCases()[i].name, i] as const);

describe.each(backends)('composites, formula codes and methods against the oracle on %s', (backend) => {
  it.each(picked)('%s', async (_, index) => {
    const c = gridCases()[index];
    const seed = 900 + index;
    const { model, inShape } = gridModel(seed, c, true);
    const ex = await createExplainer(model, { backend });
    const x = randomInput(seed + 1, 2, inShape);
    const pass = ex.forward(x);
    const layers = explainedLayers(model);
    for (const [name, p] of compositeCases) {
      const label = `${name} ${JSON.stringify(p)}`;
      const err = errorAgainstOracle(pass, model, x, { composite: name, compositeOptions: p }, { rules: compositeRules(layers, name, p) }, label);
      expect(err, `${c.name}: ${label}`).toBeLessThan(bounds[backend]);
    }
    for (const code of formulaCodes) {
      for (const params of [{}, { auxLayer: 3, epsilon: 0.2, beta: 0.5 }, { auxLayer: 0, beta: 2 }]) {
        const label = `formula ${code} ${JSON.stringify(params)}`;
        const plan = formulaPlan(layers, code, params);
        const err = errorAgainstOracle(pass, model, x, { formula: { code, ...params } }, plan, label);
        expect(err, `${c.name}: ${label}`).toBeLessThan(bounds[backend]);
      }
    }
    for (const method of methods) {
      const err = errorAgainstOracle(pass, model, x, { method, target: 1 }, { method, target: 1 }, method);
      expect(err, `${c.name}: ${method}`).toBeLessThan(bounds[backend]);
    }
    pass.dispose();
  });

  it('with the SoftMax kept: methods through its Jacobian, LRP from the probabilities, an explicit R0', async () => {
    const c = gridCases()[5];
    const { model, inShape } = gridModel(931, c, true);
    const ex = await createExplainer(model, { backend, keepSoftmax: true });
    const x = randomInput(932, 3, inShape);
    const pass = ex.forward(x);
    const keep = { keepSoftmax: true };
    const initial = Float64Array.from({ length: 9 }, (_, i) => ((i * 7) % 5) - 2);
    for (const method of methods) {
      const err = errorAgainstOracle(pass, model, x, { method, initial: { data: initial, shape: [3, 3] } }, { ...keep, method, initial }, method);
      expect(err, method).toBeLessThan(bounds[backend]);
    }
    const layers = explainedLayers(model, true);
    const err = errorAgainstOracle(pass, model, x, { composite: 'EpsilonAlpha2Beta1Flat' }, { ...keep, rules: compositeRules(layers, 'EpsilonAlpha2Beta1Flat') }, 'composite, softmax kept');
    expect(err).toBeLessThan(bounds[backend]);
    pass.dispose();
  });

  it('dense-only models: every composite and formula code on an MLP', async () => {
    const model = oracleMlp(941, [8, 10, 7, 4]);
    const ex = await createExplainer(model, { backend });
    const x = randomInput(942, 3, [8]);
    const pass = ex.forward(x);
    for (const [name, p] of compositeCases) {
      const err = errorAgainstOracle(pass, model, x, { composite: name, compositeOptions: p }, { rules: compositeRules(model.layers, name, p) }, name);
      expect(err, name).toBeLessThan(bounds[backend]);
    }
    for (const code of formulaCodes) {
      const err = errorAgainstOracle(pass, model, x, { formula: { code, auxLayer: 2 } }, formulaPlan(model.layers, code, { auxLayer: 2 }), `formula ${code}`);
      expect(err, `formula ${code}`).toBeLessThan(bounds[backend]);
    }
    pass.dispose();
  });
});
