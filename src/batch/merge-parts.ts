/**
 * `lrp batch --merge OUT`: joins the per-input parts every shard and worker left under OUT into
 * `OUT/scores.csv` and `OUT/errors.csv`, sorted by file, so the result does not depend on who
 * explained what or in which order.
 */
import { join } from 'node:path';
import { LrpError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readParts } from './output-store.js';
import { ERRORS_HEADER, firstField } from './score-rows.js';

/** What a merge wrote. */
export interface MergeSummary {
  readonly scores: number;
  readonly errors: number;
}

function byFile(a: string, b: string): number {
  const [fa, fb] = [firstField(a), firstField(b)];
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

/**
 * Writes `OUT/scores.csv` (one line per input done) and `OUT/errors.csv` (one per input failing and
 * not done since), both atomically, sorted by file.
 * @throws LrpError `E_FORMAT` when parts come from runs with different columns (another top-k).
 */
export async function mergeParts(out: string): Promise<MergeSummary> {
  const rows = await readParts(out, 'rows');
  const headers = new Set(rows.map(([h]) => h));
  if (headers.size > 1) throw new LrpError('E_FORMAT', `the parts have different columns (${[...headers].join(' | ')}): runs with different --top-k share this folder`, out);
  const done = new Set(rows.map(([, line]) => firstField(line)));
  const errors = (await readParts(out, 'errors')).filter(([, line]) => !done.has(firstField(line)));
  const header = [...headers][0] ?? 'file,explained_class,relevance_sum';
  await writeFileAtomic(join(out, 'scores.csv'), [header, ...rows.map(([, l]) => l).sort(byFile), ''].join('\n'));
  await writeFileAtomic(join(out, 'errors.csv'), [ERRORS_HEADER, ...errors.map(([, l]) => l).sort(byFile), ''].join('\n'));
  return { scores: rows.length, errors: errors.length };
}
