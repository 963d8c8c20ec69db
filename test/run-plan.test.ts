import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_COST, DEFAULT_MAX_MEMORY, checkCost, checkMemory, explanationFactor, resolveLimits } from '../src/engine/budget.js';
import { estimateRunBytes } from '../src/engine/memory-plan.js';
import { planRun } from '../src/engine/run-plan.js';
import { createExplainer } from '../src/explainer.js';
import { readTextModel } from '../src/io/text-model.js';
import type { Model } from '../src/model/layers.js';
import { buildModel } from '../src/train/arch.js';
import { train } from '../src/train/train.js';
import { expectLrpError } from './support/expect-error.js';
import { randomCnn, randomInput, randomMlp } from './support/random-model.js';

/** A layer-only text model (no weights needed for pools and activations). */
const textModel = (text: string): Model => readTextModel(text, 'test.txt');
const ones = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape });

describe('planRun: shapes, parameters, bytes and multiply-adds per layer, before anything runs', () => {
  it('gives every layer of a CNN its shapes, parameters and forward multiply-adds', () => {
    const model = textModel('Convolution 5 5 1 10 1 1\n' + `${'0 '.repeat(250)}\n${'0 '.repeat(10)}\nRect\nSumPool 2 2 2 2\nFlatten\nLinear 1440 10\n${'0 '.repeat(14400)}\n${'0 '.repeat(10)}\n`);
    const plan = planRun(model, [28, 28, 1], 3, 4);
    expect(plan.shapes).toEqual([[28, 28, 1], [24, 24, 10], [24, 24, 10], [12, 12, 10], [1440], [10]]);
    expect(plan.layers.map((l) => l.macs)).toEqual([24 * 24 * 10 * 25, 24 * 24 * 10, 12 * 12 * 10 * 4, 0, 14400]);
    expect(plan.layers.map((l) => l.params)).toEqual([260, 0, 0, 0, 14410]);
    expect(plan.forwardMacs).toBe(144000 + 5760 + 5760 + 14400);
    expect(plan.paramBytes).toBe(14670 * 4);
    expect(plan.runBytes).toBe(estimateRunBytes(plan.shapes, 3, 4));
    expect(plan.bytes).toBe(plan.paramBytes + plan.runBytes);
    expect(plan.layers[0].where).toBe('layer 0 (Convolution)');
  });

  it('needs only the sizes of a layer, not its weights', () => {
    const skeleton: Model = { layers: [{ kind: 'linear', inputs: 4, outputs: 1e6, weights: new Float64Array(0), bias: new Float64Array(0) }] };
    const plan = planRun(skeleton, [4], 1, 8);
    expect(plan.paramBytes).toBe((4e6 + 1e6) * 8);
    expect(plan.forwardMacs).toBe(4e6);
  });
});

