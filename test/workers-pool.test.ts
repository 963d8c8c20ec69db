// The worker pool (src/workers): createExplainer(model, { workers }) splits a batch by samples
// across worker_threads and stitches the chunks in order. The library runs from src/ here; its
// workers run the built dist/worker-node.cjs (npm test builds first), the way a user's would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { type ExplainOptions, type Explanation, createExplainer } from '../src/explainer.js';
import type { Model } from '../src/model/layers.js';
import { rules } from '../src/rules/rule.js';
import type { Tensor } from '../src/tensor.js';
import { createBackend } from '../src/backends/index.js';
import { chunkRanges } from '../src/workers/chunking.js';
import { startPool } from '../src/workers/pooled-explainer.js';
import { runtimeSpawner } from '../src/workers/spawn-worker.js';
import { projectRoot } from './fixtures.js';
import { mixedGraph, residualGraph } from './support/graph-models.js';
import { randomCnn, randomInput, randomMlp } from './support/random-model.js';

const T = 120_000;

function sameBits(got: Explanation, want: Explanation, where: string): void {
  const eq = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    expect(a.constructor, `${what} type, ${where}`).toBe(b.constructor);
    expect(Array.from(a), `${what}, ${where}`).toEqual(Array.from(b));
  };
  eq(got.output.data, want.output.data, 'output');
  eq(got.relevance.data, want.relevance.data, 'relevance');
  eq(got.initial.data, want.initial.data, 'initial');
  expect(got.relevance.shape, `relevance shape, ${where}`).toEqual(want.relevance.shape);
  expect(got.target === null ? null : Array.from(got.target), `targets, ${where}`).toEqual(want.target === null ? null : Array.from(want.target));
  expect(got.layers?.length, `allLayers, ${where}`).toBe(want.layers?.length);
  got.layers?.forEach((l, i) => {
    eq(l.data, want.layers![i]!.data, `layer ${i}`);
    expect(l.shape).toEqual(want.layers![i]!.shape);
  });
}

async function expectRejects(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<LrpError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LrpError);
  expect((e as LrpError).code).toBe(code);
  if (pattern) expect((e as LrpError).message).toMatch(pattern);
  return e as LrpError;
}

describe('chunkRanges', () => {
  it('covers every sample once, in order, with about four chunks per worker or the size given', () => {
    for (const [n, w, size] of [[1, 2, undefined], [37, 2, undefined], [4096, 2, undefined], [100_000, 16, undefined], [37, 3, 5], [10, 2, 3]] as const) {
      const r = chunkRanges(n, w, size);
      expect(r[0]!.from).toBe(0);
      expect(r.at(-1)!.to).toBe(n);
      r.forEach((c, i) => {
        expect(c.to).toBeGreaterThan(c.from);
        if (i > 0) expect(c.from).toBe(r[i - 1]!.to);
        expect(c.to - c.from).toBeLessThanOrEqual(size ?? 512);
      });
    }
    expect(chunkRanges(4096, 2)).toHaveLength(8);
  });
});

