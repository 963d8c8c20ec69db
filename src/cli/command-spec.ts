import type { OptionSpec } from './args.js';
import type { CliIo } from './context.js';

/**
 * One `lrp` command: its name, a one-line summary, its synopsis and the option table its parser
 * reads. `lrp <name> --help`, `lrp help` and the README's synopsis are generated from these, so
 * they cannot drift from what the parser accepts.
 */
export interface CommandSpec {
  /** The command word: `explain`. */
  readonly name: string;
  /** One line saying what it does. */
  readonly summary: string;
  /**
   * The synopsis after `lrp <name>`, one string per line (grouped by hand, e.g. `(--model INIT.txt
   * | --arch SPEC)`); it names every option of {@link options} and no other (tested).
   */
  readonly synopsis: readonly string[];
  /** Every option the command's parser accepts, in the order `--help` lists them. */
  readonly options: readonly OptionSpec[];
  /** Extra help after the option table (value syntaxes), or none. */
  readonly notes?: string;
}

/** A command's spec and what runs it. */
export interface Command {
  readonly spec: CommandSpec;
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}
