import { describe, expect, it } from 'vitest';
import { LrpError, type LrpErrorCode } from '../src/errors.js';
import { loadModel } from '../src/io/load-model.js';
import { parseModel } from '../src/io/model-file.js';
import { type GraphSpec, encodeModel, modelProto, onnxBytes } from './support/onnx-builder.js';

/** Loads `bytes` as `name`; expects an LrpError with `code` whose message matches every pattern. */
async function refused(bytes: Uint8Array, patterns: RegExp[], code: LrpErrorCode = 'E_FORMAT', name = 'bad.onnx'): Promise<LrpError> {
  let err: unknown;
  try {
    await loadModel({ bytes, name });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(LrpError);
  const e = err as LrpError;
  expect(e.code).toBe(code);
  for (const p of patterns) expect(e.message).toMatch(p);
  return e;
}

const w = (dims: number[]) => ({ dims, data: Float32Array.from({ length: dims.reduce((p, d) => p * d, 1) }, (_, k) => ((k % 7) - 3) / 10) });

/** A valid model: Conv → Relu → Flatten → Gemm on [N, 2, 4, 4]. */
function base(): GraphSpec {
  return {
    input: { name: 'x', dims: ['N', 2, 4, 4] },
    output: { name: 'y' },
    initializers: { w: w([3, 2, 3, 3]), b: w([3]), wl: w([2, 12]) },
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], name: 'conv' },
      { op: 'Relu', inputs: ['c'], outputs: ['r'], name: 'relu' },
      { op: 'Flatten', inputs: ['r'], outputs: ['f'], name: 'flat' },
      { op: 'Gemm', inputs: ['f', 'wl'], outputs: ['y'], name: 'fc', attrs: { transB: 1 } },
    ],
  };
}

function withNode(g: GraphSpec, k: number, node: GraphSpec['nodes'][number]): GraphSpec {
  return { ...g, nodes: g.nodes.map((n, j) => (j === k ? node : n)) };
}

