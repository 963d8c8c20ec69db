import { expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { caseModel, caseRuleOptions, caseTensor, expectedReferenceCases, manifestCases, referenceCases } from './support/reference-cases.js';
import { relError } from './support/random-model.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';

describeWith(toolboxFixtures, 'the reference manifest', () => {
  it('lists exactly the expected cases (none lost, none unchecked)', () => {
    expect(manifestCases!.map((c) => [c.name, c.target])).toEqual(expectedReferenceCases);
  });
});

describeWith(toolboxFixtures, 'toolbox reference cases on the js backend (library)', () => {
  it.each(referenceCases.map((c) => [c.name, c] as const))('%s with --init R0 within 1e-9', async (_, c) => {
    const ex = await createExplainer(caseModel(c), { backend: 'js', keepSoftmax: c.softmax === 'keep' });
    const X = caseTensor(c, 'X');
    const e = ex.explain(X, { ...caseRuleOptions(c), initial: caseTensor(c, 'R0') });
    expect(relError(e.output.data, caseTensor(c, 'Y').data)).toBeLessThan(1e-12);
    expect(e.relevance.shape).toEqual(caseTensor(c, 'R').shape);
    expect(relError(e.relevance.data, caseTensor(c, 'R').data)).toBeLessThan(1e-9);
  });

  it.each(referenceCases.filter((c) => c.target === 'argmax').map((c) => [c.name, c] as const))('%s from the argmax target within 1e-9', async (_, c) => {
    const ex = await createExplainer(caseModel(c), { backend: 'js', keepSoftmax: c.softmax === 'keep' });
    const e = ex.explain(caseTensor(c, 'X'), caseRuleOptions(c));
    expect(Array.from(e.target!)).toEqual(Array.from(caseTensor(c, 'target').data));
    expect(relError(e.initial.data, caseTensor(c, 'R0').data)).toBeLessThan(1e-12);
    expect(relError(e.relevance.data, caseTensor(c, 'R').data)).toBeLessThan(1e-9);
  });

  it.each(referenceCases.filter((c) => c.target === 'given').map((c) => [c.name, c] as const))('%s from its given class per sample within 1e-9', async (_, c) => {
    const ex = await createExplainer(caseModel(c), { backend: 'js', keepSoftmax: c.softmax === 'keep' });
    const e = ex.explain(caseTensor(c, 'X'), { ...caseRuleOptions(c), target: Array.from(caseTensor(c, 'target').data) });
    expect(relError(e.relevance.data, caseTensor(c, 'R').data)).toBeLessThan(1e-9);
  });
});
