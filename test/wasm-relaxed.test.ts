import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { WasmMemory } from '../src/backends/wasm/memory.js';
import { buildSupported, initWasm, initWasmSync, pickBuild, wasmBytes } from '../src/backends/wasm/module.js';
import { WasmOps } from '../src/backends/wasm/ops.js';
import { createExplainer } from '../src/explainer.js';
import { caseModel, caseRuleOptions, caseTensor, referenceCases } from './support/reference-cases.js';
import { randomCnn, randomInput, randomMlp, relError, uniform } from './support/random-model.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';

// The relaxed-SIMD build (fused multiply-add through f32x4.relaxed_madd). Node ≥ 22, Chromium and
// Deno validate it by default; the Node 20 that runs this suite ships it behind a V8 flag, set here
// before any module is validated. Vitest runs each test file in its own process, so the flag does
// not reach the other suites (which therefore keep testing the plain SIMD build as the default).
const validBefore = WebAssembly.validate(wasmBytes('relaxed') as BufferSource);
setFlagsFromString('--experimental-wasm-relaxed-simd');

const relaxed = WasmOps.createSync({ build: 'relaxed' });
const simd = WasmOps.createSync({ build: 'simd' });

describe('relaxed-SIMD build: choosing and adopting', () => {
  it('is chosen by default once the engine validates it; simd: true still means the plain SIMD build', async () => {
    expect(validBefore).toBe(Number(process.versions.node.split('.')[0]) >= 22);
    expect(buildSupported('relaxed')).toBe(true);
    expect(pickBuild()).toBe('relaxed');
    expect(pickBuild({ simd: true })).toBe('simd');
    expect(pickBuild({ simd: false })).toBe('scalar');
    expect(pickBuild({ simd: false, build: 'relaxed' })).toBe('relaxed'); // build wins over simd
    expect((await initWasm()).build).toBe('relaxed');
    expect(relaxed.build).toBe('relaxed');
    expect(relaxed.simd).toBe(true);
    expect(simd.build).toBe('simd');
  });

  it('a precompiled relaxed module is recognised as such (posted modules keep their build)', () => {
    const core = initWasmSync({ module: relaxed.module });
    expect(core.build).toBe('relaxed');
    expect(core.simd).toBe(true);
    expect(initWasmSync({ module: simd.module }).build).toBe('simd');
  });

  it('the relaxed build is its own binary, imports nothing; the SIMD build validates without the flag', () => {
    // the plain SIMD build was valid before the flag; the relaxed build only where the engine has relaxed SIMD
    expect(WebAssembly.validate(wasmBytes('simd') as BufferSource)).toBe(true);
    expect(Buffer.from(wasmBytes('relaxed')).equals(Buffer.from(wasmBytes('simd')))).toBe(false);
    const m = new WebAssembly.Module(wasmBytes('relaxed') as BufferSource);
    expect(WebAssembly.Module.imports(m)).toEqual([]);
  });
});

describe('relaxed-SIMD build: numbers', () => {
  it('raw GEMM in all transpose variants agrees with float64 loops within float32 rounding', () => {
    const rnd = uniform(515);
    const core = initWasmSync({ build: 'relaxed' });
    const mem = new WasmMemory(core.exports.memory, core.exports.heapBase());
    for (const [M, N, K] of [[1, 37, 300], [3, 8, 5], [9, 11, 300], [131, 9, 520]] as const) {
      for (const tA of [0, 1]) {
        for (const tB of [0, 1]) {
          const a = Float32Array.from({ length: M * K }, () => rnd() * 2 - 1);
          const b = Float32Array.from({ length: K * N }, () => rnd() * 2 - 1);
          const pa = mem.alloc(a.length * 4).ptr;
          const pb = mem.alloc(b.length * 4).ptr;
          const pc = mem.alloc(M * N * 4).ptr;
          const scratch = mem.alloc(core.exports.gemmScratchBytes(M, N, K)).ptr;
          new Float32Array(core.exports.memory.buffer, pa, a.length).set(a);
          new Float32Array(core.exports.memory.buffer, pb, b.length).set(b);
          core.exports.gemm(tA, tB, M, N, K, pa, tA ? M : K, pb, tB ? K : N, pc, N, 0, scratch);
          const c = Float64Array.from(new Float32Array(core.exports.memory.buffer, pc, M * N));
          const ref = new Float64Array(M * N);
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) {
              let s = 0;
              for (let k = 0; k < K; k++) s += a[tA ? k * M + i : i * K + k]! * b[tB ? j * K + k : k * N + j]!;
              ref[i * N + j] = s;
            }
          expect(relError(c, ref)).toBeLessThan(1e-5);
          mem.reset();
        }
      }
    }
  });

  it('every rule on random CNNs and MLPs: within float32 rounding of the SIMD build', async () => {
    const rules = [{ rule: 'epsilon', epsilon: 0.01 }, { rule: 'alphabeta', alpha: 2 }, { rule: 'zplus' }, { rule: 'flat' }, { method: 'gradient' }] as const;
    const cases = [
      randomCnn(71, { pool: 'maxpool', padding: 'same' }),
      randomCnn(72, { pool: 'avgpool', padding: 'valid' }),
      (() => { const model = randomMlp(73, [300, 40, 10]); return { model, inShape: [300] }; })(),
    ];
    for (const [i, { model, inShape }] of cases.entries()) {
      const x = randomInput(80 + i, 5, inShape);
      const a = await createExplainer(model, { backend: relaxed });
      const b = await createExplainer(model, { backend: simd });
      const js = await createExplainer(model, { backend: 'js' });
      for (const spec of rules) {
        const r = a.explain(x, spec).relevance.data;
        expect(relError(r, b.explain(x, spec).relevance.data)).toBeLessThan(1e-4);
        expect(relError(r, js.explain(x, spec).relevance.data)).toBeLessThan(1e-4);
      }
      a.dispose();
      b.dispose();
      js.dispose();
    }
  });
});

describeWith(toolboxFixtures, 'toolbox reference cases on the relaxed-SIMD build', () => {
  it.each(referenceCases.map((c) => [c.name, c] as const))('%s within 1e-4 of the toolbox and of the SIMD build', async (_, c) => {
    const ex = await createExplainer(caseModel(c), { backend: relaxed, keepSoftmax: c.softmax === 'keep' });
    const plain = await createExplainer(caseModel(c), { backend: simd, keepSoftmax: c.softmax === 'keep' });
    try {
      const X = caseTensor(c, 'X');
      const opts = { ...caseRuleOptions(c), initial: caseTensor(c, 'R0') };
      expect(relError(ex.forward(X).output.data, caseTensor(c, 'Y').data)).toBeLessThan(1e-4);
      const r = ex.explain(X, opts).relevance.data;
      expect(relError(r, caseTensor(c, 'R').data)).toBeLessThan(1e-4);
      expect(relError(r, plain.explain(X, opts).relevance.data)).toBeLessThan(1e-4);
    } finally {
      ex.dispose();
      plain.dispose();
    }
  });
});

describe('relaxed-SIMD build: refusals', () => {
  it('an unknown build name is E_BACKEND naming the known builds', () => {
    let caught: unknown;
    try {
      pickBuild({ build: 'fast' as 'simd' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(LrpError);
    expect((caught as LrpError).code).toBe('E_BACKEND');
    expect((caught as LrpError).message).toMatch(/unknown wasm build 'fast' \(known: relaxed, simd, scalar\)/);
  });
});
