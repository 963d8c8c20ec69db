/** The demo's printed report: predictions per model and the files written. */
import type { DemoData } from './demo-data.js';
import type { DemoPrediction, DemoResult } from './run-demo.js';

const pad = (v: string | number, n: number) => String(v).padEnd(n);

/** A table of one model's predictions: digit, true label, predicted class, logit, probability. */
export function formatPredictions(rows: readonly DemoPrediction[]): string {
  const lines = [`  ${pad('digit', 7)}${pad('label', 7)}${pad('predicted', 11)}${pad('logit', 10)}p(softmax)`];
  for (const r of rows) {
    const mark = r.label === undefined || r.label === r.predicted ? '' : '  <- wrong';
    lines.push(`  ${pad(r.index, 7)}${pad(r.label ?? '?', 7)}${pad(r.predicted, 11)}${pad(r.logit.toFixed(3), 10)}${r.probability.toFixed(4)}${mark}`);
  }
  return lines.join('\n');
}

/**
 * The whole report: per model its accuracy line and prediction table, then each written file
 * (`files[i]` the path of `result.images[i]`) with its method.
 */
export function formatReport(data: DemoData, result: DemoResult, files: readonly string[], outDir: string): string {
  const n = data.digits.shape[0]!;
  const parts = [`lrp demo: explaining ${n} held-out digit${n === 1 ? '' : 's'} (backend ${result.backend})`];
  for (const { name, file } of data.models) {
    const rows = result.predictions.get(name) ?? [];
    const known = rows.filter((r) => r.label !== undefined);
    const correct = known.filter((r) => r.label === r.predicted).length;
    parts.push('', `${name} (${file})${known.length ? `: ${correct}/${known.length} correct` : ''}`, formatPredictions(rows));
  }
  parts.push('', `wrote ${files.length} PNG strips to ${outDir} (each: input | heatmap for every digit, jet: red +, blue -):`);
  const width = Math.max(...files.map((f) => f.length));
  result.images.forEach((img, i) => parts.push(`  ${pad(files[i] ?? img.file, width + 2)}${img.model}: ${img.method.title}`));
  return parts.join('\n') + '\n';
}
