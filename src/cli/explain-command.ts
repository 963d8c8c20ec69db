import { LrpError } from '../errors.js';
import { type Explanation, createExplainer } from '../explainer.js';
import type { Target } from '../engine/initial.js';
import { loadModel } from '../io/load-model.js';
import { type Tensor, showShape } from '../tensor.js';
import { type OptionSpec, flag, integerOption, option, parseArgs, required, parseDType } from './args.js';
import { type CliIo, progressReporter } from './context.js';
import { explainOptionsFrom, ruleOptionSpecs } from './rule-options.js';
import { sampleHeatmapPaths, writeSampleHeatmaps } from './render-command.js';
import { readTensor, writeTensor } from '../io/tensor-files.js';
import { inputFiles } from './output-guard.js';
import { readSamples } from './sample-files.js';
import type { BackendName } from '../backends/index.js';
import { limitOptionSpecs, limitsFrom } from './limit-options.js';
import { checkOutputPrecision } from './output-precision.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true },
  { name: 'input', value: true },
  { name: 'init', value: true },
  { name: 'target', value: true },
  { name: 'keep-softmax', value: false },
  { name: 'backend', value: true },
  { name: 'out', value: true },
  { name: 'dtype', value: true },
  { name: 'relevance-at', value: true },
  { name: 'batch-size', value: true },
  { name: 'progress', value: false },
  { name: 'heatmap', value: true },
  ...ruleOptionSpecs,
  ...limitOptionSpecs,
];

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
  if (out === undefined && args.options.has('dtype')) throw new LrpError('E_USAGE', 'only applies with --out', '--dtype');
  const options = { ...explainOptionsFrom(args), relevanceAt: integerOption(args, 'relevance-at', 0) };
  const dtype = parseDType(option(args, 'dtype'));
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
  const explainer = await createExplainer(model, { backend: (option(args, 'backend') ?? 'auto') as BackendName, keepSoftmax: flag(args, 'keep-softmax'), ...limitsFrom(args) });
  if (initial && initial.shape[0] !== n) {
    throw new LrpError('E_SHAPE', `initial relevance ${showShape(initial.shape)} has ${initial.shape[0]} samples, the input ${n}`, init);
  }
  const report = progressReporter(io, 'explain', n, flag(args, 'progress') || (n > chunk && io.errIsTty));
  const parts: Explanation[] = [];
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
  explainer.dispose();
  const relevance = joinBatches(parts.map((p) => p.relevance));
  if (out !== undefined) {
    checkOutputPrecision(relevance, out, dtype);
    await writeTensor(out, relevance, dtype);
    io.err(`wrote relevance ${showShape(relevance.shape)} to ${out}\n`);
  } else {
    const per = relevance.data.length / relevance.shape[0];
    for (let s = 0; s < relevance.shape[0]; s++) io.out(Array.from(relevance.data.subarray(s * per, (s + 1) * per)).join(' ') + '\n');
  }
  if (heatmapDir !== undefined) io.err(`wrote ${(await writeSampleHeatmaps(heatmapDir, relevance, input)).length} heatmaps to ${heatmapDir}\n`);
  return 0;
}
