import { dirname, resolve } from 'node:path';
import { type BatchCounts, createBatchRunner } from '../batch/batch-runner.js';
import { parseFileList } from '../batch/file-list.js';
import { mergeParts } from '../batch/merge-parts.js';
import { enqueueChunks, openQueue, queueStatus, waitForJobs } from '../batch/queue/bullmq-jobs.js';
import { parseQueueUrl, showQueue } from '../batch/queue/queue-url.js';
import { parseShard, takeShard } from '../batch/shard.js';
import { LrpError } from '../errors.js';
import { readFileBytes } from '../io/file-system.js';
import { type OptionSpec, flag, integerOption, option, parseArgs, required } from './args.js';
import { batchSettingsFrom, longFlags, settingsFromWords, withConfig, workArgv, workSpecs } from './batch-options.js';
import type { CommandSpec } from './command-spec.js';
import { type CliIo, progressReporter } from './context.js';
import { ruleOptionNotes } from './rule-options.js';

const specs: readonly OptionSpec[] = [
  { name: 'files', value: true, arg: 'LIST', help: 'the file list (-f): one `PATH [CLASS]` per line, PNG/JPEG images or one-sample .npy files; CLASS -1 = --target' },
  { name: 'config', value: true, arg: 'CONFIG', help: "the toolbox demonstrator's config file (-c): its keys set these options (the command line wins)" },
  ...workSpecs,
  { name: 'shard', value: true, arg: 'I/N', help: 'take the deterministic I-th of N parts of the list (by a hash of each path); merge with --merge' },
  { name: 'merge', value: true, arg: 'OUT', help: "join the parts that runs, shards and workers left in OUT into OUT/scores.csv and OUT/errors.csv" },
  { name: 'queue', value: true, arg: 'redis://HOST:PORT/NAME', help: 'enqueue the list as BullMQ jobs for `lrp worker`s instead of explaining here (with --status: show the queue)' },
  { name: 'chunk-size', value: true, arg: 'N', help: 'inputs per queue job (default 64)' },
  { name: 'detach', value: false, help: 'with --queue: return once enqueued (default: wait for the jobs, then merge)' },
  { name: 'status', value: false, help: "with --queue: print the queue's job counts, running jobs and failures" },
  { name: 'progress', value: false, help: 'report progress on stderr (default: only on a terminal)' },
];

/** `lrp batch`: its synopsis and options. */
export const batchSpec: CommandSpec = {
  name: 'batch',
  summary: 'explain a list of images or samples into a folder (restartable, shardable, or queued on BullMQ)',
  synopsis: [
    '--model M --files LIST --out DIR [--prepath DIR] [--config CONFIG]',
    '[--target argmax|CLASS] [--keep-softmax] [--relevance-at I]',
    '[--rule SPEC] [--layer-rule I:SPEC]... [--composite NAME [--gamma G] [--low L --high H]]',
    '[--formula CODE [--beta B] [--aux-layer I]] [--epsilon E] [--compat zennit]',
    '[--method NAME [--steps N] [--baseline V] [--samples N] [--noise S] [--seed S]]',
    '[--backend js|wasm|tfjs|gpu|auto] [--batch-size N] [--workers N|auto] [--max-memory BYTES] [--max-cost N]',
    '[--dtype f32|f64]',
    '[--input-size HxW] [--pixel-range LO,HI] [--means M1,M2,M3 | --mean-file MEAN.npy]',
    '[--cmap NAME] [--top-k K] [--no-resume] [--shard I/N] [--progress]',
    '[--queue redis://HOST:PORT/NAME [--chunk-size N] [--detach]]',
    '| --merge OUT   | --status --queue redis://HOST:PORT/NAME',
  ],
  options: specs,
  notes: `-c CONFIG, -f LIST and -p DIR are the demonstrator's spellings of --config, --files and --prepath.\n${ruleOptionNotes}`,
};

/** Refuses options that do not go with the mode (`--merge`, `--status`). */
function onlyWith(args: ReturnType<typeof parseArgs>, mode: string, allowed: readonly string[]): void {
  for (const name of args.options.keys()) {
    if (name !== mode && !allowed.includes(name)) throw new LrpError('E_USAGE', `does not go with --${mode}`, `--${name}`);
  }
}

