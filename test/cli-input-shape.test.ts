import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { conv2dLayer, linearLayer, poolLayer, sequential, simpleLayer } from '../src/model/build.js';
import { describeExpectedInput, expectedInput } from '../src/model/expected-input.js';
import type { Model } from '../src/model/layers.js';
import { randomCnn, randomInput, randomMlp } from './support/random-model.js';
import { runCli } from './support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-input-shape-'));
const file = (name: string, bytes: Uint8Array | string): string => {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
};
const npy = (name: string, shape: number[]): string => {
  const t = randomInput(7, shape[0]!, shape.slice(1));
  return file(name, writeNpy({ dtype: 'float64', data: t.data as Float64Array, shape: t.shape }));
};

/** A LeNet-like image model on 12×12×1 whose Linear fixes the size: conv 3×3 → sum-pool 2 → flatten → linear. */
function imageModel(): Model {
  const zeros = (n: number) => new Float64Array(n);
  return sequential([
    conv2dLayer([3, 3, 1, 2], [1, 1], zeros(18), zeros(2), 'valid'),
    simpleLayer('relu'),
    poolLayer('sumpool', [2, 2], [2, 2]),
    simpleLayer('flatten'),
    linearLayer(50, 3, zeros(150), zeros(3)),
  ]);
}

describe('expectedInput: what a model takes per sample', () => {
  it('a first Linear fixes it; Flatten then Linear takes any shape of that many values', () => {
    expect(expectedInput(randomMlp(1, [5, 4, 3]))).toEqual({ shape: '[5]', example: [5] });
    const flat = sequential([simpleLayer('flatten'), ...randomMlp(1, [6, 2]).layers]);
    expect(expectedInput(flat)).toEqual({ shape: 'of 6 values', note: 'any shape, e.g. [6]', example: [6] });
  });

  it('an image model whose Linear fixes the size: found by trying square sizes (12 and 13 both floor to 5 after the pool)', () => {
    expect(expectedInput(imageModel())).toEqual({ shape: '[12, 12, 1]', note: 'square sides 12 to 13 fit', example: [12, 12, 1] });
    const { model, inShape } = randomCnn(3);
    const e = expectedInput(model);
    expect(e.shape).toBe(`[${inShape[0]}, ${inShape[0]}, ${inShape[2]}]`);
  });

  it('a fully convolutional model takes any size from a minimum; a first pool leaves the channels open', () => {
    const conv = sequential([conv2dLayer([5, 5, 3, 2], [1, 1], new Float64Array(150), new Float64Array(2), 'valid'), simpleLayer('relu')]);
    expect(expectedInput(conv)).toEqual({ shape: '[H, W, 3]', note: 'H, W >= 5', example: [5, 5, 3] });
    expect(expectedInput(sequential([poolLayer('maxpool', [2, 3], [2, 2])]))).toEqual({ shape: '[H, W, C]', note: 'H >= 2, W >= 3' });
  });

  it('reads as words for messages', () => {
    expect(describeExpectedInput(imageModel())).toBe('input [12, 12, 1] per sample (square sides 12 to 13 fit)');
    expect(describeExpectedInput(randomMlp(1, [5, 3]))).toBe('input [5] per sample');
  });
});

