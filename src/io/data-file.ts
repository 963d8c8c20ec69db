import { LrpError } from '../errors.js';
import type { NdArray } from '../tensor.js';
import { readMat, writeMat } from './mat.js';
import { readMatrixText, writeMatrixText } from './matrix-text.js';
import { readNpy, writeNpy } from './npy.js';

/** Data file formats lrpjs reads and writes, by file extension. */
export type DataFormat = 'npy' | 'mat' | 'txt';

/** Options of {@link writeDataFile}. */
export interface WriteDataFileOptions {
  /** For `.mat`: zlib-compress the variable (default `true`, like the toolbox's data files). */
  compress?: boolean;
}

/** The data format named by a file's extension (case-insensitive). */
export function dataFormatOf(fileName: string): DataFormat {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName);
  const ext = m?.[1]?.toLowerCase();
  if (ext === 'npy' || ext === 'mat' || ext === 'txt') return ext;
  throw new LrpError('E_FORMAT', `unknown data file extension ${ext ? `'.${ext}'` : '(none)'}; expected .npy, .mat or .txt`, fileName);
}

/**
 * Reads a data array from the bytes of a `.npy`, `.mat` or `.txt` file, chosen by the extension
 * of `fileName` (also used in error messages). A `.mat` file gives its variable `data` (the
 * toolbox's name), or its only numeric variable.
 *
 * @throws LrpError `E_FORMAT` for an unknown extension, a `.mat` file without `data` and with
 * several variables, or any malformed file
 */
export function readDataFile(bytes: Uint8Array, fileName: string): NdArray {
  const format = dataFormatOf(fileName);
  if (format === 'npy') return readNpy(bytes, fileName);
  if (format === 'txt') return readMatrixText(bytes, fileName);
  const vars = readMat(bytes, fileName);
  const data = vars.get('data');
  if (data) return data;
  if (vars.size === 1) return [...vars.values()][0]!;
  const names = [...vars.keys()].map((n) => `'${n}'`).join(', ');
  throw new LrpError('E_FORMAT', `no variable 'data' and ${vars.size ? `several variables (${names})` : 'no variables'}; cannot tell which to read`, fileName);
}

/**
 * Writes an array as a `.npy`, `.mat` (variable `data`) or `.txt` file, chosen by the extension
 * of `fileName`. `.txt` holds rows of full-precision decimals; `.npy` and `.mat` keep the dtype.
 *
 * @throws LrpError `E_FORMAT` for an unknown extension; the writers' errors otherwise
 */
export function writeDataFile(a: NdArray, fileName: string, options: WriteDataFileOptions = {}): Uint8Array {
  const format = dataFormatOf(fileName);
  if (format === 'npy') return writeNpy(a);
  if (format === 'txt') return writeMatrixText(a);
  return writeMat({ data: a }, { compress: options.compress ?? true });
}
