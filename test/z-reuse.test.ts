import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { randomCnn, randomInput, randomMlp } from './support/random-model.js';

// LRP-0 and ε take z = W·x + b from the forward trace instead of recomputing it. γ = 0 has the
// same ρ but is recomputed through its own weight variant (W + 0·W⁺ = W exactly) with γ's fixed
// stabiliser 1e-9: the two must agree bit for bit, so the reused z is the recomputed z.
describe('z reused from the forward trace equals z recomputed', () => {
  const cnn = randomCnn(12, { stride: 2, padding: 'same' });
  const models = [
    ['mlp', randomMlp(11, [7, 9, 6, 4], { activation: 'tanh' }), [7]],
    ['cnn', cnn.model, cnn.inShape],
  ] as const;
  for (const backend of ['js', 'wasm'] as const) {
    for (const [name, model, inShape] of models) {
      it(`${name} on ${backend}: epsilon=1e-9 equals gamma=0 bitwise`, async () => {
        const ex = await createExplainer(model, { backend });
        const x = randomInput(13, 3, inShape);
        const reused = ex.explain(x, { rule: 'epsilon=1e-9' }).relevance.data;
        const recomputed = ex.explain(x, { rule: 'gamma=0' }).relevance.data;
        expect(Array.from(reused)).toEqual(Array.from(recomputed));
        expect(reused.some((v) => v !== 0)).toBe(true);
        ex.dispose();
      });
    }
  }
});
