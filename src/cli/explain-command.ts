import { LrpError } from '../errors.js';
import type { Explanation } from '../explainer.js';
import { createExplainer } from '../explainer.js';
import type { Target } from '../engine/initial.js';
import { loadModel } from '../io/load-model.js';
import { type Tensor, showShape } from '../tensor.js';
import type { SampleRange } from '../workers/chunking.js';
import { type OptionSpec, flag, integerOption, option, parseArgs, required } from './args.js';
import type { CliIo } from './context.js';
import { backendFrom, backendNote, backendOptionSpec } from './backend-option.js';
import { batchSizeFrom, batchSizeOptionSpec, progressModeFrom, workerOptionSpecs, workersFrom } from './chunk-options.js';
import { chunksInOrder } from './chunked-run.js';
import type { CommandSpec } from './command-spec.js';
import { explainOptionsFrom, ruleOptionNotes, ruleOptionSpecs } from './rule-options.js';
import { sampleHeatmapPaths, writeSampleHeatmaps } from './render-command.js';
import { readTensor } from '../io/tensor-files.js';
import { explainingInputShape } from './input-shape-error.js';
import { toNodeLayout } from '../model/layout.js';
import { inputFiles } from './output-guard.js';
import { readSamples } from './sample-files.js';
import { openSamples } from './sample-source.js';
import { limitOptionSpecs, limitsFrom } from './limit-options.js';
import { dtypeOptionSpec, outputDTypeFrom } from './output-precision.js';
import { progressBar } from './progress-bar.js';
import { type ChunkSink, tensorSink } from './tensor-sink.js';
import { poolSizeFor } from './pool-size.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true, arg: 'M', help: "the model: the toolbox's text format (.txt), a pickled toolbox model (.nn), a TensorFlow.js layers model (model.json, shards beside it) or an ONNX model (.onnx, inputs and relevances NCHW)" },
  { name: 'input', value: true, arg: 'X', help: 'the samples, batch first: .npy (read a chunk at a time), .mat (variable data) or .txt' },
  { name: 'init', value: true, arg: 'R0.npy', help: 'the initial relevance on the output (instead of --target)' },
  { name: 'target', value: true, arg: 'T', help: 'the class to explain: argmax (default), a class number, or a file of one per sample' },
  { name: 'keep-softmax', value: false, help: "explain through the model's final SoftMax (dropped by default)" },
  ...ruleOptionSpecs,
  { name: 'relevance-at', value: true, arg: 'I', help: 'stop at the input of layer I (default 0, the model input)' },
  backendOptionSpec,
  batchSizeOptionSpec,
  ...workerOptionSpecs,
  ...limitOptionSpecs,
  { name: 'out', value: true, arg: 'R.npy|.mat|.txt', help: 'write the relevance there (.npy written as chunks finish; default: print one sample per line)' },
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
    '[--backend js|wasm|tfjs|gpu|auto] [--batch-size N] [--workers N|auto] [--progress | --quiet]',
    '[--max-memory BYTES] [--max-cost N] [--out R.npy|.mat|.txt] [--dtype f32|f64] [--heatmap DIR]',
  ],
  options: specs,
  notes: ruleOptionNotes,
};

/** Slices samples `[from, to)` of a batch-first tensor. */
export function sliceBatch(t: Tensor, from: number, to: number): Tensor {
  const per = t.data.length / t.shape[0];
  return { data: t.data.subarray(from * per, to * per), shape: [to - from, ...t.shape.slice(1)] };
}

/** Joins batch-first tensors along the batch (float64). */
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
 * every sample in chunks of `--batch-size` (on `--workers` threads, several chunks at a time; a
 * `.npy` input read and a `.npy` output written a chunk at a time, so memory stays bounded by the
 * chunks), with progress on stderr, and writes the relevance; `--heatmap DIR` also writes
 * `<index>_heatmap.png` (input | heatmap) per sample.
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
  const chunk = batchSizeFrom(args);
  const workers = workersFrom(args);
  const heatmapDir = option(args, 'heatmap');
  const inputs = await inputFiles([
    { flag: '--model', path: modelPath },
    { flag: '--input', path: inputPath },
    init === undefined ? undefined : { flag: '--init', path: init },
    targetFile(targetText) === undefined ? undefined : { flag: '--target', path: targetText! },
  ]);
  if (out !== undefined) await inputs.assertNotInput({ flag: '--out', path: out });
  const model = await loadModel(modelPath);
  const source = await openSamples(inputPath, '--input');
  try {
    const n = source.shape[0]!;
    const initial = init === undefined ? undefined : await readSamples(init, '--init');
    const target = await parseTarget(targetText, n);
    if (heatmapDir !== undefined) for (const path of sampleHeatmapPaths(heatmapDir, n)) await inputs.assertNotInput({ flag: '--heatmap', path });
    if (initial && initial.shape[0] !== n) {
      throw new LrpError('E_SHAPE', `initial relevance ${showShape(initial.shape)} has ${initial.shape[0]} samples, the input ${n}`, init);
    }
    const threads = await poolSizeFor(workers, n, chunk);
    const explainer = await createExplainer(model, { backend, keepSoftmax: flag(args, 'keep-softmax'), ...limits, workers: threads, minPoolBatch: 0 });
    try {
      const note = backendNote(explainer.backendInfo);
      if (note) io.err(note);
      const report = progressBar(io, 'explain', n, progressModeFrom(args, io, n, chunk));
      const results = chunksInOrder({
        n,
        chunk,
        inflight: Math.max(1, 2 * threads),
        produce: async (r: SampleRange): Promise<[Tensor, Explanation]> => {
          const x = await source.read(r.from, r.to);
          const e = await explainer.explain(x, {
            ...options,
            target: Array.isArray(target) ? target.slice(r.from, r.to) : target,
            initial: initial ? sliceBatch(initial, r.from, r.to) : undefined,
            firstSample: r.from,
            chunkSize: r.to - r.from,
          });
          return [x, e];
        },
      });
      const sink: ChunkSink = tensorSink(out, dtype, n, io);
      const relevanceShape = await explainingInputShape(
        () =>
          sink.run(
            (async function* () {
              for await (const [r, [x, e]] of results) {
                if (heatmapDir !== undefined) await writeSampleHeatmaps(heatmapDir, toNodeLayout(model, e.relevance), toNodeLayout(model, x), r.from);
                yield e.relevance;
                report(r.to);
              }
            })(),
          ),
        model,
        source.shape.slice(1),
        { flag: '--input', where: inputPath },
      );
      if (out !== undefined && !flag(args, 'quiet')) io.err(`wrote relevance ${showShape(relevanceShape)} to ${out}\n`);
      if (heatmapDir !== undefined && !flag(args, 'quiet')) io.err(`wrote ${n} heatmaps to ${heatmapDir}\n`);
    } finally {
      await explainer.dispose();
    }
  } finally {
    await source.close();
  }
  return 0;
}
