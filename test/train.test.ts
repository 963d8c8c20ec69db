import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsOps } from '../src/backends/js/ops.js';
import { WasmOps } from '../src/backends/wasm/ops.js';
import type { Ops } from '../src/engine/ops.js';
import { LrpError } from '../src/errors.js';
import { readNpy } from '../src/io/npy.js';
import { readTextModel, writeTextModel } from '../src/io/text-model.js';
import { dropSoftmax } from '../src/model/build.js';
import type { Model } from '../src/model/layers.js';
import { type Tensor, toFloat64 } from '../src/tensor.js';
import { buildModel, parseArch } from '../src/train/arch.js';
import { batchGradients } from '../src/train/backprop.js';
import { evaluate } from '../src/train/evaluate.js';
import { softmaxCrossEntropy } from '../src/train/loss.js';
import { TrainableParams } from '../src/train/params.js';
import { Rng } from '../src/rng.js';
import { train } from '../src/train/train.js';
import type { TrainProgress } from '../src/train/options.js';
import { main } from '../src/cli/main.js';
import { describeWith, requirement } from './support/requirements.js';

const js = new JsOps() as Ops<unknown>;
const wasm = WasmOps.createSync() as Ops<unknown>;

/** Loss and gradients of `model` (logits model) on a batch, on a backend. */
function grads(ops: Ops<unknown>, model: Model, x: Tensor, t: Float64Array) {
  const p = new TrainableParams(model);
  const pm = p.prepare(ops);
  ops.beginScope();
  try {
    return batchGradients(pm, ops.tensor(x.data, x.shape), t);
  } finally {
    ops.endScope();
    p.invalidate();
  }
}

function oneHot(labels: number[], c: number): Float64Array {
  const t = new Float64Array(labels.length * c);
  labels.forEach((l, i) => (t[i * c + l] = 1));
  return t;
}

function randomInput(rng: Rng, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float64Array.from({ length: n }, () => rng.normal()), shape };
}

/**
 * Downsampled MNIST (14×14 by 2×2 means) from the `mnist` package: per class the first `train`
 * digits for training and the next `test` for testing.
 */
function mnistSubset(train: number, test: number): { train: { x: Tensor; y: Tensor }; test: { x: Tensor; y: Tensor } } {
  const mnist = createRequire(import.meta.url)('mnist') as { [c: number]: { raw: number[] } };
  const make = (from: number, count: number) => {
    const x = new Float64Array(count * 10 * 196);
    const y = new Float64Array(count * 10);
    let k = 0;
    for (let i = from; i < from + count; i++) {
      for (let c = 0; c < 10; c++) {
        const raw = mnist[c]!.raw;
        for (let r = 0; r < 14; r++) {
          for (let q = 0; q < 14; q++) {
            const o = i * 784 + 2 * r * 28 + 2 * q;
            x[k * 196 + r * 14 + q] = (raw[o]! + raw[o + 1]! + raw[o + 28]! + raw[o + 29]!) / 4;
          }
        }
        y[k++] = c;
      }
    }
    return { x: { data: x, shape: [count * 10, 196] }, y: { data: y, shape: [count * 10] } };
  };
  return { train: make(0, train), test: make(train, test) };
}

describe('softmax cross-entropy', () => {
  it('is −log softmax of the target, with gradient (softmax − onehot)/N', () => {
    const z = [1, 2, 3, 0, 0, 0];
    const r = softmaxCrossEntropy(z, oneHot([2, 1], 3), 2, 3);
    const e = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(r.loss).toBeCloseTo((-Math.log(Math.exp(3) / e) + Math.log(3)) / 2, 12);
    expect(r.grad[2]).toBeCloseTo((Math.exp(3) / e - 1) / 2, 12);
    expect(r.grad[4]).toBeCloseTo((1 / 3 - 1) / 2, 12);
    expect(r.correct).toBe(1);
  });

  it('does not overflow on large logits', () => {
    const r = softmaxCrossEntropy([1000, -1000], oneHot([1], 2), 1, 2);
    expect(r.loss).toBeCloseTo(2000, 9);
    expect(Number.isFinite(r.grad[0]!)).toBe(true);
  });
});

