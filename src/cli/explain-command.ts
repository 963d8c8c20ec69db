import { LrpError } from '../errors.js';
import { type Explanation, createExplainer } from '../explainer.js';
import type { Target } from '../engine/initial.js';
import { loadModel } from '../io/load-model.js';
import { type Tensor, showShape } from '../tensor.js';
import { type OptionSpec, flag, integerOption, option, parseArgs, required } from './args.js';
import { type CliIo, progressReporter } from './context.js';
import { backendFrom, backendNote, backendOptionSpec } from './backend-option.js';
import type { CommandSpec } from './command-spec.js';
import { explainOptionsFrom, ruleOptionNotes, ruleOptionSpecs } from './rule-options.js';
import { sampleHeatmapPaths, writeSampleHeatmaps } from './render-command.js';
import { readTensor } from '../io/tensor-files.js';
import { explainingInputShape } from './input-shape-error.js';
import { toNodeLayout } from '../model/layout.js';
import { inputFiles } from './output-guard.js';
import { readSamples } from './sample-files.js';
import { limitOptionSpecs, limitsFrom } from './limit-options.js';
import { dtypeOptionSpec, outputDTypeFrom, writeTensorOutput } from './output-precision.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true, arg: 'M', help: "the model: the toolbox's text format (.txt), a pickled toolbox model (.nn), a TensorFlow.js layers model (model.json, shards beside it) or an ONNX model (.onnx, inputs and relevances NCHW)" },
  { name: 'input', value: true, arg: 'X', help: 'the samples, batch first: .npy, .mat (variable data) or .txt' },
  { name: 'init', value: true, arg: 'R0.npy', help: 'the initial relevance on the output (instead of --target)' },
  { name: 'target', value: true, arg: 'T', help: 'the class to explain: argmax (default), a class number, or a file of one per sample' },
  { name: 'keep-softmax', value: false, help: "explain through the model's final SoftMax (dropped by default)" },
  ...ruleOptionSpecs,
  { name: 'relevance-at', value: true, arg: 'I', help: 'stop at the input of layer I (default 0, the model input)' },
  backendOptionSpec,
  { name: 'batch-size', value: true, arg: 'N', help: 'samples per chunk (default 256)' },
  { name: 'progress', value: false, help: 'report progress on stderr (default: only on a terminal, for runs of several chunks)' },
  ...limitOptionSpecs,
  { name: 'out', value: true, arg: 'R.npy|.mat|.txt', help: 'write the relevance there (default: print one sample per line)' },
  dtypeOptionSpec,
  { name: 'heatmap', value: true, arg: 'DIR', help: 'also write DIR/<index>_heatmap.png (input | heatmap) per sample' },
];

/** `lrp explain`: its synopsis and options. */
export const explainSpec: CommandSpec = {
  name: 'explain',
  summary: 'explain the predictions of a model with LRP (or another attribution method)',
  synopsis: [
    '--model M --input X [--init R0.npy | --target argmax|CLASS|FILE.npy] [--keep-softmax]',
    '[--rule SPEC] [--layer-rule I:SPEC]... [--composite NAME [--gamma G] [--low L --high H]]',
    '[--formula CODE [--beta B] [--aux-layer I]] [--epsilon E] [--compat zennit] [--relevance-at I]',
    '[--method NAME [--steps N] [--baseline V] [--samples N] [--noise S] [--seed S]]',
    '[--backend js|wasm|tfjs|gpu|auto] [--batch-size N] [--progress] [--max-memory BYTES] [--max-cost N]',
    '[--out R.npy|.mat|.txt] [--dtype f32|f64] [--heatmap DIR]',
  ],
  options: specs,
  notes: ruleOptionNotes,
};

/** Slices samples `[from, to)` of a batch-first tensor. */
export function sliceBatch(t: Tensor, from: number, to: number): Tensor {
  const per = t.data.length / t.shape[0];
  return { data: t.data.subarray(from * per, to * per), shape: [to - from, ...t.shape.slice(1)] };
}

/** Joins batch-first tensors along the batch. */
export function joinBatches(parts: readonly Tensor[]): Tensor {
  const n = parts.reduce((a, p) => a + p.shape[0], 0);
  const data = new Float64Array(parts.reduce((a, p) => a + p.data.length, 0));
  let off = 0;
  for (const p of parts) {
    data.set(p.data, off);
    off += p.data.length;
  }
  return { data, shape: [n, ...parts[0].shape.slice(1)] };
}

