import { LrpError } from '../../errors.js';
import type { Model } from '../../model/layers.js';
import { GraphBuilder, MAX_NODE_VALUES } from '../tfjs-graph-builder.js';
import { foldConstant } from './const-fold.js';
import { batchNormNode, convNode, gemmNode, globalPoolNode, matMulNode, padNode, poolNode } from './layer-ops.js';
import { NodeContext } from './node-context.js';
import { type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxValueInfo, onnxInt } from './proto-types.js';
import { activationNode, arithmeticNode, clipNode, concatNode, reshapeNode, softmaxNode } from './shape-ops.js';
import { readTensor } from './tensor-data.js';
import { type Activation, type Value, activation, batchShape, imageNode } from './values.js';

/** Opset versions of the default domain the importer reads (tested: 11 to 17). */
export const ONNX_OPSETS: readonly [number, number] = [7, 18];

/** How each supported op on the model's data becomes lrpjs nodes. */
const CONVERTERS: Readonly<Record<string, (ctx: NodeContext) => Value[]>> = {
  Conv: convNode,
  Gemm: gemmNode,
  MatMul: matMulNode,
  Relu: activationNode,
  Sigmoid: activationNode,
  Tanh: activationNode,
  LeakyRelu: activationNode,
  Clip: clipNode,
  Softmax: softmaxNode,
  MaxPool: poolNode,
  AveragePool: poolNode,
  GlobalAveragePool: globalPoolNode,
  GlobalMaxPool: globalPoolNode,
  Pad: padNode,
  Flatten: reshapeNode,
  Reshape: reshapeNode,
  Squeeze: reshapeNode,
  Unsqueeze: reshapeNode,
  Add: arithmeticNode,
  Sub: arithmeticNode,
  Mul: arithmeticNode,
  Div: arithmeticNode,
  Concat: concatNode,
  BatchNormalization: batchNormNode,
  Identity: (ctx) => [ctx.input(0, 'input')],
  Dropout: (ctx) => {
    if ((ctx.node.output?.[1] ?? '') !== '') throw ctx.unsupported("Dropout's mask output");
    return [ctx.input(0, 'data')];
  },
};

/** The op types lrpjs imports, for messages. */
export const SUPPORTED_OPS: readonly string[] = [...Object.keys(CONVERTERS), 'Constant', 'Shape', 'Gather', 'Cast', 'Slice', 'Transpose', 'Neg'].sort();

/** The default domain's opset version (`E_FORMAT` outside {@link ONNX_OPSETS}). */
function defaultOpset(model: OnnxModel, file: string): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry) throw new LrpError('E_FORMAT', 'imports no opset of the default ONNX domain', file);
  const v = onnxInt(entry.version, 'opset version', file);
  if (v < ONNX_OPSETS[0] || v > ONNX_OPSETS[1]) throw new LrpError('E_FORMAT', `opset ${v} is not supported (lrpjs reads opsets ${ONNX_OPSETS[0]} to ${ONNX_OPSETS[1]}; export with opset_version=13)`, file);
  return v;
}

/** The model input: an image `[N, C, H, W]` or a vector `[N, F]`, batch dynamic or fixed, other dims fixed. */
function modelInput(info: OnnxValueInfo, file: string): Activation {
  const name = info.name ?? '';
  const where = `${file}: input '${name}'`;
  const tensor = info.type?.tensorType;
  if (!tensor) throw new LrpError('E_FORMAT', 'is not a tensor', where);
  const elem = tensor.elemType ?? 0;
  if (elem !== 1 && elem !== 10 && elem !== 11) throw new LrpError('E_FORMAT', `has element type ${elem}; lrpjs explains float inputs`, where);
  const dims = tensor.shape?.dim ?? [];
  if (dims.length !== 4 && dims.length !== 2) throw new LrpError('E_FORMAT', `has rank ${dims.length}; lrpjs imports images [N, C, H, W] and vectors [N, F]`, where);
  const shape = dims.slice(1).map((d, k) => {
    const v = d.dimValue === null || d.dimValue === undefined ? 0 : onnxInt(d.dimValue, `dimension ${k + 1}`, where);
    if (v < 1) {
      throw new LrpError('E_FORMAT', `dimension ${k + 1}${d.dimParam ? ` ('${d.dimParam}')` : ''} is dynamic; only the batch (dimension 0) may be (export with fixed sizes, dynamic_axes only on the batch)`, where);
    }
    return v;
  });
  const values = shape.reduce((p, d) => p * d, 1);
  if (values > MAX_NODE_VALUES) throw new LrpError('E_FORMAT', `has an absurd shape ${batchShape(shape)} (${values} values per sample, at most ${MAX_NODE_VALUES})`, where);
  return activation(-1, shape);
}

