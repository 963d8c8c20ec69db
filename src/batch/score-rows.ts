/**
 * The lines of `scores.csv` and `errors.csv` (RFC 4180 CSV, numbers in JavaScript's shortest
 * round-trip form). Pure.
 */

/** The columns of `scores.csv` for top-`k` classes. */
export function scoresHeader(k: number): string {
  const top = Array.from({ length: k }, (_, i) => `class_${i + 1},score_${i + 1}`);
  return ['file', ...top, 'explained_class', 'relevance_sum'].join(',');
}

/** The columns of `errors.csv`. */
export const ERRORS_HEADER = 'file,line,code,message';

/** A CSV field: quoted when it holds a comma, a quote, a line break or leading/trailing space. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The `k` largest outputs (ties to the lower class), as `[class, score]` pairs, highest first. */
export function topClasses(scores: ArrayLike<number>, k: number): [number, number][] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, Math.min(k, scores.length)).map((c) => [c, scores[c]!]);
}

/** One line of `scores.csv` (no line break). */
export function scoresRow(file: string, top: readonly (readonly [number, number])[], explained: number | null, relevanceSum: number): string {
  return [csvField(file), ...top.flatMap(([c, s]) => [String(c), String(s)]), explained === null ? '' : String(explained), String(relevanceSum)].join(',');
}

/** One line of `errors.csv` (no line break): the file, its list line, the error code and message. */
export function errorsRow(file: string, line: number, code: string, message: string): string {
  return [csvField(file), String(line), code, csvField(message.replace(/\r?\n/g, ' '))].join(',');
}

/** The first field of a CSV line (the file), unquoted. */
export function firstField(line: string): string {
  if (!line.startsWith('"')) return line.slice(0, line.indexOf(',') < 0 ? undefined : line.indexOf(','));
  let out = '';
  for (let i = 1; i < line.length; i++) {
    if (line[i] === '"') {
      if (line[i + 1] === '"') {
        out += '"';
        i++;
      } else return out;
    } else out += line[i];
  }
  return out;
}
