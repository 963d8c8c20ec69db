import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/backends/index.js';
import { WasmMemory } from '../src/backends/wasm/memory.js';
import type { WasmOps } from '../src/backends/wasm/ops.js';
import { planRun } from '../src/engine/run-plan.js';
import { createExplainer } from '../src/explainer.js';
import { expectLrpError } from './support/expect-error.js';
import { randomCnn, randomInput, randomMlp, relError } from './support/random-model.js';

const MiB = 2 ** 20;

describe('one bad request never poisons an explainer', () => {
  it.each(['js', 'wasm'] as const)('%s: a batch over maxMemory is E_RANGE with the bytes and the limit, and normal requests are served after it', async (backend) => {
    const model = randomMlp(11, [784, 64, 10]);
    const small = randomInput(12, 8, [784]);
    const fresh = await createExplainer(model, { backend });
    const expected = fresh.explain(small, { rule: 'epsilon=0.01' });
    const explainer = await createExplainer(model, { backend, maxMemory: 16 * MiB });
    explainer.explain(small, { rule: 'epsilon=0.01' });
    const before = backend === 'wasm' ? (await explainerOps(explainer)).memoryStats() : null;
    const err = expectLrpError(() => explainer.explain(randomInput(13, 500, [784]), { rule: 'epsilon=0.01' }), 'E_RANGE', /a batch of 500 needs [0-9.]+ MiB \(\d+ bytes\).* over the memory limit of 16.00 MiB \(16777216 bytes\)/);
    expect(err.where).toBe('maxMemory');
    for (let k = 0; k < 3; k++) {
      const r = explainer.explain(small, { rule: 'epsilon=0.01' });
      expect(r.relevance.data).toEqual(expected.relevance.data);
      expect(r.output.data).toEqual(expected.output.data);
    }
    if (before) expect((await explainerOps(explainer)).memoryStats().memoryBytes).toBe(before.memoryBytes);
    // a per-call budget overrides the explainer's
    expect(explainer.forward(randomInput(13, 500, [784]), { maxMemory: 2 ** 30 }).output.shape).toEqual([500, 10]);
  });

  it('wasm: a reserve or an allocation over the limit changes nothing (before: the high-water mark stuck and every later run failed)', async () => {
    const ops = (await createBackend('wasm')) as WasmOps;
    const { model, inShape } = randomCnn(14);
    const x = randomInput(15, 4, inShape);
    const explainer = await createExplainer(model, { backend: ops });
    const expected = explainer.explain(x, { rule: 'zplus' });
    const stats = ops.memoryStats();
    expectLrpError(() => ops.reserve(5 * 2 ** 30), 'E_RANGE', /needs \d+ bytes of linear memory, over the limit of \d+ bytes/);
    ops.limitMemory(64 * MiB);
    expectLrpError(() => ops.reserve(100 * MiB), 'E_RANGE', /over the limit of 67108864 bytes \(maxMemory\)/);
    ops.beginScope();
    expectLrpError(() => ops.tensor(new Float32Array(20 * MiB), [1, 20 * MiB]), 'E_RANGE');
    ops.endScope();
    expect(ops.memoryStats()).toMatchObject({ memoryBytes: stats.memoryBytes, arenaHighWater: stats.arenaHighWater, arenaUsed: 0, paramUsed: stats.paramUsed });
    expect(explainer.explain(x, { rule: 'zplus' }).relevance.data).toEqual(expected.relevance.data);
  });

  it('WasmMemory commits an arena allocation only after memory grew', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const mem = new WasmMemory(memory, 1024);
    mem.limit = 4 * 65536;
    const a = mem.alloc(1000);
    const top = mem.mark();
    expectLrpError(() => mem.alloc(10 * 65536), 'E_RANGE', /over the limit of 262144 bytes/);
    expect(mem.mark()).toBe(top);
    expect(mem.stats().arenaHighWater).toBe(top);
    expect(mem.alloc(16).off).toBe(top);
    expect(a.ptr).toBe(1024);
  });

  it('js: a plan is bounded too (the js backend grew without limit on absurd requests)', async () => {
    const { model, inShape } = randomCnn(16);
    const explainer = await createExplainer(model, { backend: 'js', maxMemory: 12 * MiB });
    const plan = planRun(model, inShape, 4000, 8);
    expect(plan.bytes).toBeGreaterThan(12 * MiB);
    expectLrpError(() => explainer.forward(randomInput(17, 4000, inShape)), 'E_RANGE', /a batch of 4000 needs/);
    expect(explainer.explain(randomInput(18, 2, inShape)).relevance.shape).toEqual([2, ...inShape]);
  });
});

describe('an idle wasm explainer gives memory back after a very large request', () => {
  it('after a 5,000-sample batch its memory is back to a small size, and results stay identical', async () => {
    const ops = (await createBackend('wasm')) as WasmOps;
    const model = randomMlp(21, [784, 64, 10]);
    const explainer = await createExplainer(model, { backend: ops, retainMemory: 32 * MiB });
    const small = randomInput(22, 4, [784]);
    const a = explainer.explain(small, { rule: 'alphabeta=2' });
    const idle = ops.memoryStats().memoryBytes;
    expect(idle).toBeLessThanOrEqual(32 * MiB);

    const big = randomInput(23, 5000, [784]);
    const pass = explainer.forward(big);
    const grown = ops.memoryStats().memoryBytes;
    expect(grown).toBeGreaterThan(100 * MiB);
    const r = pass.explain({ rule: 'epsilon=0.01', target: 3 });
    expect(r.relevance.shape).toEqual([5000, 784]);
    // still open: nothing is given back under a live pass
    expect(ops.memoryStats().memoryBytes).toBe(grown);
    pass.dispose();
    const after = ops.memoryStats();
    expect(after.memoryBytes).toBeLessThanOrEqual(32 * MiB);
    expect(after.replaced).toBe(1);

    const b = explainer.explain(small, { rule: 'alphabeta=2' });
    expect(b.relevance.data).toEqual(a.relevance.data);
    expect(b.output.data).toEqual(a.output.data);
    // the big batch's first samples match a small batch of the same samples on the fresh instance
    // (float32 sums in another blocking order: equal to rounding)
    const head = { data: big.data.subarray(0, 3 * 784), shape: [3, 784] };
    const again = explainer.explain(head, { rule: 'epsilon=0.01', target: 3 });
    expect(relError(again.relevance.data, r.relevance.data.subarray(0, 3 * 784))).toBeLessThan(1e-5);
    // requests under the threshold never replace the instance
    for (let k = 0; k < 5; k++) explainer.explain(small);
    expect(ops.memoryStats().replaced).toBe(1);
  });
});

async function explainerOps(explainer: { backend: string }): Promise<WasmOps> {
  return (explainer as unknown as { pm: { ops: WasmOps } }).pm.ops;
}