describe('pooled explainer = in-thread explainer, bit for bit', () => {
  const cnn = randomCnn(21);
  const graph = mixedGraph(22);
  const res = residualGraph(23);
  const half: ExplainOptions['composite'] = { name: 'half', rulesFor: (m: Model) => m.layers.map((_, i) => (i % 2 ? rules.epsilon(0.05) : rules.zplus())) };
  const cases: [string, Model, number[], ExplainOptions[]][] = [
    ['CNN', cnn.model, cnn.inShape, [{}, { rule: 'alphabeta=2' }, { composite: 'EpsilonPlusFlat' }, { composite: half }, { composite: half, compat: 'zennit' }, { allLayers: true }, { method: 'smoothgrad', samples: 2, seed: 4 }]],
    ['MLP 300-24-5', randomMlp(24, [300, 24, 5]), [300], [{ rule: 'epsilon=0.01' }, { method: 'gradient-x-input' }, { method: 'integrated-gradients', steps: 3 }, { target: 2 }]],
    ['mixed graph', graph.model, graph.inShape, [{}, { method: 'guided-backprop', allLayers: true }]],
    ['residual graph', res.model, res.inShape, [{ rule: 'gamma=0.25' }, { relevanceAt: 2 }, { composite: 'EpsilonGammaBox', compositeOptions: { low: -3, high: 3 }, compat: 'zennit' }]],
  ];
  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: 4 models, rules, composites (a composite object too), methods, allLayers, targets; odd batch, chunks of 1, 3, 5 and 10`, async () => {
      for (const [name, model, inShape, requests] of cases) {
        const inThread = await createExplainer(model, { backend });
        const pooled = await createExplainer(model, { backend, workers: 2, minPoolBatch: 0 });
        expect(pooled.workers).toBe(2);
        const input = randomInput(31, 37, inShape);
        for (const options of requests) {
          const want = inThread.explain(input, options);
          for (const chunkSize of [1, 3, 5, 10]) sameBits(await pooled.explain(input, { ...options, chunkSize }), want, `${name} ${JSON.stringify(options)} chunks of ${chunkSize}`);
        }
        // a target per sample and an explicit initial relevance are cut per chunk too
        const targets = Array.from({ length: 37 }, (_, i) => i % 2);
        sameBits(await pooled.explain(input, { target: targets, chunkSize: 4 }), inThread.explain(input, { target: targets }), `${name} per-sample targets`);
        const initial = randomInput(32, 37, inThread.explain(input).output.shape.slice(1));
        sameBits(await pooled.explain(input, { initial, chunkSize: 7 }), inThread.explain(input, { initial }), `${name} initial relevance`);
        inThread.dispose();
        await pooled.dispose();
      }
    }, T);
  }

  it('workers: 0 and batches under minPoolBatch run in-thread with the same results; bad counts are E_USAGE', async () => {
    const input = randomInput(33, 9, cnn.inShape);
    const want = (await createExplainer(cnn.model)).explain(input);
    const zero = await createExplainer(cnn.model, { workers: 0 });
    expect(zero.workers).toBe(0);
    expect(zero.warnings).toEqual([]);
    sameBits(await zero.explain(input), want, 'workers: 0');
    const small = await createExplainer(cnn.model, { workers: 1, minPoolBatch: 10 });
    let progress: number[] = [];
    sameBits(await small.explain(input, { onProgress: (d, n) => (progress = [d, n]) }), want, 'under minPoolBatch');
    expect(progress).toEqual([9, 9]);
    await small.dispose();
    await zero.dispose();
    for (const workers of [-1, 1.5, Number.NaN]) {
      await expectRejects(createExplainer(cnn.model, { workers }), 'E_USAGE', /workers must be 'auto' or a whole number >= 0/);
    }
    const auto = await createExplainer(cnn.model, { workers: 'auto' });
    expect(auto.workers).toBeGreaterThanOrEqual(1);
    await auto.dispose();
  }, T);
});

describe('memory budget', () => {
  it('chunks made by the pool fit maxMemory: a batch too large for one in-thread call is explained in chunks that fit', async () => {
    const { model, inShape } = randomCnn(61);
    const input = randomInput(62, 400, inShape);
    const roomy = await createExplainer(model);
    const one = roomy.plan(randomInput(63, 1, inShape));
    const perSample = (roomy.plan(input).runBytes - one.runBytes) / 399;
    // about 40 samples fit; four chunks per worker would be 50 samples each
    const maxMemory = Math.floor(one.bytes + 40 * perSample);
    const tight = await createExplainer(model, { maxMemory });
    expect(() => tight.explain(input)).toThrow(/over the memory limit/);
    const pooled = await createExplainer(model, { maxMemory, workers: 2, minPoolBatch: 0 });
    sameBits(await pooled.explain(input), roomy.explain(input), 'chunks within maxMemory');
    await pooled.dispose();
  }, T);
});

describe('runtimes without workers', () => {
  it('the spawner follows the runtime: worker_threads in Node and Bun, Web Workers in Deno and browsers, none in edge functions', () => {
    expect(runtimeSpawner({ process: { versions: { node: '20.0.0' } } })).not.toBeNull();
    expect(runtimeSpawner({ Worker: class {} })).not.toBeNull();
    expect(runtimeSpawner({ Deno: {}, process: { versions: { node: '20.0.0' } }, Worker: class {} })).toBe(runtimeSpawner({ Worker: class {} }));
    expect(runtimeSpawner({})).toBeNull();
  });

  it('where no Worker exists the pooled explainer explains in-thread with the same results and says so once', async () => {
    const { model, inShape } = randomCnn(51);
    const local = await createExplainer(model);
    const pooled = await startPool(await createExplainer(model), model, { workers: 2 }, null);
    expect(pooled.workers).toBe(0);
    expect(pooled.warnings).toEqual(['workers: this runtime has no Worker (an edge function?); explaining in-thread']);
    const input = randomInput(52, 40, inShape);
    sameBits(await pooled.explain(input, { chunkSize: 3 }), local.explain(input), 'in-thread fallback');
    sameBits(await pooled.explain(input), local.explain(input), 'in-thread fallback, again');
    expect(pooled.warnings).toHaveLength(1);
    const js = await createExplainer(model, { backend: await createBackend('js'), workers: 2 });
    expect(js.warnings).toEqual(['workers: a backend instance cannot be shared with workers; explaining in-thread']);
    await pooled.dispose();
    await js.dispose();
  }, T);
});

describe('faults', () => {
  const { model, inShape } = randomCnn(41);
  const input = randomInput(42, 40, inShape);

  it('an error inside a worker rejects the batch with the LrpError, naming the chunk; the pool keeps serving', async () => {
    const pooled = await createExplainer(model, { workers: 2, minPoolBatch: 0 });
    const bad: Tensor = { data: Float64Array.from(input.data), shape: input.shape };
    (bad.data as Float64Array)[25 * (bad.data.length / 40) + 3] = Number.NaN; // sample 25, in the chunk 25..29
    await expectRejects(pooled.explain(bad, { chunkSize: 5 }), 'E_INPUT', /element 3 is NaN \(in the chunk of samples 25\.\.29, worker \d\)/);
    await expectRejects(pooled.explain(input, { relevanceAt: 99, chunkSize: 5 }), 'E_RANGE', /layer index 99 is out of range/);
    await expectRejects(pooled.explain(input, { rule: 'nonsense' }), 'E_RULE');
    sameBits(await pooled.explain(input), (await createExplainer(model)).explain(input), 'after the failures');
    await pooled.dispose();
  }, T);

  it('a worker terminated mid-batch: its chunk runs on a replacement, no sample lost or doubled, later batches succeed', async () => {
    const want = (await createExplainer(model)).explain(input, { rule: 'epsilon=0.1' });
    const pooled = await createExplainer(model, { workers: 2, minPoolBatch: 0 });
    let killed = false;
    const seen: number[] = [];
    const got = await pooled.explain(input, {
      rule: 'epsilon=0.1',
      chunkSize: 3,
      onProgress: (done) => {
        seen.push(done);
        if (!killed) {
          killed = true;
          pooled.terminateWorker(0);
          pooled.terminateWorker(1);
        }
      },
    });
    sameBits(got, want, 'after two workers were terminated');
    expect(pooled.restarts).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe(40);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    sameBits(await pooled.explain(input, { rule: 'epsilon=0.1' }), want, 'the next batch');
    await pooled.dispose();
  }, T);

  it('an AbortSignal cancels a batch (E_ABORTED), before or during it; the pool keeps serving', async () => {
    const pooled = await createExplainer(model, { workers: 2, minPoolBatch: 0 });
    await expectRejects(pooled.explain(input, { signal: AbortSignal.abort() }), 'E_ABORTED', /cancelled/);
    const ac = new AbortController();
    let chunks = 0;
    await expectRejects(
      pooled.explain(input, {
        chunkSize: 2,
        signal: ac.signal,
        onProgress: () => {
          if (++chunks === 2) ac.abort();
        },
      }),
      'E_ABORTED',
    );
    expect(chunks).toBeLessThan(20);
    sameBits(await pooled.explain(input), (await createExplainer(model)).explain(input), 'after an abort');
    await pooled.dispose();
    await expectRejects(pooled.explain(input), 'E_USAGE', /disposed/);
  }, T);
});

describe('process exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lrp-pool-exit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (dispose: boolean) => `
import { createExplainer, linearLayer, simpleLayer } from ${JSON.stringify(join(projectRoot, 'dist/index.js'))};
const model = { layers: [linearLayer(3, 4, Float64Array.from({ length: 12 }, (_, i) => i / 7 - 0.8), new Float64Array(4)), simpleLayer('relu'), linearLayer(4, 2, Float64Array.from({ length: 8 }, (_, i) => 0.5 - i / 9), new Float64Array(2))] };
const ex = await createExplainer(model, { workers: 2, minPoolBatch: 0 });
const e = await ex.explain({ data: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i)), shape: [20, 3] }, { chunkSize: 3 });
${dispose ? 'await ex.dispose();' : ''}
console.log('explained', e.relevance.shape.join('x'));
`;
  for (const dispose of [true, false]) {
    it(`a process that used a pool exits by itself ${dispose ? 'after dispose()' : 'even without dispose() (idle workers are unref-ed)'}`, () => {
      const file = join(dir, `exit-${dispose}.mjs`);
      writeFileSync(file, script(dispose));
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
      expect(r.error, 'the child hung until the timeout').toBeUndefined();
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('explained 20x3');
      expect(r.status).toBe(0);
    }, T);
  }
});
