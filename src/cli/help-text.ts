import type { OptionSpec } from './args.js';
import type { CommandSpec } from './command-spec.js';

/** Width of `lrp <name>` padded so every command's synopsis starts in the same column. */
const NAME_WIDTH = 7;
const INDENT = ' '.repeat('lrp '.length + NAME_WIDTH + 1);

/** The synopsis of one command, `lrp explain --model M …`, continuation lines aligned under its options. */
export function commandSynopsis(spec: CommandSpec): string {
  return spec.synopsis.map((line, i) => (i === 0 ? `lrp ${spec.name.padEnd(NAME_WIDTH)} ${line}` : `${INDENT}${line}`)).join('\n');
}

/** The lines every command shares: help and version. */
export const GENERAL_SYNOPSIS = ['lrp help [COMMAND]     (or lrp COMMAND --help, lrp COMMAND -h)', 'lrp --version'];

/** The synopsis of every command and of help/version: the block `lrp help` prints and the README shows. */
export function synopsisBlock(specs: readonly CommandSpec[]): string {
  return [...specs.map(commandSynopsis), ...GENERAL_SYNOPSIS].join('\n') + '\n';
}

/** `--name ARG` as help shows it. */
function optionLabel(o: OptionSpec): string {
  return `--${o.name}${o.value ? ` ${o.arg ?? 'VALUE'}` : ''}${o.repeat ? ' (repeatable)' : ''}`;
}

/** `lrp <command> --help`: summary, synopsis, one line per option, notes. */
export function commandHelp(spec: CommandSpec): string {
  const labels = spec.options.map(optionLabel);
  const width = Math.min(32, Math.max(...labels.map((l) => l.length)));
  const rows = spec.options.map((o, i) => {
    const label = labels[i]!;
    return label.length > width ? `  ${label}\n  ${' '.repeat(width)}  ${o.help}` : `  ${label.padEnd(width)}  ${o.help}`;
  });
  const help = `  ${'--help, -h'.padEnd(width)}  print this help and exit`;
  return `lrp ${spec.name}: ${spec.summary}\n\nUsage:\n${commandSynopsis(spec)}\n\nOptions:\n${rows.join('\n')}\n${help}\n${spec.notes ? `\n${spec.notes}` : ''}`;
}

/** `lrp help` (and `lrp` alone): every command's synopsis and where to read more. */
export function overviewHelp(specs: readonly CommandSpec[], notes: string): string {
  const list = specs.map((s) => `  ${s.name.padEnd(NAME_WIDTH + 1)} ${s.summary}`).join('\n');
  return `lrp — Layer-wise Relevance Propagation\n\nCommands:\n${list}\n\nUsage:\n${synopsisBlock(specs)}\n${notes}`;
}
