import { LrpError } from '../errors.js';
import { type OptionSpec, type ParsedArgs, flag, integerOption, option } from './args.js';
import type { CliIo } from './context.js';
import type { ProgressMode } from './progress-bar.js';

/** Samples per chunk when `--batch-size` is not given. */
export const DEFAULT_BATCH_SIZE = 256;

/** `--batch-size`, shared by the commands that run a model over many samples (explain, forward). */
export const batchSizeOptionSpec: OptionSpec = { name: 'batch-size', value: true, arg: 'N', help: `samples per chunk (default ${DEFAULT_BATCH_SIZE}): the unit of reading, of work per worker and of writing` };

/** `--workers`, `--progress` and `--quiet`. */
export const workerOptionSpecs: readonly OptionSpec[] = [
  { name: 'workers', value: true, arg: 'N|auto', help: 'worker threads (default auto: the cores available; 0 or 1 chunk: in-thread)' },
  { name: 'progress', value: false, help: 'report progress on stderr: a bar on a terminal, plain lines otherwise (default: on a terminal, for runs of several chunks)' },
  { name: 'quiet', value: false, help: 'no progress and no summary on stderr' },
];

/** The `--batch-size` (default {@link DEFAULT_BATCH_SIZE}). */
export function batchSizeFrom(args: ParsedArgs): number {
  return integerOption(args, 'batch-size', 1) ?? DEFAULT_BATCH_SIZE;
}

/** The `--workers` count: `auto` (default) or a whole number ≥ 0. */
export function workersFrom(args: ParsedArgs): number | 'auto' {
  const text = option(args, 'workers');
  if (text === undefined || text === 'auto') return 'auto';
  if (!/^\d+$/.test(text)) throw new LrpError('E_USAGE', `must be auto or a whole number >= 0, got '${text}'`, '--workers');
  return Number(text);
}

/** How progress is shown: `--quiet` none, `--progress` always, else a bar on a terminal for runs of several chunks. */
export function progressModeFrom(args: ParsedArgs, io: CliIo, samples: number, chunk: number): ProgressMode {
  if (flag(args, 'quiet')) {
    if (flag(args, 'progress')) throw new LrpError('E_USAGE', '--progress and --quiet contradict each other; give one', '--progress/--quiet');
    return 'off';
  }
  if (flag(args, 'progress')) return io.errIsTty ? 'bar' : 'lines';
  return io.errIsTty && samples > chunk ? 'bar' : 'off';
}
