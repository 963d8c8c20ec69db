import type { UserConsoleLog } from 'vitest';
import type { Reporter } from 'vitest/node';

/** One `[lrpjs] N tests skipped ...` notice printed by `describeWith` / `itWith` (requirements.ts). */
interface SkipNotice {
  readonly count: number;
  readonly text: string;
}

const NOTICE = /^\[lrpjs\] (\d+) tests? skipped .*$/gm;

/**
 * A vitest reporter that repeats, after the run's summary, every skip notice of the suites whose
 * requirements were absent (toolbox fixtures, Chromium, Deno, dist/) and their total, so a run that
 * skipped something says so at its end rather than only somewhere in the middle of its output.
 */
export default class SkipSummaryReporter implements Reporter {
  private readonly notices: SkipNotice[] = [];

  onUserConsoleLog(log: UserConsoleLog): void {
    for (const m of log.content.matchAll(NOTICE)) this.notices.push({ count: Number(m[1]), text: m[0] });
  }

  onTestRunEnd(): void {
    if (this.notices.length === 0) return;
    const total = this.notices.reduce((n, s) => n + s.count, 0);
    const lines = [...new Set(this.notices.map((s) => s.text))].sort();
    process.stdout.write(`\n[lrpjs] ${total} tests skipped because something they need is absent:\n${lines.map((l) => `  ${l.replace(/^\[lrpjs\] /, '')}`).join('\n')}\n`);
  }
}
