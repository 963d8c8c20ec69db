import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LrpError, type LrpErrorCode } from '../src/errors.js';
import { loadModel } from '../src/io/load-model.js';
import { type TfjsModelArtifacts, tfjsModelFromArtifacts } from '../src/io/tfjs-model.js';
import { cnnWithBatchNorm, residualBlock, seedWeights } from './support/tfjs-models.js';
import { type SavedTfjs, loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';

let tf: typeof TF;
let cnn: SavedTfjs;
let res: SavedTfjs;

beforeAll(async () => {
  tf = await loadTf();
  const a = cnnWithBatchNorm(tf);
  seedWeights(tf, a, 11);
  cnn = await saveArtifacts(tf, a);
  const b = residualBlock(tf);
  seedWeights(tf, b, 12);
  res = await saveArtifacts(tf, b);
});

type Json = Record<string, unknown> & { config: { layers: Record<string, unknown>[] } & Record<string, unknown> };

/** A deep copy of `saved`'s topology for editing. */
const topo = (saved: SavedTfjs): Json => structuredClone(saved.modelTopology) as Json;

/** The error `f` rejects with: an LrpError of `code` whose message holds every string of `parts`. */
async function expectError(f: () => unknown, code: LrpErrorCode, parts: readonly (string | RegExp)[]): Promise<LrpError> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an LrpError').toBeInstanceOf(LrpError);
  const e = err as LrpError;
  expect(e.code, e.message).toBe(code);
  for (const p of parts) expect(e.message).toMatch(p);
  return e;
}

const fromArt = (art: TfjsModelArtifacts) => () => tfjsModelFromArtifacts(art, 'm/model.json');
const layerName = (t: Json, i: number): string => (t.config.layers[i]!.config as { name: string }).name;