/**
 * `lrp batch`: explains every input of a file list into OUT (see {@link batchSpec}); `--shard I/N`
 * takes a deterministic part, `--queue` hands the list to `lrp worker`s, `--merge OUT` joins the
 * parts into scores.csv and errors.csv, `--status --queue` shows a queue.
 */
export async function batchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const first = parseArgs(longFlags(argv, specs), specs);
  if (first.options.has('merge')) {
    onlyWith(first, 'merge', []);
    const out = required(first, 'merge');
    const m = await mergeParts(out);
    io.err(`merged ${m.scores} inputs into ${resolve(out, 'scores.csv')}, ${m.errors} failures into ${resolve(out, 'errors.csv')}\n`);
    return 0;
  }
  if (flag(first, 'status')) {
    onlyWith(first, 'status', ['queue']);
    const queue = await openQueue(parseQueueUrl(required(first, 'queue')));
    try {
      io.out(await queueStatus(queue));
    } finally {
      await queue.close();
    }
    return 0;
  }
  const args = parseArgs(await withConfig(longFlags(argv, specs), option(first, 'config')), specs);
  const listPath = required(args, 'files');
  const out = required(args, 'out');
  const shardText = option(args, 'shard');
  const queueText = option(args, 'queue');
  const chunk = integerOption(args, 'chunk-size', 1, 100000) ?? 64;
  if (queueText === undefined) for (const name of ['chunk-size', 'detach']) if (args.options.has(name)) throw new LrpError('E_USAGE', 'only applies with --queue', `--${name}`);
  const listFolder = dirname(resolve(listPath));
  const settings = batchSettingsFrom(args, listFolder);
  const list = parseFileList(new TextDecoder().decode(await readFileBytes(listPath)));
  if (list.duplicateLines.length > 0) io.err(`${listPath}: ${list.duplicateLines.length} lines name a file listed before (lines ${list.duplicateLines.slice(0, 5).join(', ')}${list.duplicateLines.length > 5 ? ', ...' : ''}); the first line counts\n`);
  let entries = list.entries;
  if (shardText !== undefined) entries = takeShard(entries, parseShard(shardText));
  const report = progressReporter(io, 'batch', entries.length, flag(args, 'progress') || io.errIsTty);
  if (queueText !== undefined) {
    const address = parseQueueUrl(queueText);
    const words = workArgv(args);
    if (!args.options.has('prepath')) words.push('--prepath', listFolder);
    settingsFromWords(words); // what the workers will parse: refuse here what they would refuse
    const queue = await openQueue(address);
    try {
      const ids = await enqueueChunks(queue, words, entries, chunk);
      io.err(`enqueued ${entries.length} inputs as ${ids.length} jobs on ${showQueue(address)}\n`);
      if (flag(args, 'detach')) return 0;
      const outcome = await waitForJobs(queue, ids, 500, (ended) => report(Math.min(entries.length, ended * chunk)));
      const m = await mergeParts(out);
      io.err(`${outcome.completed} jobs completed, ${outcome.failed.length} failed; ${m.scores} inputs in ${resolve(out, 'scores.csv')}, ${m.errors} in errors.csv\n`);
      if (outcome.failed.length > 0) {
        throw new LrpError('E_WORKER', `${outcome.failed.length} of ${ids.length} jobs failed, e.g. job ${outcome.failed[0]!.id}: ${outcome.failed[0]!.reason}`, showQueue(address));
      }
    } finally {
      await queue.close();
    }
    return 0;
  }
  const runner = await createBatchRunner(settings);
  let counts: BatchCounts;
  try {
    counts = await runner.run(entries, report);
  } finally {
    await runner.dispose();
  }
  io.err(`batch: ${entries.length} inputs: ${counts.explained} explained, ${counts.skipped} done before, ${counts.failed} failed\n`);
  if (shardText !== undefined) {
    io.err(`shard ${shardText} done; once every shard is, join the parts with: lrp batch --merge ${out}\n`);
    return 0;
  }
  const m = await mergeParts(out);
  io.err(`wrote ${resolve(out, 'scores.csv')} (${m.scores} inputs) and errors.csv (${m.errors})\n`);
  return 0;
}
