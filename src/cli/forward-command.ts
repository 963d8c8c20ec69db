import { createExplainer } from '../explainer.js';
import { loadModel } from '../io/load-model.js';
import { type Tensor, argmaxRows, showShape } from '../tensor.js';
import type { SampleRange } from '../workers/chunking.js';
import { type OptionSpec, flag, option, parseArgs, required } from './args.js';
import { backendFrom, backendNote, backendOptionSpec } from './backend-option.js';
import { batchSizeFrom, batchSizeOptionSpec } from './chunk-options.js';
import { chunksInOrder } from './chunked-run.js';
import type { CommandSpec } from './command-spec.js';
import type { CliIo } from './context.js';
import { limitOptionSpecs, limitsFrom } from './limit-options.js';
import { dtypeOptionSpec, outputDTypeFrom } from './output-precision.js';
import { explainingInputShape } from './input-shape-error.js';
import { inputFiles } from './output-guard.js';
import { openSamples } from './sample-source.js';
import { tensorSink } from './tensor-sink.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true, arg: 'M', help: "the model: the toolbox's text format (.txt), a pickled toolbox model (.nn), a TensorFlow.js layers model (model.json, shards beside it) or an ONNX model (.onnx, inputs and relevances NCHW)" },
  { name: 'input', value: true, arg: 'X', help: 'the samples, batch first: .npy (read a chunk at a time), .mat (variable data) or .txt' },
  { name: 'drop-softmax', value: false, help: "leave out the model's final SoftMax (print logits)" },
  backendOptionSpec,
  batchSizeOptionSpec,
  ...limitOptionSpecs,
  { name: 'out', value: true, arg: 'Y.npy|.mat|.txt', help: 'write the outputs there (.npy written as chunks finish; default: print "class score..." per sample)' },
  dtypeOptionSpec,
];

/** `lrp forward`: its synopsis and options. */
export const forwardSpec: CommandSpec = {
  name: 'forward',
  summary: 'run a model on samples and print or write its outputs',
  synopsis: [
    '--model M --input X [--drop-softmax] [--backend js|wasm|tfjs|gpu|auto] [--batch-size N]',
    '[--max-memory BYTES] [--max-cost N] [--out Y.npy|.mat|.txt] [--dtype f32|f64]',
  ],
  options: specs,
};

/** `class<TAB>score score …` for one sample's outputs. */
function classAndScores(row: Float32Array | Float64Array): string {
  return `${argmaxRows(row, 1)[0]}\t${Array.from(row).map((v) => v.toPrecision(6)).join(' ')}`;
}

/**
 * `lrp forward --model M --input X [--drop-softmax] [--out Y.npy]`: runs the whole model (a final
 * SoftMax included unless dropped) over the samples in chunks of `--batch-size` (a `.npy` input
 * read and a `.npy` output written a chunk at a time) and writes the outputs, or prints
 * `class score…` rows.
 */
export async function forwardCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const modelPath = required(args, 'model');
  const inputPath = required(args, 'input');
  const out = option(args, 'out');
  const dtype = outputDTypeFrom(args, out);
  const backend = backendFrom(args);
  const limits = limitsFrom(args);
  const chunk = batchSizeFrom(args);
  const inputs = await inputFiles([{ flag: '--model', path: modelPath }, { flag: '--input', path: inputPath }]);
  if (out !== undefined) await inputs.assertNotInput({ flag: '--out', path: out });
  const model = await loadModel(modelPath);
  const source = await openSamples(inputPath, '--input');
  try {
    const n = source.shape[0]!;
    const explainer = await createExplainer(model, { backend, keepSoftmax: !flag(args, 'drop-softmax'), ...limits });
    try {
      const note = backendNote(explainer.backendInfo);
      if (note) io.err(note);
      const outputs = async function* (): AsyncGenerator<Tensor> {
        const results = chunksInOrder({
          n,
          chunk,
          inflight: 1,
          produce: async (r: SampleRange) => {
            const pass = explainer.forward(await source.read(r.from, r.to));
            pass.dispose();
            return pass.output;
          },
        });
        for await (const [, y] of results) yield y;
      };
      const shape = await explainingInputShape(() => tensorSink(out, dtype, n, io, classAndScores).run(outputs()), model, source.shape.slice(1), { flag: '--input', where: inputPath });
      if (out !== undefined) io.err(`wrote output ${showShape(shape)} to ${out}\n`);
    } finally {
      explainer.dispose();
    }
  } finally {
    await source.close();
  }
  return 0;
}
