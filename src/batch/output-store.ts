/**
 * Where `lrp batch` keeps its results under the output folder OUT (the shared store of every
 * shard and worker): per input `OUT/<file>.relevance.npy` and `OUT/<file>.heatmap.png`, its
 * `scores.csv` line in `OUT/.lrp-batch/rows/<key>.csv` (written last, so it marks the input done) or
 * its `errors.csv` line in `OUT/.lrp-batch/errors/<key>.csv`; `<key>` is a hash of the file's name.
 * Every file is written atomically, so a killed process leaves whole files or none.
 */
import { createHash } from 'node:crypto';
import { access, readdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LrpError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/** The folder (under OUT) of the per-input parts that `--merge` joins. */
export const PARTS_FOLDER = '.lrp-batch';

/** The output files of one input. */
export interface EntryOutputs {
  readonly relevance: string;
  readonly heatmap: string;
  /** Its scores.csv line (header, line): present once the input is done. */
  readonly row: string;
  /** Its errors.csv line (header, line), while it fails. */
  readonly error: string;
}

/** The key of an entry's part files: 16 hex digits of SHA-256 of its file name. */
export function entryKey(file: string): string {
  return createHash('sha256').update(file).digest('hex').slice(0, 16);
}

/**
 * The output paths of `file` (a path relative to the root, already checked by `relativeEntryPath`).
 * @throws LrpError `E_USAGE` when a path would leave OUT (a last line of defence).
 */
export function entryOutputs(out: string, file: string): EntryOutputs {
  const root = resolve(out);
  const base = resolve(root, file);
  const rel = relative(root, base);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new LrpError('E_USAGE', `'${file}' would be written outside the output folder`, out);
  }
  const key = entryKey(file);
  return {
    relevance: `${base}.relevance.npy`,
    heatmap: `${base}.heatmap.png`,
    row: join(root, PARTS_FOLDER, 'rows', `${key}.csv`),
    error: join(root, PARTS_FOLDER, 'errors', `${key}.csv`),
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Whether an input is done: its row, relevance and heatmap are all there (the row is written last). */
export async function isDone(o: EntryOutputs): Promise<boolean> {
  return (await exists(o.row)) && (await exists(o.relevance)) && (await exists(o.heatmap));
}

/** Records an input's scores line (after its outputs) and clears an error it had before. */
export async function recordRow(o: EntryOutputs, header: string, line: string): Promise<void> {
  await writeFileAtomic(o.row, `${header}\n${line}\n`);
  await rm(o.error, { force: true });
}

/** Records an input's failure (its errors.csv line). */
export async function recordError(o: Pick<EntryOutputs, 'error'>, header: string, line: string): Promise<void> {
  await writeFileAtomic(o.error, `${header}\n${line}\n`);
}

/** The error part path of an entry that has no outputs (its name escapes, so only its key is used). */
export function errorPartOf(out: string, file: string): string {
  return join(resolve(out), PARTS_FOLDER, 'errors', `${entryKey(file)}.csv`);
}

/** The `[header, line]` of every part file in `OUT/.lrp-batch/<kind>` (none when the folder is missing). */
export async function readParts(out: string, kind: 'rows' | 'errors'): Promise<[string, string][]> {
  const dir = join(resolve(out), PARTS_FOLDER, kind);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^[0-9a-f]{16}\.csv$/.test(n));
  } catch {
    return [];
  }
  const parts: [string, string][] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    const [header, line] = text.split('\n');
    if (header === undefined || line === undefined || line === '') throw new LrpError('E_FORMAT', 'a part file without its line', join(dir, name));
    parts.push([header, line]);
  }
  return parts;
}
