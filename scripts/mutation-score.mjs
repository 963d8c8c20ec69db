#!/usr/bin/env node
// Prints the mutation score of each folder that `npm run test:mutation` covers, from Stryker's JSON
// report (reports/mutation/mutation.json), and exits 1 when any is under the target (85 %).
// Score = (killed + timed out) / (all mutants − ignored − compile errors), Stryker's own definition:
// a mutant no test covers counts as survived.
// Usage: node scripts/mutation-score.mjs [report.json] [--min 85]
import { readFileSync } from 'node:fs';

const FOLDERS = ['src/engine', 'src/rules', 'src/backends/js', 'src/io/pickle*', 'src/io/npy.ts', 'src/model'];

const args = process.argv.slice(2);
const minAt = args.indexOf('--min');
const min = minAt >= 0 ? Number(args.splice(minAt, 2)[1]) : 85;
const reportPath = args[0] ?? 'reports/mutation/mutation.json';

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (e) {
  console.error(`mutation-score: cannot read ${reportPath}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

/** Whether a report file path (forward slashes) belongs to a folder pattern of FOLDERS. */
function inFolder(file, folder) {
  if (folder.endsWith('*')) return file.startsWith(folder.slice(0, -1));
  if (folder.endsWith('.ts')) return file === folder;
  return file.startsWith(`${folder}/`);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNCOUNTED = new Set(['Ignored', 'CompileError', 'RuntimeError']);
const rows = FOLDERS.map((folder) => {
  const row = { folder, killed: 0, timeout: 0, survived: 0, noCoverage: 0, valid: 0 };
  for (const [file, entry] of Object.entries(report.files)) {
    if (!inFolder(file.replaceAll('\\', '/'), folder)) continue;
    for (const m of entry.mutants) {
      if (UNCOUNTED.has(m.status)) continue;
      row.valid++;
      if (m.status === 'Killed') row.killed++;
      else if (m.status === 'Timeout') row.timeout++;
      else if (m.status === 'NoCoverage') row.noCoverage++;
      else if (!DETECTED.has(m.status)) row.survived++;
    }
  }
  row.score = row.valid === 0 ? NaN : (100 * (row.killed + row.timeout)) / row.valid;
  return row;
});

const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad('folder', 18)}${pad('score', 9)}${pad('killed', 8)}${pad('timeout', 9)}${pad('survived', 10)}${pad('no cov', 8)}mutants`);
let failed = false;
for (const r of rows) {
  const ok = r.score >= min;
  if (!ok) failed = true;
  const score = Number.isNaN(r.score) ? 'n/a' : `${r.score.toFixed(2)} %`;
  console.log(`${pad(r.folder, 18)}${pad(score, 9)}${pad(r.killed, 8)}${pad(r.timeout, 9)}${pad(r.survived, 10)}${pad(r.noCoverage, 8)}${r.valid}${ok ? '' : `  < ${min} %`}`);
}
if (failed) {
  console.error(`mutation-score: a folder is under ${min} % killed`);
  process.exit(1);
}