/** The nodes the graph output depends on (others are never converted). */
function neededNodes(nodes: readonly OnnxNode[], output: string): Set<number> {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) if (o) producer.set(o, i);
  });
  const needed = new Set<number>();
  const stack = [output];
  while (stack.length > 0) {
    const i = producer.get(stack.pop()!);
    if (i === undefined || needed.has(i)) continue;
    needed.add(i);
    for (const t of nodes[i]!.input ?? []) if (t) stack.push(t);
  }
  return needed;
}

function nodeLabel(n: OnnxNode): string {
  return `'${n.name || n.output?.[0] || '?'}' (${n.opType ?? '?'})`;
}

/** The error for nodes that never became ready: a name nobody provides, else a cycle. */
function stuck(pending: readonly OnnxNode[], values: ReadonlyMap<string, Value>, file: string): LrpError {
  const produced = new Set(pending.flatMap((n) => n.output ?? []));
  for (const n of pending) {
    for (const t of n.input ?? []) {
      if (t && !values.has(t) && !produced.has(t)) {
        return new LrpError('E_FORMAT', `node ${nodeLabel(n)} reads '${t}', which no node, initializer or graph input provides (missing initializer?)`, file);
      }
    }
  }
  return new LrpError('E_FORMAT', `nodes ${pending.slice(0, 5).map(nodeLabel).join(', ')}${pending.length > 5 ? ', ...' : ''} form a cycle (an ONNX graph is acyclic)`, file);
}

function convert(n: OnnxNode, ctx: NodeContext, file: string): Value[] {
  const domain = n.domain ?? '';
  if (domain !== '' && domain !== 'ai.onnx') {
    throw new LrpError('E_FORMAT', `op type '${n.opType}' of domain '${domain}' is not supported (lrpjs imports the default ONNX domain: ${SUPPORTED_OPS.join(', ')})`, ctx.where);
  }
  const folded = foldConstant(ctx);
  if (folded) return folded;
  const converter = Object.hasOwn(CONVERTERS, ctx.opType) ? CONVERTERS[ctx.opType] : undefined;
  if (!converter) {
    throw new LrpError('E_FORMAT', `op type '${ctx.opType}' is not supported${folded === null && ['Shape', 'Gather', 'Cast', 'Slice', 'Transpose', 'Neg'].includes(ctx.opType) ? ' on the model data (only on constants)' : ''} (lrpjs imports ${SUPPORTED_OPS.join(', ')})`, ctx.where);
  }
  void file;
  return converter(ctx);
}

/**
 * Converts a decoded ONNX model into an lrpjs {@link Model}: nodes in topological order (the graph
 * is sorted here; a cycle or a name nobody provides is `E_FORMAT`), constant subgraphs folded,
 * images kept channels-last inside (`inputLayout: 'nchw'` so the explainer takes and returns NCHW),
 * node names kept for `lrp info`. Unsupported ops and forms are `E_FORMAT` naming the file, the
 * node and its op type.
 */
