import { LrpError } from '../errors.js';
import type { NdArray } from '../tensor.js';
import { dtypeOfArray } from './byte-reader.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** Parses one field: a decimal number, or nan / inf / infinity (any case, optional sign). */
function parseField(field: string): number | undefined {
  if (NUMBER.test(field)) return Number(field);
  return SPECIAL[field.toLowerCase()];
}

/**
 * Reads a toolbox `.txt` data matrix: whitespace-separated numbers, one sample per row, into a
 * float64 `[rows, cols]` array (C order). Blank lines and `#` comments are skipped (as NumPy's
 * `loadtxt` does); `nan`, `inf` and `-inf` are accepted. An empty file gives shape `[0, 0]`.
 *
 * @param bytes the file, UTF-8 or ASCII
 * @param where file name for messages (default `txt`)
 * @throws LrpError `E_FORMAT` naming the line and column of a field that is not a number, or the
 * line of a row whose length differs from the first row's
 */
export function readMatrixText(bytes: Uint8Array, where = 'txt'): NdArray {
  const text = new TextDecoder('utf-8').decode(bytes);
  const values: number[] = [];
  let cols = -1;
  let rows = 0;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    const fieldRe = /\S+/g;
    let count = 0;
    for (let m = fieldRe.exec(line); m; m = fieldRe.exec(line)) {
      const v = parseField(m[0]);
      if (v === undefined) {
        const shown = m[0].length > 24 ? `${m[0].slice(0, 24)}…` : m[0];
        throw new LrpError('E_FORMAT', `field ${count + 1} (column ${m.index + 1}) is not a number: ${JSON.stringify(shown)}`, `${where}, line ${lineNo}`);
      }
      values.push(v);
      count++;
    }
    if (count === 0) continue;
    if (cols < 0) cols = count;
    else if (count !== cols) {
      throw new LrpError('E_FORMAT', `row has ${count} values but the rows before have ${cols}`, `${where}, line ${lineNo}`);
    }
    rows++;
  }
  return { dtype: 'float64', data: Float64Array.from(values), shape: [rows, Math.max(cols, 0)] };
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
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (count !== a.data.length) throw new LrpError('E_SHAPE', `data has ${a.data.length} elements but shape [${a.shape.join(', ')}] needs ${count}`);
  if (dtypeOfArray(a.data) !== a.dtype) throw new LrpError('E_INPUT', `dtype is ${a.dtype} but data is a ${a.data.constructor.name}`);
  const rows = a.shape.length === 0 ? 1 : a.shape.length === 1 ? a.shape[0]! : a.shape[0]!;
  const cols = rows === 0 ? 0 : count / rows;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const fields: string[] = new Array<string>(cols);
    for (let j = 0; j < cols; j++) fields[j] = formatValue(a.data[i * cols + j]!);
    lines.push(fields.join(' '));
  }
  return new TextEncoder().encode(lines.length ? `${lines.join('\n')}\n` : '');
}
