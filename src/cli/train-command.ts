import { LrpError } from '../errors.js';
import { writeFileBytes } from '../io/file-system.js';
import { loadModel } from '../io/load-model.js';
import { writeTextModel } from '../io/text-model.js';
import type { Model } from '../model/layers.js';
import { type Tensor, showShape, sizeOf } from '../tensor.js';
import { buildModel, parseArch } from '../train/arch.js';
import type { InitScheme } from '../train/init.js';
import { type LrateDecay, type SelectBy, type TrainOptions, type TrainProgress, resolveTrainOptions } from '../train/options.js';
import { train } from '../train/train.js';
import { type OptionSpec, MAX_SEED, integerOption, numberOption, option, parseArgs, required } from './args.js';
import { backendFrom, backendOptionSpec } from './backend-option.js';
import type { CommandSpec } from './command-spec.js';
import type { CliIo } from './context.js';
import { limitOptionSpecs, limitsFrom } from './limit-options.js';
import { explainingInputShape } from './input-shape-error.js';
import { inputFiles } from './output-guard.js';
import { readSampleTensor } from './sample-files.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true, arg: 'INIT.txt', help: 'start from this model (toolbox .txt or .nn)' },
  { name: 'arch', value: true, arg: 'SPEC', help: 'start from a new model of these layers: see Architecture SPECs below' },
  { name: 'input', value: true, arg: 'X', help: 'the training samples, batch first (.npy, .mat or .txt)' },
  { name: 'labels', value: true, arg: 'Y', help: 'their labels: class indices [N] or one-hot rows [N, C]' },
  { name: 'val-input', value: true, arg: 'XV', help: 'validation samples (with --val-labels), to select the best model' },
  { name: 'val-labels', value: true, arg: 'YV', help: 'their labels' },
  { name: 'input-shape', value: true, arg: 'H,W,C', help: 'reshape every sample to this shape' },
  { name: 'batch-size', value: true, arg: 'N', help: 'samples per SGD step (default 25)' },
  { name: 'iters', value: true, arg: 'N', help: 'SGD steps (default 10000)' },
  { name: 'lrate', value: true, arg: 'R', help: 'the learning rate (default 0.005)' },
  { name: 'lfactor', value: true, arg: 'F', help: "the learning-rate factor's starting value (the toolbox's lfactor_initial, default 1)" },
  { name: 'decay', value: true, arg: 'none|sublinear|linear', help: 'how the learning rate adapts at improving evaluations (default none)' },
  { name: 'momentum', value: true, arg: 'M', help: 'SGD momentum (default 0)' },
  { name: 'status', value: true, arg: 'N', help: 'evaluate every N steps (default 250)' },
  { name: 'convergence', value: true, arg: 'N', help: 'stop after N evaluations without improvement (default -1: never)' },
  { name: 'select', value: true, arg: 'loss|accuracy', help: 'what makes a model the best so far: a lower loss (default) or a higher accuracy' },
  { name: 'seed', value: true, arg: 'S', help: 'seed of the initial weights and the batch order (default 0)' },
  { name: 'init', value: true, arg: 'he|glorot', help: 'how --arch weights start (default he with ReLUs, else glorot)' },
  backendOptionSpec,
  ...limitOptionSpecs,
  { name: 'out', value: true, arg: 'MODEL.txt', help: 'write the best model there, in the toolbox text format' },
];

/** `lrp train`: its synopsis and options. */
export const trainSpec: CommandSpec = {
  name: 'train',
  summary: 'train a model by minibatch SGD and write it in the toolbox text format',
  synopsis: [
    '(--model INIT.txt | --arch SPEC) --input X --labels Y [--val-input XV --val-labels YV]',
    '[--input-shape H,W,C] [--batch-size N] [--iters N] [--lrate R] [--lfactor F]',
    '[--decay none|sublinear|linear] [--momentum M] [--status N] [--convergence N]',
    '[--select loss|accuracy] [--seed S] [--init he|glorot] [--backend js|wasm|tfjs|gpu|auto]',
    '[--max-memory BYTES] [--max-cost N] --out MODEL.txt',
  ],
  options: specs,
  notes: `Architecture SPECs: comma-separated layers, e.g.
  conv5x5x16,relu,maxpool2,conv5x5x32,relu,maxpool2,flatten,linear128,relu,linear10,softmax
`,
};

/** Reshapes every sample of `t` to `shape` (`--input-shape`), keeping the batch. */
function perSample(t: Tensor, shape: number[] | null, what: string): Tensor {
  if (!shape) return t;
  const n = t.shape[0] ?? 0;
  if (sizeOf(shape) * n !== t.data.length) {
    throw new LrpError('E_SHAPE', `--input-shape ${showShape(shape)} does not fit ${what} ${showShape(t.shape)}`);
  }
  return { data: t.data, shape: [n, ...shape] };
}

function parseShape(v: string | undefined): number[] | null {
  if (v === undefined) return null;
  const dims = v.split(/[,x ]+/).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new LrpError('E_USAGE', `--input-shape needs positive integers like 28,28,1, got '${v}'`);
  return dims;
}

