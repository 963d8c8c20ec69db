import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExplainer, type Explainer, type ExplainOptions } from '../src/explainer.js';
import type { Tensor } from '../src/tensor.js';
import type { PooledExplainer } from '../src/workers/pooled-explainer.js';
import { inThreadEngine, pooledEngine } from '../web/src/explain-session.js';
import { loadModel } from '../src/io/load-model.js';
import { type Capabilities, backendChoices, defaultBackend } from '../web/src/backend-choices.js';
import { DEFAULT_CHOICES, EXPLAIN_CHOICES, choicesById } from '../web/src/explain-methods.js';
import { latestOnly } from '../web/src/latest-only.js';
import { isImageFile, modelFromFiles } from '../web/src/model-files.js';
import { COLORMAPS, NORMALISATIONS } from '../web/src/render-choices.js';
import { heatmaps } from '../src/render/heatmap.js';
import { readNpy } from '../src/io/npy.js';
import { projectRoot } from './fixtures.js';
import { seedWeights } from './support/tfjs-models.js';
import { loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';

const models = join(projectRoot, 'models');

describe('web demo: the explanations offered', () => {
  let explainer: Explainer;
  beforeAll(async () => {
    explainer = await createExplainer(await loadModel(join(models, 'mnist-cnn.txt')), { backend: 'wasm' });
  });
  afterAll(() => explainer?.dispose());

  it('each choice explains a held-out digit of the shipped CNN: finite, not all zero, and renders with every colormap and normalisation', () => {
    const digits = readNpy(readFileSync(join(models, 'digits.npy')));
    const input = { data: Float32Array.from(digits.data.subarray(0, 784) as Float32Array), shape: [1, 28, 28, 1] };
    const pass = explainer.forward(input);
    try {
      const maps = EXPLAIN_CHOICES.map((choice) => {
        const { relevance } = pass.explain(choice.options);
        expect(relevance.shape, choice.id).toEqual([1, 28, 28, 1]);
        expect(relevance.data.every(Number.isFinite), choice.id).toBe(true);
        expect(relevance.data.some((v) => v !== 0), choice.id).toBe(true);
        return relevance.data;
      });
      const batch = new Float64Array(maps.length * 784);
      maps.forEach((m, i) => batch.set(m, i * 784));
      for (const cmap of COLORMAPS) {
        for (const n of NORMALISATIONS) {
          const images = heatmaps({ data: batch, shape: [maps.length, 28, 28, 1] }, { cmap, ...n.options });
          expect(images.length, `${cmap} ${n.id}`).toBe(maps.length);
        }
      }
    } finally {
      pass.dispose();
    }
  });

  it('ids are unique, the defaults exist, and picking keeps display order', () => {
    const ids = EXPLAIN_CHOICES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(choicesById(DEFAULT_CHOICES).map((c) => c.id)).toEqual([...DEFAULT_CHOICES]);
    expect(choicesById(['gradient', 'epsilon', 'nope']).map((c) => c.id)).toEqual(['epsilon', 'gradient']);
    expect(COLORMAPS[0]).toBe('bwr');
  });
});

describe('web demo: backend choices', () => {
  const all: Capabilities = { wasm: true, webWorkers: true, workerPool: true, tfjsBackend: true, webgl: true, webgpu: true, webgpuAdapter: true };

  it('offers every backend where the browser and the build have it, wasm in the page first', () => {
    const choices = backendChoices(all);
    expect(choices.map((c) => [c.id, c.disabledReason])).toEqual([
      ['wasm', undefined],
      ['wasm-workers', undefined],
      ['tfjs-webgl', undefined],
      ['tfjs-webgpu', undefined],
      ['js', undefined],
    ]);
    expect(defaultBackend(choices).id).toBe('wasm');
    expect(choices.map((c) => [c.id, c.options.backend, c.tfjsDevice])).toEqual([
      ['wasm', 'wasm', undefined],
      ['wasm-workers', 'wasm', undefined],
      ['tfjs-webgl', 'tfjs', 'webgl'],
      ['tfjs-webgpu', 'tfjs', 'webgpu'],
      ['js', 'js', undefined],
    ]);
  });

  it('disables each missing piece with its reason, the browser first; js is always there', () => {
    const none: Capabilities = { wasm: false, webWorkers: false, workerPool: false, tfjsBackend: false, webgl: false, webgpu: false, webgpuAdapter: false };
    const reasons = Object.fromEntries(backendChoices(none).map((c) => [c.id, c.disabledReason]));
    expect(reasons).toEqual({
      wasm: 'this browser has no WebAssembly',
      'wasm-workers': 'this browser has no WebAssembly',
      'tfjs-webgl': 'this build of lrpjs has no tfjs backend',
      'tfjs-webgpu': 'this build of lrpjs has no tfjs backend',
      js: undefined,
    });
    expect(defaultBackend(backendChoices(none)).id).toBe('js');
    const noGpu = Object.fromEntries(backendChoices({ ...all, webgl: false, webgpu: false, workerPool: false }).map((c) => [c.id, c.disabledReason]));
    expect(noGpu['tfjs-webgl']).toBe('this browser gives no WebGL 2 context');
    expect(noGpu['tfjs-webgpu']).toBe('this browser has no WebGPU (navigator.gpu)');
    const noAdapter = backendChoices({ ...all, webgpuAdapter: false }).find((c) => c.id === 'tfjs-webgpu')!;
    expect(noAdapter.disabledReason).toBe('WebGPU gives no adapter here (no GPU, or it is turned off)');
    expect(noGpu['wasm-workers']).toBe('this build of lrpjs has no worker pool');
    expect(backendChoices(all).filter((c) => c.pool).map((c) => c.id)).toEqual(['wasm-workers']);
  });
});

describe('web demo: explain engines', () => {
  it('in the page: one forward pass per input serves every method, with the numbers of a plain explanation', async () => {
    const model = await loadModel(join(models, 'mnist-mlp.txt'));
    const explainer = await createExplainer(model, { backend: 'js' });
    const engine = inThreadEngine(explainer);
    const digits = readNpy(readFileSync(join(models, 'digits.npy')));
    const x = { data: Float64Array.from(digits.data.subarray(0, 784) as Float32Array), shape: [1, 784] };
    const session = await engine.open(x, { rule: 'epsilon' });
    for (const choice of EXPLAIN_CHOICES.slice(0, 4)) {
      const direct = explainer.explain(x, choice.options);
      const { relevance, ms } = await session.explain(choice.options);
      expect(relevance).toEqual(direct.relevance);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(session.output).toEqual(direct.output);
    }
    session.close();
    const batch = { data: Float64Array.from(digits.data.subarray(0, 3 * 784) as Float32Array), shape: [3, 784] };
    expect((await engine.explainBatch(batch, { rule: 'zplus' })).relevance).toEqual(explainer.explain(batch, { rule: 'zplus' }).relevance);
    engine.dispose();
  });

  it('on the worker pool: the first method of a session is asked once and gives the output; batches go to the pool as they are', async () => {
    const calls: [number, ExplainOptions][] = [];
    const fake = {
      explain: async (input: Tensor, options: ExplainOptions) => {
        calls.push([input.shape[0]!, options]);
        return { output: { data: new Float64Array([calls.length]), shape: [1, 1] }, relevance: { data: new Float64Array([10 * calls.length]), shape: [1, 1] } };
      },
      dispose: async () => void calls.push([-1, {}]),
    } as unknown as PooledExplainer;
    let clock = 0;
    const engine = pooledEngine(fake, () => (clock += 7)); // each reading 7 ms after the last
    const [first, second] = [{ rule: 'epsilon' }, { rule: 'zplus' }];
    const x = { data: new Float64Array(1), shape: [1, 1] };
    const session = await engine.open(x, first);
    expect(session.output.data).toEqual(new Float64Array([1]));
    // the first method's time is that of the explanation made when the session opened, not of a cache lookup
    expect(await session.explain(first)).toEqual({ relevance: { data: new Float64Array([10]), shape: [1, 1] }, ms: 7 });
    expect(await session.explain(second)).toEqual({ relevance: { data: new Float64Array([20]), shape: [1, 1] }, ms: 7 });
    await engine.explainBatch({ data: new Float64Array(5), shape: [5, 1] }, second);
    engine.dispose();
    expect(calls).toEqual([
      [1, first],
      [1, second],
      [5, second],
      [-1, {}],
    ]);
  });
});

describe('web demo: explaining the latest request only', () => {
  it('a request during a run marks it stale and runs once more after it; requests in between coalesce', async () => {
    const log: string[] = [];
    let release!: () => void;
    let runs = 0;
    const runner = latestOnly(async (stale) => {
      const n = ++runs;
      log.push(`start ${n}`);
      if (n === 1) await new Promise<void>((r) => (release = r));
      log.push(`${n} ${stale() ? 'stale' : 'current'}`);
    }, (e) => log.push(`error ${String(e)}`));
    const idle = runner.request();
    runner.request();
    runner.request();
    release();
    await idle;
    expect(log).toEqual(['start 1', '1 stale', 'start 2', '2 current']);
  });

  it('an error goes to onError and later requests still run', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const runner = latestOnly(async () => {
      if (++n === 1) throw new Error('boom');
    }, (e) => errors.push(e));
    await runner.request();
    await runner.request();
    expect(n).toBe(2);
    expect(errors.map(String)).toEqual(['Error: boom']);
  });
});

