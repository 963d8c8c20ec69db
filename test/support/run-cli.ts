import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { projectRoot } from '../fixtures.js';

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in-process, capturing its streams. */
export async function runCli(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTty: false });
  return { code, out, err };
}

/** The built `lrp` binary (`npm run build`). */
export const cliBinary = join(projectRoot, 'dist', 'cli.js');

/** Whether the built binary exists (suites that spawn it skip otherwise). */
export const cliBuilt = existsSync(cliBinary);

/** Starts the built binary with piped streams. */
export function spawnCli(argv: readonly string[], cwd?: string): ChildProcess {
  return spawn(process.execPath, [cliBinary, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for a child to end; resolves its exit code and signal and everything it wrote to stderr. */
export function ended(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, err })));
}