describe('absurd windows, strides and padding are E_SHAPE naming the layer (text models)', () => {
  const cases: [string, string, number[], RegExp, string][] = [
    ['huge pool padding', 'MaxPool 2 2 1 1 pad 100000 100000 100000 100000', [28, 28, 1], /top padding 100000 is absurd for an input height of 28/, 'layer 0 (MaxPool)'],
    ['huge conv padding on one side', 'Convolution 1 1 1 1 1 1 pad 0 0 0 50\n1\n0', [4, 4, 1], /right padding 50 is absurd for an input width of 4 and a window of 1 \(at most max\(window - 1, 2 x input\) = 8\)/, 'layer 0 (Convolution)'],
    ['pool window larger than the padded input', 'SumPool 40 40 1 1', [28, 28, 1], /window 40x40 is larger than the padded input 28x28/, 'layer 0 (SumPool)'],
    ['the second layer at fault', 'Rect\nAvgPool 31 31 1 1 pad 1 1 1 1', [28, 28, 1], /larger than the padded input 30x30/, 'layer 1 (AvgPool)'],
  ];
  it.each(cases)('%s', (_, text, inShape, message, where) => {
    const model = textModel(text);
    const err = expectLrpError(() => planRun(model, inShape, 1, 8), 'E_SHAPE', message);
    expect(err.where).toBe(where);
  });

  it.each(['js', 'wasm'] as const)('the %s explainer refuses them before allocating anything', async (backend) => {
    const explainer = await createExplainer(textModel('MaxPool 2 2 1 1 pad 100000 100000 100000 100000'), { backend });
    expect(expectLrpError(() => explainer.forward(ones([1, 28, 28, 1])), 'E_SHAPE').where).toBe('layer 0 (MaxPool)');
    explainer.dispose();
  });

  it('padding up to max(window - 1, 2 x input) is allowed (full convolution, same padding), one more is not', () => {
    expect(planRun(textModel('SumPool 3 3 1 1 pad 2 2 2 2'), [1, 1, 1], 1, 8).shapes[1]).toEqual([3, 3, 1]);
    expect(planRun(textModel('AvgPool 1 1 1 1 pad 10 10 10 10'), [5, 5, 1], 1, 8).shapes[1]).toEqual([25, 25, 1]);
    expectLrpError(() => planRun(textModel('AvgPool 1 1 1 1 pad 10 11 10 10'), [5, 5, 1], 1, 8), 'E_SHAPE', /bottom padding 11 is absurd/);
    expectLrpError(() => planRun(textModel('SumPool 3 3 1 1 pad 3 2 2 2'), [1, 1, 1], 1, 8), 'E_SHAPE', /top padding 3 is absurd/);
  });

  it('zero or fractional strides and windows of layers built in code are E_SHAPE, not a hang', () => {
    const stride0: Model = { layers: [{ kind: 'maxpool', pool: [2, 2], stride: [0, 1], padding: 'valid' }] };
    expectLrpError(() => planRun(stride0, [8, 8, 1], 1, 8), 'E_SHAPE', /stride height must be a positive integer, got 0/);
    const half: Model = { layers: [{ kind: 'sumpool', pool: [1.5, 2], stride: [1, 1], padding: [0, 0, 0, 0] }] };
    expectLrpError(() => planRun(half, [8, 8, 1], 1, 8), 'E_SHAPE', /window height must be a positive integer, got 1.5/);
    const negative: Model = { layers: [{ kind: 'sumpool', pool: [2, 2], stride: [1, 1], padding: [0, -1, 0, 0] }] };
    expectLrpError(() => planRun(negative, [8, 8, 1], 1, 8), 'E_SHAPE', /bottom padding must be a non-negative integer/);
  });
});

describe('budgets: memory and cost refused with the figures, overridable', () => {
  it('defaults are 2 GiB and 1e10 multiply-adds per sample; non-positive budgets are E_USAGE', () => {
    expect(resolveLimits()).toEqual({ maxMemory: DEFAULT_MAX_MEMORY, maxCost: DEFAULT_MAX_COST });
    expect(DEFAULT_MAX_MEMORY).toBe(2 ** 31);
    expect(resolveLimits({ maxCost: 5 }, { maxMemory: 7 })).toEqual({ maxMemory: 7, maxCost: 5 });
    expect(resolveLimits({ maxCost: 5 }, { maxCost: Infinity }).maxCost).toBe(Infinity);
    expectLrpError(() => resolveLimits({ maxMemory: 0 }), 'E_USAGE', /maxMemory must be a positive number of bytes/);
    expectLrpError(() => resolveLimits({}, { maxCost: Number.NaN }), 'E_USAGE', /maxCost/);
  });

  it('checkMemory and checkCost give the estimate, its parts, the costliest layer and the limit', () => {
    const plan = planRun(randomMlp(1, [784, 64, 10]), [784], 500, 8);
    const mem = expectLrpError(() => checkMemory(plan, 2 ** 24), 'E_RANGE', /a batch of 500 needs [0-9.]+ MiB \(\d+ bytes\) \(parameters .*, run storage .*\), over the memory limit of 16.00 MiB \(16777216 bytes\)/);
    expect(mem.where).toBe('maxMemory');
    expect(() => checkMemory(plan, plan.bytes)).not.toThrow();
    const cost = expectLrpError(() => checkCost(plan, 9, 'an explanation', 1e5), 'E_RANGE', /an explanation costs about 457920 multiply-adds per sample \(the forward pass 50880, most of it in layer 0 \(Linear\): 50176\), over the cost limit of 100000/);
    expect(cost.where).toBe('maxCost');
    expect(explanationFactor('lrp')).toBe(8);
    expect(explanationFactor('integrated-gradients', { steps: 10 })).toBe(20);
    expect(explanationFactor('gradient')).toBe(1);
  });

  it('a one-line model that would run for minutes on one sample is refused by the default cost budget, and runs when allowed', async () => {
    const model = textModel('MaxPool 300 300 1 1 pad 299 299 299 299');
    const explainer = await createExplainer(model, { backend: 'js' });
    const x = ones([1, 300, 300, 1]);
    const err = expectLrpError(() => explainer.forward(x), 'E_RANGE', /the forward pass costs about 3.23e\+10 multiply-adds per sample .* over the cost limit of 1.00e\+10/);
    expect(err.message).toContain('layer 0 (MaxPool)');
    // a cheap model of the same kind runs under the default, and the budget is per call too
    const small = await createExplainer(textModel('MaxPool 3 3 1 1 pad 2 2 2 2\nFlatten'), { backend: 'js' });
    expect(small.forward(ones([2, 4, 4, 1])).output.shape).toEqual([2, 36]);
    expectLrpError(() => small.forward(ones([2, 4, 4, 1]), { maxCost: 100 }), 'E_RANGE', /forward pass costs about 324 multiply-adds/);
  });

  it('explain checks the forward pass and the explanation together before either runs; maxCost overrides', async () => {
    const { model, inShape } = randomCnn(3);
    const x = randomInput(4, 2, inShape);
    const plan = planRun(model, inShape, 2, 8);
    const tight = await createExplainer(model, { backend: 'js', maxCost: plan.forwardMacs * 5 });
    // the forward pass alone fits, an LRP explanation (up to 8 forward passes) does not
    const pass = tight.forward(x);
    expectLrpError(() => pass.explain({ rule: 'epsilon=0.01' }), 'E_RANGE', /an explanation by lrp costs about/);
    expect(pass.explain({ method: 'gradient' }).relevance.shape).toEqual([2, ...inShape]);
    expectLrpError(() => pass.explain({ method: 'integrated-gradients', steps: 3 }), 'E_RANGE', /integrated-gradients/);
    pass.dispose();
    expectLrpError(() => tight.explain(x, { rule: 'epsilon=0.01' }), 'E_RANGE', /an explanation by lrp with its forward pass costs about/);
    const allowed = tight.explain(x, { rule: 'epsilon=0.01', maxCost: Infinity });
    const free = await createExplainer(model, { backend: 'js' });
    expect(allowed.relevance.data).toEqual(free.explain(x, { rule: 'epsilon=0.01' }).relevance.data);
  });
});

