import { LrpError } from '../errors.js';
import { loadModel } from '../io/load-model.js';
import { foldBatchNorms } from '../model/canonize.js';
import { isChain, nodeSources } from '../model/graph.js';
import { layerName, layerWhere } from '../model/layers.js';
import { parameterCount } from '../model/shapes.js';
import { type RunPlan, planRun } from '../engine/run-plan.js';
import { explanationFactor, formatBytes, formatCost } from '../engine/budget.js';
import { showShape } from '../tensor.js';
import { type OptionSpec, option, parseArgs, required } from './args.js';
import type { CommandSpec } from './command-spec.js';
import type { CliIo } from './context.js';
import { explainingInputShape } from './input-shape-error.js';
import type { Layer, Model } from '../model/layers.js';
import { expectedInput } from '../model/expected-input.js';
import { modelSampleShape, nodeSampleShape } from '../model/layout.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true, arg: 'M', help: "the model: the toolbox's text format (.txt), a pickled toolbox model (.nn), a TensorFlow.js layers model (model.json, shards beside it) or an ONNX model (.onnx)" },
  { name: 'input-shape', value: true, arg: 'H,W,C', help: 'the per-sample input shape (C,H,W for ONNX models), for output shapes, costs and memory' },
];

/** `lrp info`: its synopsis and options. */
export const infoSpec: CommandSpec = {
  name: 'info',
  summary: "print a model's layers, shapes, parameters and costs",
  synopsis: ['--model M [--input-shape H,W,C]'],
  options: specs,
};

function attrs(layer: Layer): string {
  const dilation = (d: readonly number[] | undefined) => (d && (d[0] !== 1 || d[1] !== 1) ? ` dilation ${d.join('x')}` : '');
  switch (layer.kind) {
    case 'linear': return `${layer.inputs}→${layer.outputs}`;
    case 'conv2d':
    case 'depthwiseconv2d':
      return `${layer.filter.join('x')} stride ${layer.stride.join('x')}${layer.padding === 'valid' ? '' : ` pad ${String(layer.padding)}`}${dilation(layer.dilation)}`;
    case 'batchnorm': return `${layer.scale.length} channels`;
    case 'pad': return `pad ${layer.padding.join(',')}`;
    case 'reshape': return `→${showShape(layer.shape)}`;
    case 'concat': return `axis ${layer.axis}`;
    case 'clip': return `[${layer.min}, ${layer.max}]`;
    case 'leakyrelu': return `alpha ${layer.alpha}`;
    case 'sumpool': case 'avgpool': case 'maxpool':
      return `${layer.pool.join('x')} stride ${layer.stride.join('x')}${layer.padding === 'valid' ? '' : ` pad ${String(layer.padding)}`}${layer.excludePadding ? ' padding not counted' : ''}`;
    default: return '';
  }
}

/** The per-sample input shape: `--input-shape`, else one the layers determine (see {@link expectedInput}), else none. */
function inputShape(model: Model, given: string | undefined): number[] | null {
  if (given !== undefined) {
    const dims = given.split(/[,x ]+/).map(Number);
    if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new LrpError('E_USAGE', `--input-shape needs positive integers like 32,32,1, got '${given}'`);
    return dims;
  }
  const example = expectedInput(model).example;
  return example === undefined ? null : [...example];
}

/** How the header names the input: as given, as the layers determine it, or unknown. */
function inputText(model: Model, shape: number[] | null, given: boolean): string {
  if (shape === null) return '? (give --input-shape)';
  if (given) return showShape(shape);
  const e = expectedInput(model);
  return e.note === undefined ? showShape(shape) : `${showShape(shape)} (from the layers: ${e.note}; give --input-shape for another)`;
}

/**
 * `lrp info --model M [--input-shape H,W,C]`: the layer table (index, kind, inputs on a graph, output shape,
 * parameters, cost, attributes) and the BatchNorms canonization folds.
 */
export async function infoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const path = required(args, 'model');
  const model = await loadModel(path);
  const inShape = inputShape(model, option(args, 'input-shape'));
  const given = option(args, 'input-shape');
  const plan = inShape ? await explainingInputShape(() => planRun(model, nodeSampleShape(model, inShape), 1, 4), model, inShape, { flag: '--input-shape', where: given === undefined ? path : '--input-shape' }) : null;
  for (const l of infoLines(model, path, inputText(model, inShape, given !== undefined), plan)) io.out(l);
  return 0;
}

/**
 * The lines `lrp info` prints for `model` (named `label`, its input described by `input`): a summary, the node table (index, kind,
 * inputs on a graph, output shape, parameters, cost, attributes), the BatchNorms canonization folds,
 * and with a plan the cost and memory per sample.
 */
export function infoLines(model: Model, label: string, input: string, plan: RunPlan | null): string[] {
  const lines: string[] = [];
  // A graph gets an `inputs` column (node indices, -1 the model input); chains print as before.
  const graph = !isChain(model);
  const sources = graph ? nodeSources(model) : [];
  // Imported models (ONNX) get a `name` column; shapes show in the model's layout ([C, H, W] for ONNX images).
  const named = model.layers.some((l) => l.name !== undefined);
  const rows = model.layers.map((layer, i) => [
    String(i), layerName(layer), ...(named ? [layer.name ?? ''] : []), ...(graph ? [sources[i]!.join(',')] : []),
    plan ? showShape(modelSampleShape(model, plan.shapes[i + 1])) : '?', String(parameterCount(layer)),
    plan ? formatCost(plan.layers[i].macs) : '?', attrs(layer),
  ]);
  const head = ['index', 'kind', ...(named ? ['name'] : []), ...(graph ? ['inputs'] : []), 'output', 'params', 'MACs', 'attributes'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd() + '\n';
  lines.push(`${label}: ${model.layers.length} layers, ${model.layers.reduce((a, l) => a + parameterCount(l), 0)} parameters, input ${input}\n`);
  lines.push(line(head));
  for (const r of rows) lines.push(line(r));
  for (const f of foldBatchNorms(model).folded) {
    lines.push(`canonize: ${layerWhere(model.layers, f.batchnorm)} folds into ${layerWhere(model.layers, f.into)} (explanations use the folded layer; canonize: false keeps it)\n`);
  }
  if (plan) {
    lines.push(`cost per sample: forward ${formatCost(plan.forwardMacs)} multiply-adds, with an LRP explanation up to ${formatCost(plan.forwardMacs * (1 + explanationFactor('lrp')))}; ` +
      `memory for one sample (wasm, float32): ${formatBytes(plan.bytes)}\n`);
  }
  return lines;
}
