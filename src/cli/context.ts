/** Where a CLI command writes: stdout for results, stderr for progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress lines are redrawn there). */
  readonly errIsTty: boolean;
}

/** Reports progress of long runs on stderr: redrawn on a terminal, every ~10 % otherwise. */
export function progressReporter(io: CliIo, label: string, total: number, enabled: boolean): (done: number) => void {
  let lastTenth = -1;
  return (done) => {
    if (!enabled) return;
    if (io.errIsTty) {
      io.err(`\r${label}: ${done}/${total}${done === total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== lastTenth || done === total) {
      lastTenth = tenth;
      io.err(`${label}: ${done}/${total}\n`);
    }
  };
}

/**
 * Thrown by {@link CliIo.out} once the reader of stdout has gone (`lrp … | head`): the command
 * stops, and `main` ends quietly with status 0.
 */
export class OutputClosedError extends Error {
  constructor() {
    super('stdout closed');
    this.name = 'OutputClosedError';
  }
}