describe('training is planned before weights or buffers are allocated', () => {
  it('buildModel refuses an architecture whose weights exceed maxMemory, before allocating them', () => {
    const err = expectLrpError(() => buildModel('flatten,linear100000000', [28, 28, 1], 0), 'E_RANGE', /needs [0-9.]+ TiB .* over the memory limit of 2.00 GiB/);
    expect(err.where).toBe('maxMemory');
    expect(buildModel('flatten,linear10', [28, 28, 1], 0).layers).toHaveLength(2);
  });

  it('buildModel refuses absurd windows (E_SHAPE naming the layer) and a step over maxCost', () => {
    expectLrpError(() => buildModel('maxpool40', [28, 28, 1], 0), 'E_SHAPE', /larger than the padded input/);
    expectLrpError(() => buildModel('conv5x5x16,relu,flatten,linear10', [28, 28, 1], 0, undefined, { maxCost: 1e5 }), 'E_RANGE', /a training step costs about .* most of it in layer 0 \(Convolution\)/);
  });

  it('train refuses a plan over the budgets before its first step', async () => {
    const model = randomMlp(5, [16, 8, 3]);
    const x = randomInput(6, 40, [16]);
    const y = { data: Float64Array.from({ length: 40 }, (_, i) => i % 3), shape: [40] };
    const progress: unknown[] = [];
    await expect(train(model, { x, y }, { backend: 'js', iters: 2, status: 1, maxCost: 100, onProgress: (p) => progress.push(p) })).rejects.toMatchObject({ code: 'E_RANGE', where: 'maxCost' });
    await expect(train(model, { x, y }, { backend: 'js', iters: 2, status: 1, maxMemory: 1024, onProgress: (p) => progress.push(p) })).rejects.toMatchObject({ code: 'E_RANGE', where: 'maxMemory' });
    expect(progress).toEqual([]);
    await expect(train(textModel('Rect\nMaxPool 50 50 1 1'), { x: ones([4, 28, 28, 1]) as never, y }, { backend: 'js', batchSize: 2 })).rejects.toMatchObject({ code: 'E_SHAPE', where: 'layer 1 (MaxPool)' });
    expect((await train(model, { x, y }, { backend: 'js', iters: 2, status: 1 })).iterations).toBe(2);
  });
});
