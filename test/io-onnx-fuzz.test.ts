import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { LrpError } from '../src/errors.js';
import { loadModel } from '../src/io/load-model.js';
import type { Model } from '../src/model/layers.js';
import { modelSampleShape } from '../src/model/layout.js';
import { encodeModel, modelProto, onnxBytes } from './support/onnx-builder.js';
import { onnxCases } from './support/onnx-cases.js';
import { uniform } from './support/random-model.js';

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

/** Integers a hostile file may hold where a dim, attribute or axis was. */
const HOSTILE = [0, -1, -2, 1, 2, 3, 7, 1000, 2 ** 31 - 1, 2 ** 40, -(2 ** 40)];

/** Loads `bytes`; what loads is explained once on a batch of one (or refused cleanly). A raw error fails with the case named. */
async function loadsOrRefuses(name: string, bytes: Uint8Array): Promise<'model' | 'error'> {
  let model: Model;
  try {
    model = await loadModel({ bytes, name: 'fuzz.onnx' });
  } catch (e) {
    if (!(e instanceof LrpError)) throw new Error(`case ${name}: threw ${String(e)} instead of an LrpError`);
    return 'error';
  }
  expect(model.layers.length, name).toBeGreaterThan(0);
  try {
    const shape = modelSampleShape(model, model.inputShape ?? []);
    const n = shape.reduce((p, d) => p * d, 1);
    if (n > 1e5) return 'model';
    const x = { data: Float64Array.from({ length: n }, (_, k) => Math.sin(k)), shape: [1, ...shape] };
    const explainer = await createExplainer(model, { backend: 'js', maxCost: 1e8 });
    explainer.explain(x, { rule: 'epsilon' });
  } catch (e) {
    if (!(e instanceof LrpError)) throw new Error(`case ${name}: explaining threw ${String(e)} instead of an LrpError`);
  }
  return 'model';
}

const cases = onnxCases();

/** The fields of a built graph the mutations touch (as `onnx-proto`'s create() fills them: numbers, arrays). */
interface MutableGraph {
  initializer: { name: string; dims: number[] }[];
  node: { name: string; opType: string; input: string[]; output: string[]; attribute: { name: string; type: number; i: number; ints: number[] }[] }[];
}

describe('ONNX import fuzz (seeded): every corrupted file loads and explains, or is an LrpError', () => {
  it('600 byte-level corruptions (flips, cuts, splices) of the test models', async () => {
    const r = uniform(Number(process.env.FUZZ_SEED ?? 808));
    const counts = { model: 0, error: 0 };
    const files = cases.map((c) => onnxBytes(c.graph));
    for (let n = 0; n < 600; n++) {
      const bytes = Uint8Array.from(files[n % files.length]!);
      const kind = n % 3;
      let mutated: Uint8Array = bytes;
      if (kind === 0) for (let k = 0; k < 1 + int(r, 4); k++) bytes[int(r, bytes.length)] = int(r, 256);
      else if (kind === 1) mutated = bytes.subarray(0, int(r, bytes.length));
      else {
        const at = int(r, bytes.length);
        mutated = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(int(r, bytes.length))]);
      }
      counts[await loadsOrRefuses(`#${n} kind ${kind}`, mutated)]++;
    }
    expect(counts.error).toBeGreaterThan(100);
    expect(counts.model).toBeGreaterThan(10);
  });

  it('400 field-level mutations: a dim, attribute integer, input name or op type replaced', async () => {
    const r = uniform(Number(process.env.FUZZ_SEED ?? 909) + 1);
    const counts = { model: 0, error: 0 };
    for (let n = 0; n < 400; n++) {
      const c = cases[n % cases.length]!;
      const m = modelProto(c.graph);
      const g = m.graph as unknown as MutableGraph;
      const what = n % 4;
      let name = `#${n} ${c.name}: `;
      if (what === 0 && g.initializer.length > 0) {
        const t = g.initializer[int(r, g.initializer.length)]!;
        if (t.dims.length > 0) t.dims[int(r, t.dims.length)] = HOSTILE[int(r, HOSTILE.length)]!;
        name += `initializer ${t.name} dims ${t.dims.join(',')}`;
      } else if (what === 1) {
        const node = g.node[int(r, g.node.length)]!;
        const ints = node.attribute.filter((a) => a.ints.length > 0 || a.type === 2);
        const a = ints[int(r, Math.max(ints.length, 1))];
        if (a) {
          const v = HOSTILE[int(r, HOSTILE.length)]!;
          if (a.ints.length > 0) a.ints[int(r, a.ints.length)] = v;
          else a.i = v;
          name += `${node.name}.${a.name} = ${v}`;
        }
      } else if (what === 2) {
        const node = g.node[int(r, g.node.length)]!;
        const names = [...g.node.flatMap((x) => x.output), ...g.initializer.map((t) => t.name), 'x', ''];
        if (node.input.length > 0) node.input[int(r, node.input.length)] = names[int(r, names.length)]!;
        name += `${node.name} input rewired`;
      } else {
        const node = g.node[int(r, g.node.length)]!;
        const ops = ['Relu', 'Conv', 'Gemm', 'MatMul', 'Add', 'Concat', 'Flatten', 'Reshape', 'MaxPool', 'GlobalAveragePool', 'Softmax', 'Identity', 'Squeeze', 'BatchNormalization', 'Pad', 'Clip'];
        node.opType = ops[int(r, ops.length)]!;
        name += `${node.name} became ${node.opType}`;
      }
      counts[await loadsOrRefuses(name, encodeModel(m))]++;
    }
    expect(counts.error).toBeGreaterThan(100);
    expect(counts.model).toBeGreaterThan(20);
  });
});
