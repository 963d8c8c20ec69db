import { loadDemoData } from '../demo/demo-data.js';
import { findModelsDir } from '../demo/models-dir.js';
import { formatReport } from '../demo/report.js';
import { runDemo } from '../demo/run-demo.js';
import { writeFileBytes } from '../io/file-system.js';
import { filesIn, inputFiles } from './output-guard.js';
import { loadPngCodec } from './render-command.js';
import { type OptionSpec, integerOption, option, parseArgs } from './args.js';
import { backendFrom, backendOptionSpec } from './backend-option.js';
import type { CommandSpec } from './command-spec.js';
import type { CliIo } from './context.js';

const specs: readonly OptionSpec[] = [
  { name: 'out', value: true, arg: 'DIR', help: 'the folder for the PNG strips (default ./lrp-demo)' },
  { name: 'count', value: true, arg: 'N', help: 'how many held-out digits to explain (default 10)' },
  backendOptionSpec,
  { name: 'models', value: true, arg: 'DIR', help: "the folder of the demo's models and digits (default: the package's models/)" },
];

/** `lrp demo`: its synopsis and options. */
export const demoSpec: CommandSpec = {
  name: 'demo',
  summary: 'explain held-out digits with the shipped models and write heatmaps',
  synopsis: ['[--out DIR] [--count N] [--backend js|wasm|tfjs|gpu|auto] [--models DIR]'],
  options: specs,
};

/** Default output folder of `lrp demo`, relative to the working directory. */
export const DEFAULT_DEMO_DIR = 'lrp-demo';

/**
 * `lrp demo [--out DIR] [--count N] [--backend B] [--models DIR]`: explains held-out digits with
 * the shipped models under several rules, writes input | heatmap PNG strips to `DIR` (default
 * `./lrp-demo/`) and prints the predictions and the files written.
 */
export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const count = integerOption(args, 'count', 1) ?? 10;
  const backend = backendFrom(args);
  const { join, resolve } = await import('node:path');
  const modelsDir = option(args, 'models') ?? (await findModelsDir());
  const inputs = await inputFiles(await filesIn(modelsDir, '--models'));
  const data = await loadDemoData(modelsDir, count);
  const result = await runDemo(data, { backend });
  const outDir = option(args, 'out') ?? DEFAULT_DEMO_DIR;
  const files: string[] = [];
  const { encodePng } = await loadPngCodec();
  for (const img of result.images) await inputs.assertNotInput({ flag: '--out', path: join(outDir, img.file) });
  for (const img of result.images) {
    const path = join(outDir, img.file);
    await writeFileBytes(path, encodePng(img.image));
    files.push(path);
  }
  io.out(formatReport(data, result, files, resolve(outDir)));
  return 0;
}