describe('gradients of the loss', () => {
  const cases: [string, string, number[]][] = [
    ['a CNN with maxpool and sumpool', 'conv3x3x4,relu,maxpool2,conv2x2x5:same,tanh,sumpool2:s1,flatten,linear6,sigmoid,linear3', [6, 6, 2]],
    ['a strided CNN with avgpool', 'conv3x3x3:s2:same,relu,avgpool2x1,flatten,linear4', [7, 5, 1]],
    ['an MLP', 'linear7,tanh,linear5,relu,linear3', [6]],
  ];

  it.each(cases)('match central finite differences for %s (js, float64)', (_name, spec, inShape) => {
    const model = buildModel(spec, inShape, 3);
    const rng = new Rng(5);
    const x = randomInput(rng, [4, ...inShape]);
    const classes = (model.layers.at(-1) as { outputs: number }).outputs;
    const t = oneHot([0, 1, 2 % classes, 1], classes);
    const g = grads(js, model, x, t);
    const h = 1e-6;
    let checked = 0;
    model.layers.forEach((layer, i) => {
      if (layer.kind !== 'linear' && layer.kind !== 'conv2d') return;
      for (const which of ['weights', 'bias'] as const) {
        const arr = layer[which];
        for (let s = 0; s < 4; s++) {
          const k = (s * 7919 + i) % arr.length;
          const loss = (d: number): number => {
            const old = arr[k]!;
            arr[k] = old + d;
            const l = grads(js, model, x, t).loss;
            arr[k] = old;
            return l;
          };
          const fd = (loss(h) - loss(-h)) / (2 * h);
          expect(Math.abs(g.layers[i]![which][k]! - fd)).toBeLessThan(1e-6 + 1e-4 * Math.abs(fd));
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(8);
  });

  it('are the same on wasm (float32) as on js within 1e-4', () => {
    const model = buildModel(cases[0]![1], cases[0]![2], 3);
    const x = randomInput(new Rng(9), [5, 6, 6, 2]);
    const t = oneHot([0, 1, 2, 1, 0], 3);
    const a = grads(js, model, x, t);
    const b = grads(wasm, model, x, t);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
    a.layers.forEach((l, i) => {
      if (!l) return expect(b.layers[i]).toBeNull();
      for (const which of ['weights', 'bias'] as const) {
        const max = Math.max(...l[which].map(Math.abs));
        l[which].forEach((v, k) => expect(Math.abs(v - b.layers[i]![which][k]!)).toBeLessThan(1e-4 * max + 1e-7));
      }
    });
  });
});

describe('train', () => {
  const data = mnistSubset(150, 50);
  const mlp = (): Model => buildModel('linear32,relu,linear10,softmax', [196], 11);
  const options = { batchSize: 32, iters: 400, lrate: 0.1, momentum: 0.9, status: 100, seed: 4 };

  it.each([['js', js], ['wasm', wasm]] as const)('reaches 85 percent held-out accuracy on 1,500 downsampled digits on %s', async (_n, ops) => {
    const r = await train(mlp(), { ...data.train, xVal: data.test.x, yVal: data.test.y }, { ...options, backend: ops });
    expect(r.iterations).toBe(400);
    expect(r.history).toHaveLength(4);
    expect(r.model.layers.at(-1)?.kind).toBe('softmax');
    const ev = await evaluate(r.model, data.test, { backend: ops });
    expect(ev.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(ev.accuracy).toBeCloseTo(r.best.accuracy, 10);
  });

  it('is deterministic for a seed on a backend and differs for another seed', async () => {
    const run = async (seed: number) => (await train(mlp(), data.train, { ...options, iters: 60, status: 30, seed, backend: wasm })).history.map((h) => h.loss);
    const a = await run(4);
    expect(await run(4)).toEqual(a);
    expect(await run(5)).not.toEqual(a);
  });

  it('keeps the best evaluation, reports progress, and stops after `convergence` checks without improvement', async () => {
    const events: TrainProgress[] = [];
    // a learning rate far too small: the loss creeps down, the accuracy on training data stalls
    const r = await train(mlp(), data.train, {
      batchSize: 10, iters: 1000, lrate: 1e-9, status: 20, convergence: 2, select: 'accuracy', backend: wasm, onProgress: (p) => events.push(p),
    });
    expect(r.stopped).toBe('convergence');
    expect(r.iterations).toBe(60);
    expect(events.at(-1)).toEqual({ kind: 'converged', iter: 60, checks: 2 });
    expect(events.filter((e) => e.kind === 'batch')).toHaveLength(60 / 2 - 3);
    expect(r.history.map((h) => h.improved)).toEqual([true, false, false]);
    expect(r.best.iter).toBe(20);
    expect(r.history[0]!.on).toBe('training');
  });

  it('applies the toolbox learning-rate decays at improving evaluations', async () => {
    for (const [decay, f] of [['sublinear', (a: number) => 1 - a * a], ['linear', (a: number) => 1 - a], ['none', () => 1]] as const) {
      const r = await train(mlp(), data.train, { ...options, iters: 100, status: 50, decay, backend: wasm });
      for (const h of r.history.filter((e) => e.improved)) expect(h.lrate).toBeCloseTo(0.1 * f(h.accuracy), 12);
    }
  });

  it('trains a model without SoftMax on its outputs as logits, and applies transforms', async () => {
    let calls = 0;
    const model = dropSoftmax(mlp());
    const r = await train(model, data.train, {
      ...options, iters: 50, status: 50, backend: js,
      transform: (b) => {
        calls++;
        return { data: b.data.map((v) => v * 0.5), shape: b.shape };
      },
    });
    expect(calls).toBe(50);
    expect(r.model.layers.at(-1)?.kind).toBe('linear');
  });

  it('refuses bad options with E_USAGE', async () => {
    const bad = [
      { batchSize: 0 }, { batchSize: 2.5 }, { batchSize: 10_000 }, { iters: 0 }, { lrate: -1 }, { lrate: NaN },
      { decay: 'cubic' as 'linear' }, { status: 0 }, { momentum: 1 }, { select: 'f1' as 'loss' }, { seed: 0.5 }, { lfactorInitial: 0 },
    ];
    for (const o of bad) {
      await expect(train(mlp(), data.train, { ...o, backend: js }), JSON.stringify(o)).rejects.toMatchObject({ code: 'E_USAGE' });
    }
    await expect(train(mlp(), { ...data.train, xVal: data.test.x }, { backend: js })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('refuses data that does not fit the model (E_SHAPE, E_INPUT)', async () => {
    await expect(train(mlp(), { x: { data: new Float64Array(20), shape: [2, 10] }, y: { data: new Float64Array(2), shape: [2] } }, { backend: js, batchSize: 1 }))
      .rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(train(mlp(), { x: data.train.x, y: { data: data.train.y.data.map((v) => v + 5), shape: data.train.y.shape } }, { backend: js }))
      .rejects.toMatchObject({ code: 'E_INPUT' });
  });
});

describe('architecture specs', () => {
  it('build the layers they name with shapes inferred from the input', () => {
    const m = buildModel('conv5x5x6,relu,maxpool2,conv3x3x8:s2:same,sumpool2x2:s1,flatten,dense10,softmax', [28, 28, 1], 1);
    expect(m.layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'maxpool', 'conv2d', 'sumpool', 'flatten', 'linear', 'softmax']);
    expect(m.layers[3]).toMatchObject({ filter: [3, 3, 6, 8], stride: [2, 2], padding: 'same' });
    expect(m.layers[6]).toMatchObject({ inputs: 5 * 5 * 8, outputs: 10 });
    expect(readTextModel(writeTextModel(m)).layers).toHaveLength(8);
  });

  it('draw the same weights for the same seed', () => {
    const a = buildModel('linear5', [4], 7).layers[0] as { weights: Float64Array };
    expect((buildModel('linear5', [4], 7).layers[0] as { weights: Float64Array }).weights).toEqual(a.weights);
    expect((buildModel('linear5', [4], 8).layers[0] as { weights: Float64Array }).weights).not.toEqual(a.weights);
  });

  it('refuse unknown or malformed layers with E_USAGE and misfits with E_SHAPE', () => {
    for (const s of ['', 'conv5', 'conv5x5x0', 'lstm8', 'relu:s2', 'maxpool2:same', 'linear', 'conv3x3x4:q']) {
      expect(() => parseArch(s), s).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    }
    expect(() => buildModel('linear10', [28, 28, 1], 1)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => buildModel('conv3x3x2', [10], 1)).toThrow(LrpError);
  });
});

describe('lrp train (CLI)', () => {
  function io() {
    const o = { out: '', err: '', errIsTty: false };
    return { io: { out: (t: string) => void (o.out += t), err: (t: string) => void (o.err += t), errIsTty: false }, o };
  }

  it('trains from an architecture spec and writes a toolbox text model', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { writeNpy } = await import('../src/io/npy.js');
    const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/lrp-train-`);
    const d = mnistSubset(30, 10);
    writeFileSync(`${dir}/x.npy`, writeNpy({ dtype: 'float32', data: Float32Array.from(d.train.x.data), shape: [300, 14, 14, 1] }));
    writeFileSync(`${dir}/y.npy`, writeNpy({ dtype: 'uint8', data: Uint8Array.from(d.train.y.data), shape: [300] }));
    const { io: cio, o } = io();
    const code = await main(['train', '--arch', 'flatten,linear16,relu,linear10,softmax', '--input', `${dir}/x.npy`, '--labels', `${dir}/y.npy`,
      '--iters', '40', '--status', '20', '--lrate', '0.1', '--momentum', '0.9', '--batch-size', '16', '--backend', 'wasm', '--out', `${dir}/m.txt`], cio);
    expect(o.err).toMatch(/iteration 20: training accuracy/);
    expect(code).toBe(0);
    const m = readTextModel(readFileSync(`${dir}/m.txt`, 'utf8'));
    expect(m.layers.map((l) => l.kind)).toEqual(['flatten', 'linear', 'relu', 'linear', 'softmax']);

    // continue training from the written model, with a validation set, on js
    const again = io();
    expect(await main(['train', '--model', `${dir}/m.txt`, '--input', `${dir}/x.npy`, '--labels', `${dir}/y.npy`, '--val-input', `${dir}/x.npy`,
      '--val-labels', `${dir}/y.npy`, '--iters', '10', '--status', '10', '--backend', 'js', '--out', `${dir}/m2.txt`], again.io)).toBe(0);
    expect(again.o.err).toMatch(/iteration 10: validation accuracy .*\nbest: validation accuracy/);
    expect(existsSync(`${dir}/m2.txt`)).toBe(true);
  });

  it('refuses bad usage with E_USAGE', async () => {
    for (const argv of [
      ['train', '--input', 'x.npy', '--labels', 'y.npy', '--out', 'm.txt'],
      ['train', '--arch', 'linear2', '--model', 'a.txt', '--input', 'x.npy', '--labels', 'y.npy', '--out', 'm.txt'],
      ['train', '--arch', 'linear2', '--input', 'x.npy', '--labels', 'y.npy'],
      ['train', '--arch', 'linear2', '--input', 'x.npy', '--labels', 'y.npy', '--out', 'm.txt', '--decay', 'fast'],
      ['train', '--arch', 'linear2', '--input', 'x.npy', '--labels', 'y.npy', '--out', 'm.txt', '--lrate', '0'],
      ['train', '--arch', 'lstm2', '--input', 'x.npy', '--labels', 'y.npy', '--out', 'm.txt'],
    ]) {
      const { io: cio, o } = io();
      expect(await main(argv, cio)).toBe(2);
      expect(o.err).toMatch(/E_USAGE/);
    }
  });
});

const shippedDir = new URL('../models/', import.meta.url);
const shippedModels = requirement('models', existsSync(new URL('mnist-cnn.txt', shippedDir)), `${shippedDir.pathname}mnist-cnn.txt is missing`);

describeWith(shippedModels, 'the shipped demo models', () => {
  const dir = shippedDir;
  const digits = (): { x: Tensor; y: Tensor } => ({
    x: toFloat64(readNpy(readFileSync(new URL('digits.npy', dir)))),
    y: toFloat64(readNpy(readFileSync(new URL('digit-labels.npy', dir)))),
  });

  it.each([['mnist-cnn.txt', 32], ['mnist-mlp.txt', 30]] as const)('%s loads and classifies at least %i of the 32 held-out digits', async (file, least) => {
    const model = readTextModel(readFileSync(new URL(file, dir), 'utf8'), file);
    const d = digits();
    expect(d.x.shape).toEqual([32, 28, 28, 1]);
    const ev = await evaluate(model, d, { backend: wasm });
    expect(Math.round(ev.accuracy * 32)).toBeGreaterThanOrEqual(least);
    expect(readFileSync(new URL(file, dir)).length).toBeLessThan(2_000_000);
  });

  it('ship the licence of the mnist package', () => {
    expect(readFileSync(new URL('LICENSE-mnist.txt', dir), 'utf8')).toMatch(/MIT License[\s\S]*Juan Cazala/);
  });
});