describe('a shape mismatch names what the model expects first, then the layer (CLI)', () => {
  const cnn = file('cnn.txt', writeTextModel(imageModel()));
  const mlp = file('mlp.txt', writeTextModel(randomMlp(2, [5, 4, 3])));
  const x28 = npy('x28.npy', [2, 28, 28, 1]);
  const x5 = npy('x5.npy', [2, 5]);

  it.each(['explain', 'forward'])('lrp %s: image model, wrong size', async (command) => {
    const r = await runCli(command, '--model', cnn, '--input', x28, '--backend', 'js');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `lrp: E_SHAPE ${x28}: the model expects input [12, 12, 1] per sample (square sides 12 to 13 fit), --input has [28, 28, 1]; ` +
        'layer 4 (Linear): expects input [50] per sample, got [338]\n',
    );
  });

  it.each(['explain', 'forward'])('lrp %s: vectors into an image model, images into a dense model', async (command) => {
    const a = await runCli(command, '--model', cnn, '--input', x5);
    expect(a.err).toMatch(/^lrp: E_SHAPE .*x5\.npy: the model expects input \[12, 12, 1\] per sample .*, --input has \[5\]; layer 0 \(Convolution\): /);
    const b = await runCli(command, '--model', mlp, '--input', x28);
    expect(b.err).toMatch(
      /^lrp: E_SHAPE .*x28\.npy: the model expects input \[5\] per sample, --input has \[28, 28, 1\]; layer 0 \(Linear\): expects input \[5\]/,
    );
  });

  it('lrp train --model and lrp info --input-shape', async () => {
    const labels = file('y.npy', writeNpy({ dtype: 'float64', data: new Float64Array([0, 1]), shape: [2] }));
    const t = await runCli(
      'train',
      '--model',
      mlp,
      '--input',
      x28,
      '--labels',
      labels,
      '--batch-size',
      '1',
      '--iters',
      '1',
      '--backend',
      'js',
      '--out',
      join(tmp, 'm.txt'),
    );
    expect(t.err).toMatch(/^lrp: E_SHAPE .*x28\.npy: the model expects input \[5\] per sample, --input has \[28, 28, 1\]; layer 0 \(Linear\)/);
    const i = await runCli('info', '--model', cnn, '--input-shape', '20,20,1');
    expect(i.err).toBe(
      'lrp: E_SHAPE --input-shape: the model expects input [12, 12, 1] per sample (square sides 12 to 13 fit), --input-shape has [20, 20, 1]; ' +
        'layer 4 (Linear): expects input [50] per sample, got [162]\n',
    );
  });

  it('a fitting input still runs', async () => {
    const ok = await runCli('forward', '--model', cnn, '--input', npy('x13.npy', [1, 13, 13, 1]), '--backend', 'js');
    expect(ok.code).toBe(0);
  });
});

describe('EpsilonGammaBox: its options name the flags', () => {
  const mlp = file('gb.txt', writeTextModel(randomMlp(4, [5, 4, 3])));
  const x = npy('gbx.npy', [2, 5]);

  it.each([['EpsilonGammaBox'], ['epsilon-gamma-box']])('--composite %s without --low/--high is E_USAGE naming --low/--high', async (name) => {
    for (const extra of [[], ['--low', '0'], ['--high', '1']]) {
      const r = await runCli('explain', '--model', mlp, '--input', x, '--composite', name, ...extra);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^lrp: E_USAGE --low\/--high: composite EpsilonGammaBox needs the input's value range .*give --low L --high H/);
    }
    expect((await runCli('explain', '--model', mlp, '--input', x, '--composite', name, '--low', '-3', '--high', '3', '--backend', 'js')).code).toBe(0);
  });

  it.each(['gamma', 'low', 'high'])('--%s with another composite would be ignored: E_USAGE', async (flag) => {
    const r = await runCli('explain', '--model', mlp, '--input', x, '--composite', 'EpsilonPlus', `--${flag}`, '1');
    expect(r).toMatchObject({ code: 2, err: `lrp: E_USAGE --${flag}: only applies with --composite EpsilonGammaBox\n` });
  });
});

describe('lrp info without --input-shape takes the shape the layers determine', () => {
  it('an image model: the smallest square that fits, with what else fits', async () => {
    const cnn = file('info-cnn.txt', writeTextModel(imageModel()));
    const r = await runCli('info', '--model', cnn);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(
      `${cnn}: 5 layers, 173 parameters, input [12, 12, 1] (from the layers: square sides 12 to 13 fit; give --input-shape for another)`,
    );
    expect(r.out).toMatch(/\n4 +Linear +\[3\] +153 +150 /);
    expect(r.out).toMatch(/cost per sample: forward /);
  });

  it('a dense model: its first Linear; a model whose size the layers leave open: unknown', async () => {
    const mlp = file('info-mlp.txt', writeTextModel(randomMlp(3, [5, 3])));
    expect((await runCli('info', '--model', mlp)).out.split('\n')[0]).toBe(`${mlp}: 1 layers, 18 parameters, input [5]`);
    const pool = file('info-pool.txt', writeTextModel(sequential([poolLayer('sumpool', [2, 2], [2, 2])])));
    const r = await runCli('info', '--model', pool);
    expect(r.out.split('\n')[0]).toBe(`${pool}: 1 layers, 0 parameters, input ? (give --input-shape)`);
    expect(r.out).not.toMatch(/cost per sample/);
  });
});