describe('ONNX import refuses malformed files with one LrpError naming the place', () => {
  it('the base model loads (so each refusal below is caused by its one change)', async () => {
    const m = await loadModel({ bytes: onnxBytes(base()), name: 'ok.onnx' });
    expect(m.layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'flatten', 'linear']);
  });

  it('truncated protobuf, at every cut: a model or E_FORMAT naming the file, never a raw error', async () => {
    const bytes = onnxBytes(base());
    let refusedCount = 0;
    for (let cut = 1; cut < bytes.length; cut += 7) {
      try {
        await loadModel({ bytes: bytes.subarray(0, cut), name: 'cut.onnx' });
      } catch (e) {
        expect(e).toBeInstanceOf(LrpError);
        expect((e as LrpError).message).toMatch(/cut\.onnx/);
        refusedCount++;
      }
    }
    expect(refusedCount).toBeGreaterThan(0);
    await refused(bytes.subarray(0, bytes.length - 3), [/bad\.onnx/, /not a readable ONNX file|has no graph|reads|initializer|tensor/]);
  });

  it('an unknown op names the file, the node and its op type', async () => {
    const g = withNode(base(), 1, { op: 'Erf', inputs: ['c'], outputs: ['r'], name: 'my_erf' });
    await refused(onnxBytes(g), [/bad\.onnx/, /node 'my_erf' \(Erf\)/, /op type 'Erf' is not supported/]);
    const custom = withNode(base(), 1, { op: 'Relu', inputs: ['c'], outputs: ['r'], name: 'ms_relu', domain: 'com.microsoft' });
    await refused(onnxBytes(custom), [/node 'ms_relu' \(Relu\)/, /domain 'com\.microsoft'/]);
    const shapeOnData = withNode(base(), 1, { op: 'Transpose', inputs: ['c'], outputs: ['r'], name: 'tr' });
    await refused(onnxBytes(shapeOnData), [/node 'tr' \(Transpose\)/, /only on constants/]);
  });

  it('a missing initializer names the node and the missing name', async () => {
    const g = base();
    const { wl: _, ...rest } = g.initializers!;
    await refused(onnxBytes({ ...g, initializers: rest }), [/bad\.onnx/, /node 'fc' \(Gemm\) reads 'wl'/, /missing initializer/]);
  });

  it('a cycle names its nodes', async () => {
    const g = base();
    const cyc: GraphSpec = {
      ...g,
      nodes: [
        { op: 'Add', inputs: ['x', 'loop'], outputs: ['a'], name: 'a' },
        { op: 'Relu', inputs: ['a'], outputs: ['loop'], name: 'b' },
        { op: 'Conv', inputs: ['loop', 'w', 'b'], outputs: ['c'], name: 'conv' },
        ...g.nodes.slice(1),
      ],
    };
    await refused(onnxBytes(cyc), [/'a' \(Add\)/, /'b' \(Relu\)/, /cycle/]);
  });

  it('nodes out of order are sorted (not a cycle)', async () => {
    const g = base();
    const m = await loadModel({ bytes: onnxBytes({ ...g, nodes: [...g.nodes].reverse() }), name: 'rev.onnx' });
    expect(m.layers.map((l) => l.name)).toEqual(['conv', 'relu', 'flat', 'fc']);
  });

  it('huge dims: an initializer or input with absurd sizes is refused before anything is allocated', async () => {
    const m = modelProto(base());
    m.graph!.initializer![0]!.dims = [1 << 20, 1 << 20, 3, 3];
    await refused(encodeModel(m), [/initializer 'w'/, /absurd shape/]);
    const neg = modelProto(base());
    neg.graph!.initializer![0]!.dims = [3, -2, 3, 3];
    await refused(encodeModel(neg), [/initializer 'w'/, /dimension -2/]);
    const big = base();
    await refused(onnxBytes({ ...big, input: { name: 'x', dims: ['N', 2, 100000, 100000] } }), [/node 'conv' \(Conv\)|absurd/]);
    const raw = modelProto(base());
    raw.graph!.initializer![0]!.rawData = new Uint8Array(12);
    await refused(encodeModel(raw), [/initializer 'w'/, /needs 216 bytes of raw data, has 12/]);
  });

  it('dynamic dims other than the batch are named', async () => {
    await refused(onnxBytes({ ...base(), input: { name: 'x', dims: ['N', 2, 'height', 4] } }), [/input 'x'/, /dimension 2 \('height'\) is dynamic/]);
    await refused(onnxBytes({ ...base(), input: { name: 'x', dims: ['N', 2, 4] } }), [/input 'x'/, /rank 3/]);
  });

  it('two data inputs, an opset out of range, external data, a graph-less file', async () => {
    await refused(onnxBytes({ ...base(), extraInputs: [{ name: 'z', dims: ['N', 3] }] }), [/2 data inputs \('x', 'z'\)/]);
    await refused(onnxBytes({ ...base(), opset: 5 }), [/opset 5 is not supported/]);
    const ext = modelProto(base());
    ext.graph!.initializer![0]!.dataLocation = 1;
    await refused(encodeModel(ext), [/initializer 'w'/, /external file/]);
    const empty = modelProto(base());
    empty.graph = null;
    await refused(encodeModel(empty), [/has no graph/]);
  });

  it('forms lrpjs does not import are refused naming the node', async () => {
    const g = base();
    await refused(onnxBytes(withNode(g, 3, { op: 'Gemm', inputs: ['f', 'wl'], outputs: ['y'], name: 'fc', attrs: { transA: 1, transB: 1 } })), [/node 'fc' \(Gemm\)/, /transA/]);
    await refused(onnxBytes(withNode(g, 3, { op: 'MatMul', inputs: ['f', 'f'], outputs: ['y'], name: 'mm' })), [/node 'mm' \(MatMul\)/, /needs a constant/]);
    const soft: GraphSpec = { ...g, nodes: [g.nodes[0]!, { op: 'Softmax', inputs: ['c'], outputs: ['r'], name: 'sm', attrs: { axis: 1 } }, ...g.nodes.slice(2)] };
    await refused(onnxBytes(soft), [/node 'sm' \(Softmax\)/, /only over the features/]);
    const early: GraphSpec = { ...g, nodes: [...g.nodes.slice(0, 3), { op: 'Softmax', inputs: ['f'], outputs: ['s'], name: 'sm' }, { op: 'Gemm', inputs: ['s', 'wl'], outputs: ['y'], name: 'fc', attrs: { transB: 1 } }] };
    await refused(onnxBytes(early), [/node 'sm' \(Softmax\)/, /only as the model's last node/]);
    await refused(onnxBytes(withNode(g, 2, { op: 'Flatten', inputs: ['r'], outputs: ['f'], name: 'flat', attrs: { axis: 2 } })), [/node 'flat' \(Flatten\)/, /axis 2/]);
    const flatOut: GraphSpec = { ...g, output: { name: 'f' }, nodes: g.nodes.slice(0, 3) };
    await refused(onnxBytes(flatOut), [/output 'f'/, /flattened channels-first/]);
    await refused(onnxBytes(withNode(g, 0, { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], name: 'conv', attrs: { group: 4 } })), [/node 'conv' \(Conv\)/, /group 4/]);
    const pads = { ...g.initializers, p: { dims: [8], data: [0, 0, 1, 1, 0, 0, 1, 1], type: 7 } };
    await refused(onnxBytes({ ...withNode(g, 1, { op: 'Pad', inputs: ['c', 'p'], outputs: ['r'], name: 'pad', attrs: { mode: 'reflect' } }), initializers: pads }), [/node 'pad' \(Pad\)/, /reflect/]);
  });

  it('parseModel (synchronous) points ONNX bytes to loadModel', () => {
    expect(() => parseModel(onnxBytes(base()), 'm.onnx')).toThrow(/loadModel/);
  });
});
