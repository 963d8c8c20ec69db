import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { randomCnn, randomInput, relError } from './support/random-model.js';
import { runCli } from './support/run-cli.js';

// `lrp explain|forward --backend tfjs|gpu` in Node: tfjs-core loaded lazily on its wasm backend, the
// same relevance as the js backend, one stderr line saying where it ran; `gpu` without an adapter
// is one E_BACKEND line naming what was looked for.

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-cli-tfjs-'));
const model = join(tmp, 'cnn.txt');
const { model: cnn, inShape } = randomCnn(51, { pool: 'maxpool' });
writeFileSync(model, writeTextModel(cnn));
const input = join(tmp, 'x.npy');
const x = randomInput(52, 2, inShape);
writeFileSync(input, writeNpy({ dtype: 'float64', data: x.data as Float64Array, shape: x.shape }));

const numbers = (out: string): number[] => out.trim().split(/\s+/).map(Number);

describe('lrp --backend tfjs|gpu', () => {
  it('explain --backend tfjs equals --backend js and says where it ran', async () => {
    const js = await runCli('explain', '--model', model, '--input', input, '--rule', 'epsilon=0.1', '--backend', 'js');
    const tf = await runCli('explain', '--model', model, '--input', input, '--rule', 'epsilon=0.1', '--backend', 'tfjs');
    expect(js.code).toBe(0);
    expect(tf.code).toBe(0);
    expect(tf.err).toBe("backend tfjs on wasm: backend 'tfjs': tfjs-core loaded by lrpjs, first installed of wasm, cpu\n");
    expect(js.err).toBe('');
    expect(relError(numbers(tf.out), numbers(js.out))).toBeLessThan(1e-4);
  }, 60_000);

  it('forward --backend tfjs equals --backend js', async () => {
    const js = await runCli('forward', '--model', model, '--input', input, '--backend', 'js');
    const tf = await runCli('forward', '--model', model, '--input', input, '--backend', 'tfjs');
    expect(tf.code).toBe(0);
    expect(relError(numbers(tf.out), numbers(js.out))).toBeLessThan(1e-5);
  }, 60_000);

  it('explain --backend gpu without a GPU adapter is one E_BACKEND line naming webgpu and webgl', async () => {
    const r = await runCli('explain', '--model', model, '--input', input, '--backend', 'gpu');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^lrp: E_BACKEND --backend: no GPU found: looked for webgpu \([^\n]+\) and webgl \([^\n]+\); use backend 'tfjs'[^\n]*\n$/);
  }, 60_000);
});
