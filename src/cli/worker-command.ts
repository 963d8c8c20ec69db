import { parseQueueUrl } from '../batch/queue/queue-url.js';
import { runWorker } from '../batch/queue/bullmq-worker.js';
import { type OptionSpec, integerOption, parseArgs, required } from './args.js';
import { settingsFromWords } from './batch-options.js';
import type { CommandSpec } from './command-spec.js';
import type { CliIo } from './context.js';

const specs: readonly OptionSpec[] = [
  { name: 'queue', value: true, arg: 'redis://HOST:PORT/NAME', help: 'the BullMQ queue `lrp batch --queue` fills' },
  { name: 'lock-ms', value: true, arg: 'MS', help: "a job's lock: a dead worker's job is retried by another this long after (default 30000)" },
  { name: 'concurrency', value: true, arg: 'N', help: 'jobs processed at once (default 1)' },
];

/** `lrp worker`: its synopsis and options. */
export const workerSpec: CommandSpec = {
  name: 'worker',
  summary: 'process the jobs of `lrp batch --queue` (any number of workers, on machines sharing the output folder)',
  synopsis: ['--queue redis://HOST:PORT/NAME [--lock-ms MS] [--concurrency N]'],
  options: specs,
};

/**
 * `lrp worker --queue URL`: runs until stopped by a signal, logging each job on stderr. The job in
 * hand when it stops (or dies) goes back to the queue once its lock expires (`--lock-ms`).
 */
export async function workerCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const address = parseQueueUrl(required(args, 'queue'));
  const lockMs = integerOption(args, 'lock-ms', 100, 3_600_000) ?? 30_000;
  const concurrency = integerOption(args, 'concurrency', 1, 256) ?? 1;
  const stop = new Promise<void>(() => undefined); // a signal ends the process (bin.ts removes temporary files)
  const jobs = await runWorker(address, { lockMs, concurrency, settingsOf: settingsFromWords, log: (line) => io.err(line), stop });
  io.err(`worker stopped after ${jobs} jobs\n`);
  return 0;
}
