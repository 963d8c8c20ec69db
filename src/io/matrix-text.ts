import { LrpError } from '../errors.js';
import type { NdArray } from '../tensor.js';
import { dtypeOfArray } from './byte-reader.js';
import { decimalPrefixEnd, isBlankByte, parseDecimalPrefix } from './number-scanner.js';

/** The spellings of special values accepted in a field (compared in lower case). */
const SPECIAL: ReadonlyMap<string, number> = new Map([
  ['nan', NaN],
  ['+nan', NaN],
  ['-nan', NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-infinity', -Infinity],
]);

const HASH = 35;

/** True where a field ends at byte `c`: a blank or the `#` of a comment. */
function endsField(c: number): boolean {
  return isBlankByte(c) || c === HASH;
}

/**
 * Reads a toolbox `.txt` data matrix: whitespace-separated numbers, one sample per row, into a
 * float64 `[rows, cols]` array (C order). Blank lines and `#` comments are skipped (as NumPy's
 * `loadtxt` does); `nan`, `inf` and `-inf` are accepted. An empty file gives shape `[0, 0]`.
 * Numbers are read from the bytes by the byte-level decimal parser (no string per value),
 * bit-identical to `Number()` of each field.
 *
 * @param bytes the file, UTF-8 or ASCII
 * @param where file name for messages (default `txt`)
 * @throws LrpError `E_FORMAT` naming the line and column of a field that is not a number, or the
 * line of a row whose length differs from the first row's
 */
export function readMatrixText(bytes: Uint8Array, where = 'txt'): NdArray {
  let values = new Float64Array(1024);
  let n = 0;
  let cols = -1;
  let rows = 0;
  let lineNo = 0;
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    lineNo++;
    let count = 0;
    let i = start;
    for (;;) {
      while (i < end && isBlankByte(bytes[i]!)) i++;
      if (i >= end || bytes[i] === HASH) break;
      const t = i;
      let v = parseDecimalPrefix(bytes, t, end);
      i = decimalPrefixEnd();
      // biome-ignore lint/suspicious/noSelfCompare: the hot path's NaN test
      if (v !== v || (i < end && !endsField(bytes[i]!))) {
        while (i < end && !endsField(bytes[i]!)) i++;
        const field = new TextDecoder('utf-8').decode(bytes.subarray(t, i));
        const special = SPECIAL.get(field.toLowerCase());
        if (special === undefined) {
          const column = new TextDecoder('utf-8').decode(bytes.subarray(start, t)).length + 1;
          const shown = field.length > 24 ? `${field.slice(0, 24)}…` : field;
          throw new LrpError('E_FORMAT', `field ${count + 1} (column ${column}) is not a number: ${JSON.stringify(shown)}`, `${where}, line ${lineNo}`);
        }
        v = special;
      }
      if (n === values.length) {
        const grown = new Float64Array(2 * n);
        grown.set(values);
        values = grown;
      }
      values[n++] = v;
      count++;
    }
    start = end + 1;
    if (count === 0) continue;
    if (cols < 0) cols = count;
    else if (count !== cols) {
      throw new LrpError('E_FORMAT', `row has ${count} values but the rows before have ${cols}`, `${where}, line ${lineNo}`);
    }
    rows++;
  }
  return { dtype: 'float64', data: values.slice(0, n), shape: [rows, Math.max(cols, 0)] };
}

/** Formats one value so that parsing it gives the same number back. */
function formatValue(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** Bytes of text per chunk that {@link matrixTextChunks} aims at. */
const CHUNK_CHARS = 1 << 16;

/**
 * Writes an array as a toolbox `.txt` data matrix: one row per line, values separated by single
 * spaces, each written as the shortest decimal that reads back to the same double (full
 * precision). A 2-D array writes its rows; a 1-D array of n values writes n lines of one value
 * (like `numpy.savetxt`); a 0-D array one value; higher ranks write `shape[0]` rows of the
 * flattened remaining axes.
 *
 * @throws LrpError `E_SHAPE` if the data length is not the product of the shape, `E_INPUT` if the
 * data's array class does not match `dtype`
 */
export function writeMatrixText(a: NdArray): Uint8Array {
  return new TextEncoder().encode([...matrixTextChunks(a)].join(''));
}

/**
 * The text of {@link writeMatrixText} as a sequence of chunks of whole rows (about 64 KiB each),
 * so a large matrix can be streamed to a file without building one string. The array is checked
 * when this is called, before the first chunk.
 *
 * @throws LrpError as {@link writeMatrixText}
 */
export function matrixTextChunks(a: NdArray): Iterable<string> {
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (count !== a.data.length) throw new LrpError('E_SHAPE', `data has ${a.data.length} elements but shape [${a.shape.join(', ')}] needs ${count}`);
  if (dtypeOfArray(a.data) !== a.dtype) throw new LrpError('E_INPUT', `dtype is ${a.dtype} but data is a ${a.data.constructor.name}`);
  const rows = a.shape.length === 0 ? 1 : a.shape[0]!;
  const cols = rows === 0 ? 0 : count / rows;
  return (function* chunks(): Generator<string> {
    let lines: string[] = [];
    let size = 0;
    const fields: string[] = new Array<string>(cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) fields[j] = formatValue(a.data[i * cols + j]!);
      const line = `${fields.join(' ')}\n`;
      lines.push(line);
      size += line.length;
      if (size >= CHUNK_CHARS) {
        yield lines.join('');
        lines = [];
        size = 0;
      }
    }
    if (lines.length) yield lines.join('');
  })();
}
