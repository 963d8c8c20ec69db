// A sample's result must not depend on the batch it is explained in: the worker pool and the CLI's
// chunks split batches by samples and promise the same bits as one whole call. The GEMM has a
// packed path (4 × 8 register tiles) and streaming paths for fewer than 4 rows; convolutions run
// im2col in bounded row chunks whose tails can be that small. Both paths must sum every element in
// the same order, and SmoothGrad must draw each sample's noise independently of its neighbours.
import { describe, expect, it } from 'vitest';
import { initWasmSync } from '../src/backends/wasm/module.js';
import { WasmMemory } from '../src/backends/wasm/memory.js';
import { createExplainer, type ExplainOptions, type Explainer } from '../src/explainer.js';
import type { Model } from '../src/model/layers.js';
import type { Tensor } from '../src/tensor.js';
import { residualGraph } from './support/graph-models.js';
import { randomCnn, randomInput, randomMlp, uniform } from './support/random-model.js';

const rnd = uniform(77);

/** Logical op(A) rows `[M, K]` stored as the GEMM reads them (transposed: `lda = M`). */
function stored(rows: Float32Array, M: number, K: number, trans: number): Float32Array {
  if (!trans) return rows;
  const t = new Float32Array(M * K);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) t[k * M + i] = rows[i * K + k]!;
  return t;
}

describe('wasm GEMM: a row of C does not depend on how many rows share the call', () => {
  for (const simd of [true, false]) {
    it(`${simd ? 'SIMD' : 'scalar'} build: every row of an M-row call equals that row alone, all transposes, K across the 256 block, with and without accumulation`, () => {
      const core = initWasmSync({ simd });
      const mem = new WasmMemory(core.exports.memory, core.exports.heapBase());
      for (const [M, N, K] of [[5, 7, 6], [6, 13, 300], [9, 12, 530], [3, 9, 257], [7, 4, 9]] as const) {
        for (const tA of [0, 1]) {
          for (const tB of [0, 1]) {
            const aRows = Float32Array.from({ length: M * K }, () => rnd() * 2 - 1);
            const b = Float32Array.from({ length: K * N }, () => rnd() * 2 - 1);
            const c0 = Float32Array.from({ length: M * N }, () => rnd() * 2 - 1);
            for (const accumulate of [0, 1]) {
              const run = (rows: Float32Array, m: number, cInit: Float32Array): Float32Array => {
                const a = stored(rows, m, K, tA);
                const pa = mem.alloc(a.length * 4).ptr;
                const pb = mem.alloc(b.length * 4).ptr;
                const pc = mem.alloc(m * N * 4).ptr;
                const ps = mem.alloc(core.exports.gemmScratchBytes(m, N, K)).ptr;
                mem.f32(pa, a.length).set(a);
                mem.f32(pb, b.length).set(b);
                mem.f32(pc, m * N).set(cInit);
                core.exports.gemm(tA, tB, m, N, K, pa, tA ? m : K, pb, tB ? K : N, pc, N, accumulate, ps);
                const out = Float32Array.from(mem.f32(pc, m * N));
                mem.reset();
                return out;
              };
              const whole = run(aRows, M, c0);
              for (let i = 0; i < M; i++) {
                const alone = run(aRows.subarray(i * K, (i + 1) * K), 1, c0.subarray(i * N, (i + 1) * N));
                const row = whole.subarray(i * N, (i + 1) * N);
                const diff = alone.findIndex((v, j) => !Object.is(v, row[j]));
                if (diff >= 0) throw new Error(`M=${M} N=${N} K=${K} tA=${tA} tB=${tB} acc=${accumulate}: row ${i} col ${diff}: ${row[diff]} in the batch, ${alone[diff]} alone`);
              }
              // two-row and three-row calls (the other streaming sizes) agree with the batch too
              for (const m of [2, 3]) {
                const part = run(aRows.subarray(0, m * K), m, c0.subarray(0, m * N));
                expect(Array.from(part)).toEqual(Array.from(whole.subarray(0, m * N)));
              }
            }
          }
        }
      }
    });
  }
});

/** Explains `input` in consecutive parts of `size` samples (SmoothGrad told where each part starts) and joins the relevances and outputs. */
function explainInParts(ex: Explainer, input: Tensor, options: ExplainOptions, size: number): { relevance: number[]; output: number[] } {
  const n = input.shape[0]!;
  const per = input.data.length / n;
  const relevance: number[] = [];
  const output: number[] = [];
  for (let from = 0; from < n; from += size) {
    const to = Math.min(n, from + size);
    const e = ex.explain({ data: input.data.subarray(from * per, to * per), shape: [to - from, ...input.shape.slice(1)] }, { ...options, firstSample: from });
    relevance.push(...e.relevance.data);
    output.push(...e.output.data);
  }
  return { relevance, output };
}

const models: [string, Model, number[]][] = [
  ['CNN', randomCnn(3).model, randomCnn(3).inShape],
  ['MLP 300-40-7 (K over one 256 block)', randomMlp(4, [300, 40, 7]), [300]],
  ['residual graph', residualGraph(5).model, residualGraph(5).inShape],
];
const requests: ExplainOptions[] = [
  {},
  { rule: 'epsilon=0.01' },
  { rule: 'alphabeta=2' },
  { composite: 'EpsilonPlusFlat' },
  { method: 'gradient' },
  { method: 'integrated-gradients', steps: 3 },
  { method: 'smoothgrad', samples: 3, seed: 9 },
];

describe('explanations: a batch explained whole equals it explained in parts, bit for bit', () => {
  for (const backend of ['wasm', 'js'] as const) {
    for (const [name, model, inShape] of models) {
      it(`${backend}, ${name}: parts of 1, 2, 3, 5 and 7 samples of an 11-sample batch`, async () => {
        const ex = await createExplainer(model, { backend });
        const input = randomInput(11, 11, inShape);
        for (const options of requests) {
          const whole = ex.explain(input, options);
          for (const size of [1, 2, 3, 5, 7]) {
            const parts = explainInParts(ex, input, options, size);
            const where = `${JSON.stringify(options)} in parts of ${size}`;
            expect(parts.output, `output, ${where}`).toEqual(Array.from(whole.output.data));
            expect(parts.relevance, `relevance, ${where}`).toEqual(Array.from(whole.relevance.data));
          }
        }
        ex.dispose();
      });
    }
  }

  it('SmoothGrad: the noise of a sample depends on the seed and its index, not on its neighbours', async () => {
    const ex = await createExplainer(randomMlp(6, [8, 5, 3]), { backend: 'js' });
    const input = randomInput(12, 4, [8]);
    const a = ex.explain(input, { method: 'smoothgrad', samples: 4, seed: 1 }).relevance.data;
    const other = ex.explain(input, { method: 'smoothgrad', samples: 4, seed: 2 }).relevance.data;
    expect(Array.from(a)).not.toEqual(Array.from(other));
    const third = ex.explain({ data: input.data.subarray(16, 24), shape: [1, 8] }, { method: 'smoothgrad', samples: 4, seed: 1, firstSample: 2 });
    expect(Array.from(third.relevance.data)).toEqual(Array.from(a.subarray(16, 24)));
    expect(() => ex.explain(input, { method: 'smoothgrad', firstSample: -1 })).toThrow(/firstSample must be an integer >= 0/);
  });
});
