import { LrpError } from '../errors.js';
import { asksForHelp } from './args.js';
import type { Command } from './command-spec.js';
import { commandSpecs, commands } from './commands.js';
import { type CliIo, OutputClosedError } from './context.js';
import { commandHelp, overviewHelp } from './help-text.js';
import { inFlagTerms } from './library-names.js';
import { packageVersion } from './package-version.js';

/** The closing lines of `lrp help`. */
const OVERVIEW_NOTES = 'Run `lrp COMMAND --help` for what each option does, the rule SPECs and the architecture SPECs.\n';

/** The command named `name`, or an `E_USAGE` error listing the commands. */
function commandNamed(name: string, where?: string): Command {
  const command = commands.find((c) => c.spec.name === name);
  if (!command) throw new LrpError('E_USAGE', `unknown command '${name}' (commands: ${commandSpecs.map((s) => s.name).join(', ')})`, where);
  return command;
}

/** `lrp help [COMMAND]`: the overview, or one command's help. */
function help(rest: readonly string[], io: CliIo): number {
  if (rest.length > 1) throw new LrpError('E_USAGE', `takes at most one command, got ${rest.length} words`, 'help');
  io.out(rest.length === 0 ? overviewHelp(commandSpecs, OVERVIEW_NOTES) : commandHelp(commandNamed(rest[0]!, 'help').spec));
  return 0;
}

/**
 * Runs the `lrp` command line. Returns the exit status: 0 on success (also for `--help`, `help` and
 * `--version`, and when stdout's reader went away, `lrp … | head`), 2 for bad usage or input (one
 * line `lrp: E_CODE where: message` on stderr, never a stack trace), 1 for an internal failure.
 * `lrp` alone prints the overview and exits 2.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.out(overviewHelp(commandSpecs, OVERVIEW_NOTES));
      return 2;
    }
    if (name === 'help' || name === '--help' || name === '-h') return help(name === 'help' ? rest : [], io);
    if (name === '--version' || name === '-V' || name === 'version') {
      io.out(`${packageVersion()}\n`);
      return 0;
    }
    const command = commandNamed(name);
    if (asksForHelp(rest, command.spec.options)) {
      io.out(commandHelp(command.spec));
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof OutputClosedError) return 0;
    if (e instanceof LrpError) {
      const cli = inFlagTerms(e);
      io.err(`lrp: ${cli.code} ${cli.message}\n`);
      return 2;
    }
    io.err(`lrp: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.LRP_DEBUG) io.err(`${(e as Error)?.stack}\n`);
    return 1;
  }
}