describe('tfjs import: malformed model.json', () => {
  it('non-JSON, non-UTF-8, a graph model, and a missing modelTopology are E_FORMAT naming the file', async () => {
    const path = writeTfjsModel(cnn);
    writeFileSync(path, '{"modelTopology": ');
    await expectError(() => loadModel(path), 'E_FORMAT', [path, /not valid JSON/]);
    writeFileSync(path, new Uint8Array([0x7b, 0xff, 0xfe]));
    await expectError(() => loadModel(path), 'E_FORMAT', [path, /UTF-8/]);
    writeFileSync(path, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    await expectError(() => loadModel(path), 'E_FORMAT', [path, /graph model/]);
    writeFileSync(path, JSON.stringify({ weightsManifest: [] }));
    await expectError(() => loadModel(path), 'E_FORMAT', [path, /no modelTopology/]);
    await expectError(() => loadModel({ bytes: readFileSync(path), name: 'model.json' }), 'E_FORMAT', [/model\.json/, /load it by its path or URL/]);
  });

  it('an unknown layer class names the layer, its class and the file', async () => {
    const t = topo(cnn);
    t.config.layers[4]!.class_name = 'Conv3D';
    await expectError(fromArt({ ...cnn, modelTopology: t }), 'E_FORMAT', ['m/model.json', `'${layerName(t, 4)}'`, '(Conv3D)', /not supported/]);
  });

  it('unsupported settings name the layer: activation elu, causal padding, channels_first, a softmax before the last layer, a Dense on an image', async () => {
    const cases: [(t: Json) => void, number, RegExp][] = [
      [(t) => ((t.config.layers[0]!.config as Record<string, unknown>).activation = 'elu'), 0, /activation "elu"/],
      [(t) => ((t.config.layers[0]!.config as Record<string, unknown>).padding = 'causal'), 0, /padding "causal"/],
      [(t) => ((t.config.layers[2]!.config as Record<string, unknown>).data_format = 'channels_first'), 2, /channels_first/],
      [(t) => ((t.config.layers[4]!.config as Record<string, unknown>).activation = 'softmax'), 4, /softmax/],
      [(t) => t.config.layers.splice(5, 1), 5, /Flatten/],
    ];
    for (const [edit, i, pattern] of cases) {
      const t = topo(cnn);
      const name = layerName(t, i === 5 ? 6 : i);
      edit(t);
      await expectError(fromArt({ ...cnn, modelTopology: t }), 'E_FORMAT', ['m/model.json', `'${name}'`, pattern]);
    }
  });

  it('short, long or missing weights, a wrong dtype, a misshapen weight and non-finite values are E_FORMAT naming weight, layer and file', async () => {
    const short = new Uint8Array(cnn.weightData).slice(0, cnn.weightData.byteLength - 3);
    const last = cnn.weightSpecs.at(-1)!.name; // a BatchNormalization moving variance: tfjs saves those last
    await expectError(fromArt({ ...cnn, weightData: short }), 'E_FORMAT', ['m/model.json', /too short/, `weight '${last}'`, /\(BatchNormalization\)/]);
    const kernel = cnn.weightSpecs.find((s) => /dense.*\/kernel$/i.test(s.name))!.name;
    const long = new Uint8Array(cnn.weightData.byteLength + 4);
    long.set(new Uint8Array(cnn.weightData));
    await expectError(fromArt({ ...cnn, weightData: long }), 'E_FORMAT', ['m/model.json', /holds \d+ bytes, the manifest describes/]);
    const specs = cnn.weightSpecs.map((s) => (s.name === kernel ? { ...s, name: 'other/kernel' } : s));
    await expectError(fromArt({ ...cnn, weightSpecs: specs }), 'E_FORMAT', ['m/model.json', /(Dense)/, /kernel' is missing/]);
    const int = cnn.weightSpecs.map((s, i) => (i === 0 ? { ...s, dtype: 'int32' } : s));
    await expectError(fromArt({ ...cnn, weightSpecs: int }), 'E_FORMAT', ['m/model.json', cnn.weightSpecs[0]!.name, /dtype "int32"/]);
    const t = topo(cnn);
    (t.config.layers[6]!.config as Record<string, unknown>).units = 4; // the kernel is [20, 3]
    await expectError(fromArt({ ...cnn, modelTopology: t }), 'E_FORMAT', ['m/model.json', /(Dense)/, /has shape \[20, 3\], the layer needs \[20, 4\]/]);
    const nan = new Float32Array(cnn.weightData.slice(0));
    nan[5] = Number.NaN;
    await expectError(fromArt({ ...cnn, weightData: nan.buffer }), 'E_FORMAT', ['m/model.json', /non-finite value at element 5/, /(Conv2D)/]);
  });

  it('absurd sizes are refused before anything is allocated', async () => {
    const huge = [{ name: 'x/kernel', shape: [2 ** 20, 2 ** 20], dtype: 'float32' }];
    await expectError(fromArt({ ...cnn, weightSpecs: huge, weightData: new ArrayBuffer(8) }), 'E_FORMAT', [/too short/, /x\/kernel/]);
    const overflow = [{ name: 'x/kernel', shape: [2 ** 30, 2 ** 30, 2 ** 30], dtype: 'float32' }];
    await expectError(fromArt({ ...cnn, weightSpecs: overflow }), 'E_FORMAT', [/absurdly large/]);
    const t = topo(cnn);
    (t.config.layers[0]!.config as Record<string, unknown>).batch_input_shape = [null, 2 ** 14, 2 ** 14, 3];
    await expectError(fromArt({ ...cnn, modelTopology: t }), 'E_FORMAT', [/absurd output/, /(Conv2D)/]);
    const big = topo(cnn);
    big.config.layers.splice(1, 0, { class_name: 'ZeroPadding2D', config: { name: 'zp', padding: [[2 ** 20, 0], [0, 0]] } });
    await expectError(fromArt({ ...cnn, modelTopology: big }), 'E_FORMAT', [/'zp' \(ZeroPadding2D\)/, /top padding/]);
    const nullDim = topo(cnn);
    (nullDim.config.layers[0]!.config as Record<string, unknown>).batch_input_shape = [null, null, 8, 3];
    await expectError(fromArt({ ...cnn, modelTopology: nullDim }), 'E_FORMAT', [/unknown \(null\)/]);
  });

  it('functional topologies: cycle, dangling input, two inputs, two outputs, a shared layer, duplicate names, Keras 3 inbound nodes', async () => {
    const named = (t: Json, name: string) => t.config.layers.find((l) => l.name === name)!;
    const names = topo(res).config.layers.map((l) => l.name as string);
    const [input, stem, a, b, add] = [names[0]!, names[1]!, names[2]!, names[3]!, names[4]!];
    const cycle = topo(res);
    named(cycle, stem).inbound_nodes = [[[b, 0, 0, {}]]];
    await expectError(fromArt({ ...res, modelTopology: cycle }), 'E_FORMAT', [/cycle/, 'm/model.json']);
    const dangling = topo(res);
    named(dangling, a).inbound_nodes = [[['nowhere', 0, 0, {}]]];
    await expectError(fromArt({ ...res, modelTopology: dangling }), 'E_FORMAT', [/'nowhere'/, /dangling/, `'${a}' (Conv2D)`]);
    const noInputs = topo(res);
    named(noInputs, a).inbound_nodes = [];
    await expectError(fromArt({ ...res, modelTopology: noInputs }), 'E_FORMAT', [/no inputs/, `'${a}' (Conv2D)`]);
    const twoIn = topo(res);
    twoIn.config.input_layers = [[input, 0, 0], [input, 0, 0]];
    await expectError(fromArt({ ...res, modelTopology: twoIn }), 'E_FORMAT', [/2 inputs/]);
    const twoOut = topo(res);
    twoOut.config.output_layers = [[add, 0, 0], [b, 0, 0]];
    await expectError(fromArt({ ...res, modelTopology: twoOut }), 'E_FORMAT', [/2 outputs/]);
    const shared = topo(res);
    named(shared, b).inbound_nodes = [[[a, 0, 0, {}]], [[stem, 0, 0, {}]]];
    await expectError(fromArt({ ...res, modelTopology: shared }), 'E_FORMAT', [/applied 2 times/, `'${b}' (Conv2D)`]);
    const dup = topo(res);
    named(dup, b).name = a;
    await expectError(fromArt({ ...res, modelTopology: dup }), 'E_FORMAT', [/two layers are named/]);
    const keras3 = topo(res);
    named(keras3, a).inbound_nodes = [{ args: [], kwargs: {} }];
    await expectError(fromArt({ ...res, modelTopology: keras3 }), 'E_FORMAT', [/Keras 3/]);
    const addOne = topo(res);
    named(addOne, add).inbound_nodes = [[[b, 0, 0, {}]]];
    await expectError(fromArt({ ...res, modelTopology: addOne }), 'E_FORMAT', [/2 or more inputs/, '(Add)']);
  });

  it("AveragePooling2D 'same' that pads is refused (tfjs leaves padding out of the mean); 'same' that does not pad loads", async () => {
    const build = (inputSize: number) =>
      tf.sequential({ layers: [tf.layers.averagePooling2d({ inputShape: [inputSize, inputSize, 1], poolSize: 2, padding: 'same' }), tf.layers.flatten()] });
    await expectError(fromArt(await saveArtifacts(tf, build(5))), 'E_FORMAT', [/AveragePooling2D/, /leaves the padding out/]);
    expect(tfjsModelFromArtifacts(await saveArtifacts(tf, build(6))).layers[0]).toMatchObject({ kind: 'avgpool', padding: 'same' });
  });
});

describe('tfjs import: shard files', () => {
  it('a missing shard is E_IO naming the shard, its weights and the model file', async () => {
    const path = writeTfjsModel(cnn, { shards: 2 });
    rmSync(join(dirname(path), 'group1-shard2of2.bin'));
    await expectError(() => loadModel(path), 'E_IO', [/group1-shard2of2\.bin/, path, /holds weight/]);
  });

  it('a truncated shard is E_FORMAT (too short)', async () => {
    const path = writeTfjsModel(cnn, { shards: 2 });
    truncateSync(join(dirname(path), 'group1-shard2of2.bin'), 10);
    await expectError(() => loadModel(path), 'E_FORMAT', [/too short/, path]);
  });

  it('shard paths that leave the model folder are refused before anything is read', async () => {
    for (const p of ['../../etc/passwd', '/etc/passwd', 'sub/../../x.bin', '%2e%2e/x.bin', 'a\\..\\..\\b', 'http://example.com/x.bin', '//example.com/x.bin', 'file:///etc/passwd', '']) {
      const path = writeTfjsModel(cnn, { json: { weightsManifest: [{ paths: [p], weights: cnn.weightSpecs }] } });
      await expectError(() => loadModel(path), 'E_FORMAT', [/refused/, path]);
    }
  });

  it('the input size cap covers model.json and all shards together', async () => {
    const path = writeTfjsModel(cnn, { shards: 2 });
    const jsonBytes = readFileSync(path).length;
    await expectError(() => loadModel(path, { maxBytes: jsonBytes + 100 }), 'E_RANGE', [/cap/]);
    expect((await loadModel(path, { maxBytes: jsonBytes + cnn.weightData.byteLength })).layers.length).toBe(9);
  });
});