/** A `--target` that names a file (else it is `argmax` or a class number). */
function targetFile(text: string | undefined): string | undefined {
  return text !== undefined && /\.(npy|mat|txt)$/i.test(text) ? text : undefined;
}

async function parseTarget(text: string | undefined, samples: number): Promise<Target> {
  if (text === undefined || text === 'argmax') return 'argmax';
  if (/^\d+$/.test(text)) return Number(text);
  if (targetFile(text)) {
    const t = await readTensor(text);
    if (t.data.length !== samples) throw new LrpError('E_SHAPE', `${t.data.length} targets for ${samples} samples`, text);
    return Array.from(t.data);
  }
  throw new LrpError('E_USAGE', `--target must be argmax, a class number or a .npy/.mat/.txt file, got '${text}'`);
}

/**
 * `lrp explain --model M --input X [--init R0 | --target T] [rule flags] [--out R.npy]`: explains
 * every sample (in chunks of `--batch-size`, progress on stderr) and writes the relevance;
 * `--heatmap DIR` also writes `<index>_heatmap.png` (input | heatmap) per sample.
 */
export async function explainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const modelPath = required(args, 'model');
  const inputPath = required(args, 'input');
  const init = option(args, 'init');
  const targetText = option(args, 'target');
  if (init !== undefined && targetText !== undefined) {
    throw new LrpError('E_USAGE', '--init gives the initial relevance, so --target has nothing to choose; give one of them', '--init/--target');
  }
  const out = option(args, 'out');
  const options = { ...explainOptionsFrom(args), relevanceAt: integerOption(args, 'relevance-at', 0) };
  const dtype = outputDTypeFrom(args, out);
  const backend = backendFrom(args);
  const limits = limitsFrom(args);
  const chunk = integerOption(args, 'batch-size', 1) ?? 256;
  const heatmapDir = option(args, 'heatmap');
  const inputs = await inputFiles([
    { flag: '--model', path: modelPath },
    { flag: '--input', path: inputPath },
    init === undefined ? undefined : { flag: '--init', path: init },
    targetFile(targetText) === undefined ? undefined : { flag: '--target', path: targetText! },
  ]);
  if (out !== undefined) await inputs.assertNotInput({ flag: '--out', path: out });
  const model = await loadModel(modelPath);
  const input = await readSamples(inputPath, '--input');
  const initial = init === undefined ? undefined : await readSamples(init, '--init');
  const target = await parseTarget(targetText, input.shape[0]);
  const n = input.shape[0];
  const heatmapFiles = heatmapDir === undefined ? [] : sampleHeatmapPaths(heatmapDir, n);
  for (const path of heatmapFiles) await inputs.assertNotInput({ flag: '--heatmap', path });
  const explainer = await createExplainer(model, { backend, keepSoftmax: flag(args, 'keep-softmax'), ...limits });
  const note = backendNote(explainer.backendInfo);
  if (note) io.err(note);
  if (initial && initial.shape[0] !== n) {
    throw new LrpError('E_SHAPE', `initial relevance ${showShape(initial.shape)} has ${initial.shape[0]} samples, the input ${n}`, init);
  }
  const report = progressReporter(io, 'explain', n, flag(args, 'progress') || (n > chunk && io.errIsTty));
  const parts: Explanation[] = [];
  await explainingInputShape(
    () => {
      for (let from = 0; from < n; from += chunk) {
        const to = Math.min(n, from + chunk);
        parts.push(
          explainer.explain(sliceBatch(input, from, to), {
            ...options,
            target: Array.isArray(target) ? target.slice(from, to) : target,
            initial: initial ? sliceBatch(initial, from, to) : undefined,
          }),
        );
        report(to);
      }
    },
    model,
    input.shape.slice(1),
    { flag: '--input', where: inputPath },
  );
  explainer.dispose();
  const relevance = joinBatches(parts.map((p) => p.relevance));
  if (out !== undefined) {
    await writeTensorOutput(out, relevance, dtype);
    io.err(`wrote relevance ${showShape(relevance.shape)} to ${out}\n`);
  } else {
    const per = relevance.data.length / relevance.shape[0];
    for (let s = 0; s < relevance.shape[0]; s++) io.out(Array.from(relevance.data.subarray(s * per, (s + 1) * per)).join(' ') + '\n');
  }
  if (heatmapDir !== undefined) io.err(`wrote ${(await writeSampleHeatmaps(heatmapDir, toNodeLayout(model, relevance), toNodeLayout(model, input))).length} heatmaps to ${heatmapDir}\n`);
  return 0;
}