describe('web demo: opened files', () => {
  let tfjsDir: string;
  beforeAll(async () => {
    const tf = await loadTf();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'relu' }), tf.layers.dense({ units: 2 })] });
    seedWeights(tf, model, 5);
    tfjsDir = dirname(writeTfjsModel(await saveArtifacts(tf, model), { shards: 2 }));
  });
  afterAll(() => void (tfjsDir && rmSync(tfjsDir, { recursive: true, force: true })));
  const file = (dir: string, name: string) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) });
  const shards = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];

  it('tells images from model files by type or name', () => {
    expect(isImageFile('a.PNG')).toBe(true);
    expect(isImageFile('photo', 'image/jpeg')).toBe(true);
    expect(isImageFile('model.json', 'application/json')).toBe(false);
    expect(isImageFile('w.bin')).toBe(false);
  });

  it('reads a toolbox model and a tfjs model.json with its shards (any order), as loadModel reads them from disk', async () => {
    const cnn = await modelFromFiles([file(models, 'mnist-cnn.txt')]);
    expect(cnn.name).toBe('mnist-cnn.txt');
    expect(cnn.model).toEqual(await loadModel(join(models, 'mnist-cnn.txt')));
    const tfjs = await modelFromFiles([file(tfjsDir, shards[1]!), file(tfjsDir, 'model.json'), file(tfjsDir, shards[0]!)]);
    expect(tfjs.name).toBe('model.json');
    expect(tfjs.model).toEqual(await loadModel(join(tfjsDir, 'model.json')));
  });

  it('refuses a missing shard, shards alone, several models, and a bad file, each naming what is at fault', async () => {
    const json = file(tfjsDir, 'model.json');
    await expect(modelFromFiles([json, file(tfjsDir, shards[0]!)])).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining(shards[1]!) });
    await expect(modelFromFiles([file(tfjsDir, shards[0]!)])).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('model.json') });
    await expect(modelFromFiles([json, { ...json, name: 'other.json' }])).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('other.json') });
    await expect(modelFromFiles([file(models, 'mnist-cnn.txt'), file(models, 'mnist-mlp.txt')])).rejects.toMatchObject({ code: 'E_USAGE' });
    const bad = { name: 'broken.txt', bytes: new TextEncoder().encode('Linear 3 2\n1 2 x\n') };
    await expect(modelFromFiles([bad])).rejects.toMatchObject({ name: 'LrpError', message: expect.stringContaining('broken.txt') });
    const escaping = new TextEncoder().encode(
      JSON.stringify({ ...JSON.parse(new TextDecoder().decode(json.bytes)), weightsManifest: [{ paths: ['../x.bin'], weights: [] }] }),
    );
    await expect(modelFromFiles([{ name: 'model.json', bytes: escaping }])).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringContaining('../x.bin') });
  });
});
