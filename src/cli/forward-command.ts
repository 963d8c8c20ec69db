import { createExplainer } from '../explainer.js';
import { loadModel } from '../io/load-model.js';
import { type Tensor, argmaxRows, showShape } from '../tensor.js';
import { type OptionSpec, flag, integerOption, option, parseArgs, required } from './args.js';
import { backendFrom, backendNote, backendOptionSpec } from './backend-option.js';
import type { CommandSpec } from './command-spec.js';
import type { CliIo } from './context.js';
import { joinBatches, sliceBatch } from './explain-command.js';
import { limitOptionSpecs, limitsFrom } from './limit-options.js';
import { dtypeOptionSpec, outputDTypeFrom, writeTensorOutput } from './output-precision.js';
import { explainingInputShape } from './input-shape-error.js';
import { inputFiles } from './output-guard.js';
import { readSamples } from './sample-files.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true, arg: 'M', help: "the model: the toolbox's text format (.txt), a pickled toolbox model (.nn), a TensorFlow.js layers model (model.json, shards beside it) or an ONNX model (.onnx, inputs and relevances NCHW)" },
  { name: 'input', value: true, arg: 'X', help: 'the samples, batch first: .npy, .mat (variable data) or .txt' },
  { name: 'drop-softmax', value: false, help: "leave out the model's final SoftMax (print logits)" },
  backendOptionSpec,
  { name: 'batch-size', value: true, arg: 'N', help: 'samples per chunk (default 256)' },
  ...limitOptionSpecs,
  { name: 'out', value: true, arg: 'Y.npy|.mat|.txt', help: 'write the outputs there (default: print "class score..." per sample)' },
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

/**
 * `lrp forward --model M --input X [--drop-softmax] [--out Y.npy]`: runs the whole model (a final
 * SoftMax included unless dropped) and writes the outputs, or prints `class score…` rows.
 */
export async function forwardCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const modelPath = required(args, 'model');
  const inputPath = required(args, 'input');
  const out = option(args, 'out');
  const dtype = outputDTypeFrom(args, out);
  const backend = backendFrom(args);
  const limits = limitsFrom(args);
  const chunk = integerOption(args, 'batch-size', 1) ?? 256;
  const inputs = await inputFiles([{ flag: '--model', path: modelPath }, { flag: '--input', path: inputPath }]);
  if (out !== undefined) await inputs.assertNotInput({ flag: '--out', path: out });
  const model = await loadModel(modelPath);
  const input = await readSamples(inputPath, '--input');
  const explainer = await createExplainer(model, { backend, keepSoftmax: !flag(args, 'drop-softmax'), ...limits });
  const note = backendNote(explainer.backendInfo);
  if (note) io.err(note);
  const parts: Tensor[] = [];
  const runAll = () => {
    for (let from = 0; from < input.shape[0]; from += chunk) {
      const pass = explainer.forward(sliceBatch(input, from, Math.min(input.shape[0], from + chunk)));
      parts.push(pass.output);
      pass.dispose();
    }
  };
  await explainingInputShape(runAll, model, input.shape.slice(1), { flag: '--input', where: inputPath });
  explainer.dispose();
  const y = joinBatches(parts);
  if (out !== undefined) {
    await writeTensorOutput(out, y, dtype);
    io.err(`wrote output ${showShape(y.shape)} to ${out}\n`);
    return 0;
  }
  const per = y.data.length / y.shape[0];
  const top = argmaxRows(y.data, y.shape[0]);
  for (let s = 0; s < y.shape[0]; s++) {
    const row = Array.from(y.data.subarray(s * per, (s + 1) * per));
    io.out(`${top[s]}\t${row.map((v) => v.toPrecision(6)).join(' ')}\n`);
  }
  return 0;
}
