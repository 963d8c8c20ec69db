import { unlinkSync } from 'node:fs';
import { pendingTemporaryFiles } from '../io/atomic-write.js';
import { type CliIo, OutputClosedError } from './context.js';

/**
 * The CLI's streams on the real process. When stdout's reader goes away (`lrp … | head`, EPIPE) the
 * stream's error is absorbed (no stack trace) and the next {@link CliIo.out} throws
 * {@link OutputClosedError}, which ends the command quietly. A closed stderr is ignored.
 */
export function processIo(): CliIo {
  let closed = false;
  process.stdout.on('error', () => {
    closed = true;
  });
  process.stderr.on('error', () => undefined);
  return {
    out: (text) => {
      if (closed || process.stdout.destroyed) throw new OutputClosedError();
      process.stdout.write(text);
    },
    err: (text) => {
      if (!process.stderr.destroyed) process.stderr.write(text);
    },
    errIsTty: Boolean(process.stderr.isTTY),
  };
}

const SIGNALS = [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const;

/**
 * On SIGINT, SIGTERM or SIGHUP, removes the temporary files of writes in progress (the targets keep
 * their previous content) and exits with the conventional status 128 + signal number.
 */
export function removeTemporaryFilesOnSignals(): void {
  for (const [signal, number] of SIGNALS) {
    process.on(signal, () => {
      for (const temp of pendingTemporaryFiles()) {
        try {
          unlinkSync(temp);
        } catch {
          // already renamed or removed
        }
      }
      process.exit(128 + number);
    });
  }
}
