import { join } from 'node:path';
import { sampleStrips, batchStrip, DEFAULT_STRIP_SCALE, type StripOptions } from '../render/heatmap-strips.js';
import { LrpError } from '../errors.js';
import { writeFileBytes } from '../io/file-system.js';
import { colormapNames } from '../render/colormaps.js';
import type { ChannelReduction } from '../render/layout.js';
import { showShape, sizeOf, type Tensor } from '../tensor.js';
import { type OptionSpec, flag, integerOption, numberOption, option, parseArgs, required } from './args.js';
import type { CommandSpec } from './command-spec.js';
import type { CliIo } from './context.js';
import { inputFiles } from './output-guard.js';
import { readSampleTensor } from './sample-files.js';

const specs: readonly OptionSpec[] = [
  { name: 'relevance', value: true, arg: 'R.npy', help: 'the relevance maps, batch first (.npy, .mat or .txt)' },
  { name: 'input', value: true, arg: 'X.npy', help: 'the samples, drawn beside their heatmaps' },
  { name: 'cmap', value: true, arg: 'NAME', help: `the colour map (default jet): ${colormapNames.join(', ')}` },
  { name: 'scale', value: true, arg: 'K', help: 'draw each value as K x K pixels (1 to 64, default 3)' },
  { name: 'normalize', value: true, arg: 'sample|batch', help: 'scale colours per sample (default) or over the batch' },
  { name: 'percentile', value: true, arg: 'P', help: 'scale colours by the P-th percentile of |R| (0 < P <= 100) instead of the maximum' },
  { name: 'reduce', value: true, arg: 'sum|mean|maxabs', help: 'how channels become one map (default sum)' },
  { name: 'outline', value: false, help: "draw the input's edges over the heatmap (needs --input)" },
  { name: 'out', value: true, arg: 'FILE.png', help: 'the PNG to write (every sample in one strip)' },
];

/** `lrp render`: its synopsis and options. */
export const renderSpec: CommandSpec = {
  name: 'render',
  summary: 'draw relevance maps as heatmaps into a PNG',
  synopsis: [
    '--relevance R.npy [--input X.npy] [--cmap NAME] [--scale K] [--normalize sample|batch]',
    '[--percentile P] [--reduce sum|mean|maxabs] [--outline] --out FILE.png',
  ],
  options: specs,
};

/**
 * The PNG codec (pngjs), loaded only by the commands that write PNGs: the other commands, `lrp
 * explain` without `--heatmap` included, start without parsing it.
 */
export function loadPngCodec(): Promise<typeof import('../render/png.js')> {
  return import('../render/png.js');
}

/**
 * Writes one PNG per sample into `dir`, `<index>_heatmap.png`: the sample's input | heatmap strip
 * (jet, ×3, render.py's look) when `input` has the relevance's size per sample, else the heatmap
 * alone (relevance taken at a hidden layer). `first` is the index of the batch's first sample (a
 * chunk of a larger run). Returns the paths written. Used by `lrp explain --heatmap`.
 */
export async function writeSampleHeatmaps(dir: string, relevance: Tensor, input?: Tensor, first = 0): Promise<string[]> {
  const paired = input !== undefined && sizeOf(input.shape) === sizeOf(relevance.shape) && input.shape[0] === relevance.shape[0];
  const strips = sampleStrips(relevance, { input: paired ? input : undefined });
  const paths = sampleHeatmapPaths(dir, strips.length, first);
  const { encodePng } = await loadPngCodec();
  for (const [i, strip] of strips.entries()) await writeFileBytes(paths[i]!, encodePng(strip));
  return paths;
}

/** The files {@link writeSampleHeatmaps} writes for `count` samples from index `first`: `DIR/<index>_heatmap.png`. */
export function sampleHeatmapPaths(dir: string, count: number, first = 0): string[] {
  return Array.from({ length: count }, (_, i) => join(dir, `${first + i}_heatmap.png`));
}

function reduction(v: string | undefined): ChannelReduction | undefined {
  if (v === undefined || v === 'sum' || v === 'mean' || v === 'maxabs') return v;
  throw new LrpError('E_USAGE', `--reduce must be sum, mean or maxabs, got '${v}'`);
}

function colormapOption(v: string | undefined): string {
  if (v === undefined) return 'jet';
  if (!colormapNames.includes(v)) throw new LrpError('E_RULE', `unknown colormap '${v}' (known: ${colormapNames.join(', ')})`, '--cmap');
  return v;
}

function normalization(v: string | undefined): 'sample' | 'batch' | undefined {
  if (v === undefined || v === 'sample' || v === 'batch') return v;
  throw new LrpError('E_USAGE', `--normalize must be sample or batch, got '${v}'`);
}

function stripOptions(args: ReturnType<typeof parseArgs>, input: Tensor | undefined, cmap: string): StripOptions {
  const scale = integerOption(args, 'scale', 1, 64) ?? DEFAULT_STRIP_SCALE;
  const percentile = numberOption(args, 'percentile');
  if (percentile !== undefined && !(percentile > 0 && percentile <= 100)) {
    throw new LrpError('E_USAGE', `--percentile must lie in (0, 100], got ${percentile}`);
  }
  const outline = flag(args, 'outline');
  if (outline && !input) throw new LrpError('E_USAGE', '--outline needs --input');
  return {
    input,
    outline,
    scale,
    percentile,
    cmap,
    normalize: normalization(option(args, 'normalize')),
    reduce: reduction(option(args, 'reduce')),
  };
}

/**
 * `lrp render --relevance R.npy [--input X.npy] [--cmap NAME] [--scale K] [--normalize sample|batch]
 * [--percentile P] [--reduce sum|mean|maxabs] [--outline] --out FILE.png`: renders every sample's map
 * into one PNG strip, input | heatmap pairs when the input is given (2-px black gaps, as render.py).
 */
export async function renderCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const out = required(args, 'out');
  if (!out.toLowerCase().endsWith('.png')) throw new LrpError('E_USAGE', `--out must name a .png file, got '${out}'`);
  const cmap = colormapOption(option(args, 'cmap'));
  const relevancePath = required(args, 'relevance');
  const inputPath = option(args, 'input');
  const inputs = await inputFiles([{ flag: '--relevance', path: relevancePath }, inputPath === undefined ? undefined : { flag: '--input', path: inputPath }]);
  await inputs.assertNotInput({ flag: '--out', path: out });
  const relevance = await readSampleTensor(relevancePath, '--relevance');
  const input = inputPath === undefined ? undefined : await readSampleTensor(inputPath, '--input');
  const strip = batchStrip(relevance, stripOptions(args, input, cmap));
  const { encodePng } = await loadPngCodec();
  await writeFileBytes(out, encodePng(strip));
  io.err(`wrote ${relevance.shape[0]} heatmap${relevance.shape[0] === 1 ? '' : 's'} of ${showShape(relevance.shape)} (${strip.width} × ${strip.height} px) to ${out}\n`);
  return 0;
}
