/**
 * The demonstrator's file list: one `<path> [<class>]` per line, paths relative to a root (the
 * `--prepath`). Parsing is pure; an entry that could reach outside the root (an absolute path, `..`
 * beyond it, a NUL byte) is kept with the reason it is refused, so it fails alone, never the run.
 */
import { isAbsolute, normalize, posix, win32 } from 'node:path';

/** One line of a file list. */
export interface BatchEntry {
  /** The path as resolved under the root, with `/` separators (`cats/1.png`); the key of its outputs. */
  readonly file: string;
  /** The line it came from (1-based). */
  readonly line: number;
  /** The class to explain: a class number, `undefined` for the default (`--target`, else argmax). */
  readonly target?: number;
  /** Why the entry is refused (it then has no outputs, only a line in errors.csv). */
  readonly problem?: { readonly code: 'E_USAGE' | 'E_INPUT'; readonly message: string };
}

/** A parsed file list. */
export interface FileList {
  readonly entries: BatchEntry[];
  /** Lines naming a file an earlier line named (left out). */
  readonly duplicateLines: number[];
}

/** The toolbox's class codes: −1 the top class, −2 the top five summed, ≥ 0 that class. */
const TOP_CLASS = -1;
const TOP_FIVE = -2;

/**
 * A path relative to the root, or the reason it is refused: absolute paths (POSIX or Windows
 * style), paths whose `..` steps leave the root, and NUL bytes.
 */
export function relativeEntryPath(text: string): { readonly path: string } | { readonly problem: string } {
  if (text.includes('\0')) return { problem: 'the path holds a NUL byte' };
  if (isAbsolute(text) || posix.isAbsolute(text) || win32.isAbsolute(text) || /^[a-z]:/i.test(text)) {
    return { problem: `'${text}' is an absolute path; entries are relative to --prepath` };
  }
  const clean = posix.normalize(normalize(text).split('\\').join('/'));
  if (clean === '..' || clean.startsWith('../')) return { problem: `'${text}' leaves --prepath (through '..')` };
  if (clean === '.' || clean === '' || clean.endsWith('/')) return { problem: `'${text}' names a folder, not a file` };
  return { path: clean };
}

/** Splits a line into its path and class: the last word is the class when it is an integer. */
function splitLine(text: string): { readonly path: string; readonly classText?: string } {
  const m = /^(.*\S)\s+(-?\d+)$/.exec(text);
  return m ? { path: m[1]!, classText: m[2] } : { path: text };
}

/**
 * Parses a file list. Blank lines and lines starting with `#` are skipped; the class is optional
 * (`-1` and no class mean the default target). Bad entries (escaping paths, the toolbox's `-2`
 * top-five code) carry a {@link BatchEntry.problem}; a file listed again is left out (its outputs
 * exist once; the first line wins) and its line noted.
 */
export function parseFileList(text: string): FileList {
  const entries: BatchEntry[] = [];
  const duplicateLines: number[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const { path, classText } = splitLine(trimmed);
    const rel = relativeEntryPath(path);
    if ('problem' in rel) {
      entries.push({ file: path, line, problem: { code: 'E_USAGE', message: rel.problem } });
      continue;
    }
    const cls = classText === undefined ? TOP_CLASS : Number(classText);
    if (seen.has(rel.path)) {
      duplicateLines.push(line);
      continue;
    }
    seen.set(rel.path, line);
    if (cls === TOP_FIVE || cls < TOP_FIVE || !Number.isSafeInteger(cls)) {
      const why = cls === TOP_FIVE ? "class -2 (the toolbox's top five summed) is not supported; give a class or -1" : `class ${classText} is not a class number or -1`;
      entries.push({ file: rel.path, line, problem: { code: 'E_INPUT', message: why } });
      continue;
    }
    entries.push(cls === TOP_CLASS ? { file: rel.path, line } : { file: rel.path, line, target: cls });
  }
  return { entries, duplicateLines };
}
