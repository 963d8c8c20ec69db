import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { runCli } from './support/run-cli.js';
import { cnnWithBatchNorm, residualBlock, seedWeights, seededInput } from './support/tfjs-models.js';
import { loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';

let tf: typeof TF;
let modelPath: string;
let inputPath: string;
let tfModel: TF.LayersModel;
const x = seededInput([8, 8, 3], 3, 7);

beforeAll(async () => {
  tf = await loadTf();
  tfModel = cnnWithBatchNorm(tf);
  seedWeights(tf, tfModel, 51);
  modelPath = writeTfjsModel(await saveArtifacts(tf, tfModel));
  inputPath = join(dirname(modelPath), 'x.npy');
  writeFileSync(inputPath, writeNpy({ dtype: 'float32', data: x.data, shape: x.shape }));
});

describe('lrp with --model model.json (tfjs layers model)', () => {
  it('lrp forward prints what tfjs predicts (softmax kept)', async () => {
    const out = join(dirname(modelPath), 'y.npy');
    const run = await runCli('forward', '--model', modelPath, '--input', inputPath, '--backend', 'js', '--out', out, '--dtype', 'f64');
    expect([run.code, run.err]).toEqual([0, `wrote output [3, 3] to ${out}\n`]);
    const got = readNpy(readFileSync(out)).data as Float64Array;
    const want = tf.tidy(() => (tfModel.predict(tf.tensor(x.data, x.shape)) as TF.Tensor).dataSync());
    expect(got.length).toBe(want.length);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5);
  });

  it('lrp explain writes the relevance the library computes', async () => {
    const out = join(dirname(modelPath), 'r.npy');
    const run = await runCli('explain', '--model', modelPath, '--input', inputPath, '--rule', 'epsilon', '--backend', 'js', '--out', out, '--dtype', 'f64');
    expect([run.code, run.err]).toEqual([0, `wrote relevance [3, 8, 8, 3] to ${out}\n`]);
    const got = readNpy(readFileSync(out));
    expect(got.shape).toEqual([3, 8, 8, 3]);
    const ex = await createExplainer(await loadModel(modelPath), { backend: 'js' });
    expect(Array.from(got.data as Float64Array)).toEqual(Array.from(ex.explain(x, { rule: 'epsilon' }).relevance.data));
  });

  it('lrp info lists the graph nodes with the input shape model.json declares', async () => {
    const run = await runCli('info', '--model', modelPath, '--input-shape', '8,8,3');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/9 layers/);
    // a residual block would take any size (global pooling): the header shows the declared [6, 6, 4], not a guess
    const res = residualBlock(tf);
    seedWeights(tf, res, 52);
    const resPath = writeTfjsModel(await saveArtifacts(tf, res));
    const info = await runCli('info', '--model', resPath);
    expect(info.code).toBe(0);
    expect(info.out.split('\n')[0]).toBe(`${resPath}: 9 layers, 459 parameters, input [6, 6, 4]`);
    expect(info.out).toMatch(/^8 +Linear +7 +\[3\] /m);
  });

  it('a malformed model.json is one line "lrp: E_FORMAT where: message", exit 2', async () => {
    const bad = join(dirname(modelPath), 'bad.json');
    const json = JSON.parse(readFileSync(modelPath, 'utf8'));
    json.modelTopology.config.layers[1].class_name = 'LayerNormalization';
    writeFileSync(bad, JSON.stringify(json));
    const run = await runCli('forward', '--model', bad, '--input', inputPath);
    expect(run.code).toBe(2);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err).toMatch(/^lrp: E_FORMAT .*bad\.json: layer 1 '.*' \(LayerNormalization\): layer class 'LayerNormalization' is not supported/);
  });
});
