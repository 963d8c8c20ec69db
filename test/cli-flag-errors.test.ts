import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { randomInput, randomMlp } from './support/random-model.js';
import { runCli } from './support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-flag-errors-'));
const model = join(tmp, 'mlp.txt');
writeFileSync(model, writeTextModel(randomMlp(5, [6, 5, 3])));
const input = join(tmp, 'x.npy');
const x = randomInput(5, 2, [6]);
writeFileSync(input, writeNpy({ dtype: 'float64', data: x.data as Float64Array, shape: x.shape }));
const labels = join(tmp, 'y.npy');
writeFileSync(labels, writeNpy({ dtype: 'float64', data: new Float64Array([0, 2]), shape: [2] }));
const missing = join(tmp, 'missing.txt');

const explain = ['explain', '--model', model, '--input', input, '--backend', 'js'];
const explainMissing = ['explain', '--model', missing, '--input', input];

describe('errors name the flag to use, not the library option behind it', () => {
  it.each([
    // library option names in where and message become flags
    [[...explain, '--target', '7'], /^lrp: E_RANGE --target: class 7 is out of range 0\.\.2\n$/],
    [[...explain, '--relevance-at', '9'], /^lrp: E_RANGE --relevance-at: layer index 9 is out of range/],
    [[...explain, '--layer-rule', '9:ww'], /^lrp: E_RANGE --layer-rule: layer index 9 is out of range/],
    [[...explain, '--formula', '54', '--aux-layer', '9'], /^lrp: E_RANGE --aux-layer: aux layer 9 is out of range/],
    [[...explain, '--max-cost', '2'], /^lrp: E_RANGE --max-cost: .*over the cost limit of 2: raise --max-cost to run it\n$/],
    [
      ['train', '--model', model, '--input', input, '--labels', labels, '--batch-size', '1', '--backend', 'js', '--max-cost', '2', '--out', join(tmp, 'm.txt')],
      /^lrp: E_RANGE --max-cost: a training step .*raise --max-cost/,
    ],
    // values checked before any file is read, naming their flag
    [[...explainMissing, '--backend', 'cuda'], /^lrp: E_BACKEND --backend: unknown backend 'cuda' \(known: auto, js, wasm, tfjs, gpu\)\n$/],
    [['forward', '--model', missing, '--input', input, '--backend', 'cuda'], /^lrp: E_BACKEND --backend: unknown backend 'cuda'/],
    [
      ['train', '--model', missing, '--input', input, '--labels', labels, '--backend', 'cuda', '--out', join(tmp, 'm.txt')],
      /^lrp: E_BACKEND --backend: unknown backend 'cuda'/,
    ],
    [['demo', '--models', missing, '--backend', 'cuda'], /^lrp: E_BACKEND --backend: unknown backend 'cuda'/],
    [[...explainMissing, '--composite', 'Magic'], /^lrp: E_RULE --composite: unknown composite 'Magic' \(known: EpsilonPlus, /],
    [[...explainMissing, '--formula', '5'], /^lrp: E_RULE --formula: unknown formula code 5 \(known: 0, 2, /],
    [
      [...explainMissing, '--composite', 'EpsilonGammaBox', '--low', '0', '--high', '1', '--gamma', '-1'],
      /^lrp: E_RULE --gamma: gamma must be >= 0, got -1\n$/,
    ],
    [[...explainMissing, '--composite', 'EpsilonPlus', '--epsilon', '-1'], /^lrp: E_RULE --epsilon: epsilon must be >= 0, got -1\n$/],
    [[...explainMissing, '--formula', '0', '--epsilon', '-1'], /^lrp: E_RULE --epsilon: epsilon must be >= 0/],
    [[...explainMissing, '--formula', '2', '--beta', '-1'], /^lrp: E_RULE --beta: alpha and beta must be >= 0/],
    [['render', '--relevance', missing, '--cmap', 'rainbow', '--out', join(tmp, 'r.png')], /^lrp: E_RULE --cmap: unknown colormap 'rainbow' \(known: jet, /],
    [['train', '--arch', 'linear3,magic', '--input', missing, '--labels', labels, '--out', join(tmp, 'm.txt')], /^lrp: E_USAGE --arch: unknown layer 'magic'/],
  ] as const)('%j', async (argv, expected) => {
    const r = await runCli(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(expected);
  });

  it('valid values of the same flags still run', async () => {
    for (const extra of [
      ['--target', '2'],
      ['--formula', '2', '--beta', '0.5'],
      ['--composite', 'EpsilonGammaBox', '--low', '-3', '--high', '3', '--gamma', '0.5'],
    ]) {
      expect((await runCli(...explain, ...extra)).code, extra.join(' ')).toBe(0);
    }
  });
});