/** Parses `--arch`; its errors name `--arch`. */
function archOption(spec: string): ReturnType<typeof parseArch> {
  try {
    return parseArch(spec);
  } catch (e) {
    if (!(e instanceof LrpError) || e.where !== undefined) throw e;
    throw new LrpError(e.code, e.message.replace(/^architecture: /, ''), '--arch');
  }
}

function oneOf<V extends string>(name: string, v: string | undefined, allowed: readonly V[]): V | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as V)) throw new LrpError('E_USAGE', `--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as V;
}

function reporter(io: CliIo): (p: TrainProgress) => void {
  return (p) => {
    if (p.kind === 'eval') {
      io.err(`${io.errIsTty ? '\r' : ''}iteration ${p.iter}: ${p.on} accuracy ${(p.accuracy * 100).toFixed(2)} %, loss ${p.loss.toPrecision(4)}` +
        `${p.improved ? ' (best so far)' : ''}, lrate ${p.lrate.toPrecision(3)}, ${(p.elapsedMs / 1000).toFixed(1)} s\n`);
    } else if (p.kind === 'batch') {
      if (io.errIsTty) io.err(`\rbatch ${p.iter}: loss ${p.loss.toPrecision(4)}, lrate ${p.lrate.toPrecision(3)}`);
    } else {
      io.err(`no improvement for ${p.checks} evaluations: converged at iteration ${p.iter}\n`);
    }
  };
}

/**
 * `lrp train (--model INIT.txt | --arch SPEC) --input X --labels Y [--val-input XV --val-labels YV]
 * [--batch-size --iters --lrate --decay --momentum --status --convergence --select --seed --init
 * --input-shape --backend] --out MODEL.txt`: trains by minibatch SGD (softmax cross-entropy; see
 * the library's `train`), reports evaluations on stderr and writes the best model in the toolbox
 * text format. Labels are class indices `[N]` or one-hot rows `[N, C]`.
 */
export async function trainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const out = required(args, 'out');
  const arch = option(args, 'arch');
  const init = option(args, 'model');
  if ((arch === undefined) === (init === undefined)) throw new LrpError('E_USAGE', 'give exactly one of --model INIT.txt and --arch SPEC');
  if (init !== undefined && args.options.has('init')) throw new LrpError('E_USAGE', '--init chooses how --arch layers start; a --model already has its weights', '--init');
  const shape = parseShape(option(args, 'input-shape'));
  const seed = integerOption(args, 'seed', 0, MAX_SEED) ?? 0;
  const scheme = oneOf<InitScheme>('init', option(args, 'init'), ['he', 'glorot']);
  // every option is checked before any file is read
  const options: TrainOptions = {
    batchSize: integerOption(args, 'batch-size', 1),
    iters: integerOption(args, 'iters', 1),
    lrate: numberOption(args, 'lrate'),
    decay: oneOf<LrateDecay>('decay', option(args, 'decay'), ['none', 'sublinear', 'linear']),
    lfactorInitial: numberOption(args, 'lfactor'),
    momentum: numberOption(args, 'momentum'),
    status: integerOption(args, 'status', 1),
    convergence: integerOption(args, 'convergence', -1),
    select: oneOf<SelectBy>('select', option(args, 'select'), ['loss', 'accuracy']),
    seed,
    backend: backendFrom(args),
    ...limitsFrom(args),
  };
  resolveTrainOptions(options, Number.MAX_SAFE_INTEGER);
  const archLayers = arch !== undefined ? archOption(arch) : null;
  const inputPath = required(args, 'input');
  const labelsPath = required(args, 'labels');
  const vi = option(args, 'val-input');
  const vl = option(args, 'val-labels');
  if ((vi === undefined) !== (vl === undefined)) throw new LrpError('E_USAGE', 'give --val-input and --val-labels together');
  const named = (flag: string, path: string | undefined) => (path === undefined ? undefined : { flag, path });
  const inputs = await inputFiles([named('--model', init), named('--input', inputPath), named('--labels', labelsPath), named('--val-input', vi), named('--val-labels', vl)]);
  await inputs.assertNotInput({ flag: '--out', path: out });
  const x = perSample(await readSampleTensor(inputPath, '--input'), shape, 'the inputs');
  const y = await readSampleTensor(labelsPath, '--labels');
  const val = vi !== undefined && vl !== undefined
    ? { xVal: perSample(await readSampleTensor(vi, '--val-input'), shape, 'the validation inputs'), yVal: await readSampleTensor(vl, '--val-labels') }
    : {};
  const model: Model = archLayers ? buildModel(archLayers, x.shape.slice(1), seed, scheme, options) : await loadModel(init!);
  const run = () => train(model, { x, y, ...val }, { ...options, onProgress: reporter(io) });
  const result = await explainingInputShape(run, model, x.shape.slice(1), { flag: '--input', where: inputPath });
  await writeFileBytes(out, writeTextModel(result.model));
  const b = result.best;
  io.err(`best: ${b.on} accuracy ${(b.accuracy * 100).toFixed(2)} %, loss ${b.loss.toPrecision(4)} at iteration ${b.iter} of ${result.iterations}` +
    ` (${(result.elapsedMs / 1000).toFixed(1)} s); wrote ${out}\n`);
  return 0;
}
