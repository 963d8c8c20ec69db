import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { onnxBytes, ortForward } from './support/onnx-builder.js';
import { onnxCases } from './support/onnx-cases.js';
import { gaussian } from './support/random-model.js';
import { runCli } from './support/run-cli.js';

const c = onnxCases()[3]!; // residual block: conv, batch norm, add, concat, global max pool, squeeze, gemm
let dir: string;
let modelPath: string;
let inputPath: string;
const r = gaussian(12);
const x = { data: Float32Array.from({ length: 3 * 3 * 6 * 6 }, () => r()), shape: [3, 3, 6, 6] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lrpjs-onnx-cli-'));
  modelPath = join(dir, 'residual.onnx');
  inputPath = join(dir, 'x.npy');
  writeFileSync(modelPath, onnxBytes(c.graph));
  writeFileSync(inputPath, writeNpy({ dtype: 'float32', data: x.data, shape: x.shape }));
});

describe('lrp with --model model.onnx', () => {
  it('lrp info prints the ONNX node names and NCHW shapes', async () => {
    const run = await runCli('info', '--model', modelPath);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/input \[3, 6, 6\]/);
    const rows = run.out.split('\n');
    expect(rows[1]).toMatch(/^index +kind +name +inputs +output/);
    expect(rows.find((l) => l.includes('block_conv'))).toMatch(/^2 +Convolution +block_conv +1 +\[4, 6, 6\]/);
    expect(rows.find((l) => l.includes(' concat '))).toMatch(/Concat +concat +5,1 +\[8, 6, 6\]/);
    expect(run.out).toMatch(/canonize: layer 3 'block_bn' \(BatchNorm\) folds into layer 2 'block_conv' \(Convolution\)/);
    const given = await runCli('info', '--model', modelPath, '--input-shape', '3,6,6');
    expect(given.out.split('\n').slice(1)).toEqual(rows.slice(1));
  });

  it('lrp forward gives what onnxruntime gives', async () => {
    const out = join(dir, 'y.npy');
    const run = await runCli('forward', '--model', modelPath, '--input', inputPath, '--backend', 'js', '--out', out, '--dtype', 'f64');
    expect([run.code, run.err]).toEqual([0, `wrote output [3, 2] to ${out}\n`]);
    const got = readNpy(readFileSync(out)).data as Float64Array;
    const want = await ortForward(onnxBytes(c.graph), 'x', x.data, x.shape);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want.data[i]!)).toBeLessThanOrEqual(1e-5);
  });

  it('lrp explain writes the NCHW relevance the library computes, and heatmaps', async () => {
    const out = join(dir, 'r.npy');
    const maps = join(dir, 'maps');
    const run = await runCli('explain', '--model', modelPath, '--input', inputPath, '--rule', 'epsilon', '--backend', 'js', '--out', out, '--dtype', 'f64', '--heatmap', maps);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/wrote relevance \[3, 3, 6, 6\]/);
    const got = readNpy(readFileSync(out));
    const ex = await createExplainer(await loadModel(modelPath), { backend: 'js' });
    expect(Array.from(got.data as Float64Array)).toEqual(Array.from(ex.explain({ data: Float64Array.from(x.data), shape: x.shape }, { rule: 'epsilon' }).relevance.data));
    expect(existsSync(join(maps, '2_heatmap.png'))).toBe(true);
  });

  it('an NHWC input, or an unsupported op, is one error line with exit 2', async () => {
    const nhwc = join(dir, 'nhwc.npy');
    writeFileSync(nhwc, writeNpy({ dtype: 'float32', data: x.data, shape: [3, 6, 6, 3] }));
    const shape = await runCli('forward', '--model', modelPath, '--input', nhwc, '--backend', 'js');
    expect(shape.code).toBe(2);
    expect(shape.err).toMatch(/^lrp: E_SHAPE .*NCHW.*channels last/);
    expect(shape.err.trimEnd().split('\n')).toHaveLength(1);
    const bad = join(dir, 'erf.onnx');
    writeFileSync(bad, onnxBytes({ ...c.graph, nodes: c.graph.nodes.map((n) => (n.name === 'stem_relu' ? { ...n, op: 'Erf' } : n)) }));
    const op = await runCli('info', '--model', bad);
    expect(op.code).toBe(2);
    expect(op.err).toBe(`lrp: E_FORMAT ${bad}: node 'stem_relu' (Erf): op type 'Erf' is not supported (lrpjs imports ${op.err.split('lrpjs imports ')[1]!.trimEnd()}\n`);
    expect(op.err).toMatch(/Conv, .*Gemm, .*Reshape/);
  });
});