export function modelFromOnnx(proto: OnnxModel, file: string): Model {
  const graph: OnnxGraph | null | undefined = proto.graph;
  if (!graph) throw new LrpError('E_FORMAT', 'has no graph: not an ONNX model', file);
  const opset = defaultOpset(proto, file);
  const values = new Map<string, Value>();
  for (const t of graph.initializer ?? []) values.set(t.name ?? '', { kind: 'constant', ...readTensor(t, `${file}: initializer '${t.name ?? ''}'`) });
  const inputs = (graph.input ?? []).filter((i) => !values.has(i.name ?? ''));
  if (inputs.length !== 1) throw new LrpError('E_FORMAT', `has ${inputs.length} data inputs (${inputs.map((i) => `'${i.name}'`).join(', ')}); lrpjs explains models with one input`, file);
  const input = modelInput(inputs[0]!, file);
  values.set(inputs[0]!.name ?? '', input);
  const outputs = graph.output ?? [];
  if (outputs.length !== 1) throw new LrpError('E_FORMAT', `has ${outputs.length} outputs (${outputs.map((o) => `'${o.name}'`).join(', ')}); lrpjs explains models with one output`, file);
  const outputName = outputs[0]!.name ?? '';
  const nodes = graph.node ?? [];
  const needed = neededNodes(nodes, outputName);
  const consumers = new Map<string, number>([[outputName, 1]]);
  for (const i of needed) for (const t of nodes[i]!.input ?? []) consumers.set(t, (consumers.get(t) ?? 0) + 1);
  const builder = new GraphBuilder(input.internal);
  const createdFor = new Map<number, string>();
  let pending = nodes.filter((_, i) => needed.has(i));
  while (pending.length > 0) {
    const next: OnnxNode[] = [];
    for (const n of pending) {
      const names = n.input ?? [];
      if (names.some((t) => t !== '' && !values.has(t))) {
        next.push(n);
        continue;
      }
      const ins = names.map((t) => (t === '' ? undefined : values.get(t)));
      const owns = (k: number): boolean => {
        const t = names[k] ?? '';
        const v = values.get(t);
        return v?.kind === 'activation' && createdFor.get(v.node) === t && consumers.get(t) === 1;
      };
      const ctx = new NodeContext(n, ins, builder, opset, file, owns);
      const before = builder.nodes.length;
      const outs = convert(n, ctx, file);
      (n.output ?? []).forEach((o, k) => {
        const v = outs[k];
        if (!o) return;
        if (!v) throw new LrpError('E_FORMAT', `output ${k} '${o}' is not supported`, ctx.where);
        values.set(o, v);
        if (v.kind === 'activation' && v.node >= before) createdFor.set(v.node, o);
      });
    }
    if (next.length === pending.length) throw stuck(next, values, file);
    pending = next;
  }
  return finish(builder, values.get(outputName), outputName, input, file);
}

/** The model whose last node is the graph output (an image output made channels-last for the layout conversion). */
function finish(builder: GraphBuilder, out: Value | undefined, name: string, input: Activation, file: string): Model {
  const where = `${file}: output '${name}'`;
  if (!out) throw new LrpError('E_FORMAT', 'is produced by no node', where);
  if (out.kind !== 'activation') throw new LrpError('E_FORMAT', 'is a constant (it does not depend on the input)', where);
  let node = out.node;
  if (out.shape.length === 3) node = imageNode(builder, out, { name: `${name} (reshape)`, where });
  else if (out.shape.length !== 1) throw new LrpError('E_FORMAT', `has shape ${batchShape(out.shape)}; lrpjs explains vector [N, F] and image [N, C, H, W] outputs`, where);
  else if (out.order) throw new LrpError('E_FORMAT', 'is an image flattened channels-first, which lrpjs (channels-last inside) does not give back; end the model with a Gemm/MatMul', where);
  if (node < 0) throw new LrpError('E_FORMAT', 'is the model input: the model has no layers', where);
  if (node !== builder.nodes.length - 1) {
    builder.add({ kind: 'identity', name }, [node], builder.shapeOf(node), where);
  }
  const layers = builder.nodes;
  layers.forEach((l, i) => {
    if (l.kind === 'softmax' && i !== layers.length - 1) {
      throw new LrpError('E_FORMAT', `Softmax is supported only as the model's last node`, builder.origins[i]);
    }
  });
  return { layers, inputShape: input.internal, ...(input.shape.length === 3 ? { inputLayout: 'nchw' as const } : {}) };
}
