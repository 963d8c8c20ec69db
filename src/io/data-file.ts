import { dataFormatOf } from './data-format.js';
import type { NdArray } from '../tensor.js';
import { type ReadMatOptions, readMatData, writeMat } from './mat.js';
import { readMatrixText, writeMatrixText } from './matrix-text.js';
import { type ReadNpyOptions, readNpy, writeNpy } from './npy.js';

export { type DataFormat, dataFormatOf } from './data-format.js';

/** Options of {@link writeDataFile}. */
export interface WriteDataFileOptions {
  /** For `.mat`: zlib-compress the variable (default `true`, like the toolbox's data files). */
  compress?: boolean;
}

/** Options of {@link readDataFile}: the `.mat` inflate budget and the `.npy` header cap. */
export interface ReadDataFileOptions extends ReadMatOptions, ReadNpyOptions {}

/**
 * Reads a data array from the bytes of a `.npy`, `.mat` or `.txt` file, chosen by the extension
 * of `fileName` (also used in error messages). A `.mat` file gives its variable `data` (the
 * toolbox's name), or its only numeric variable; only that variable is decompressed.
 *
 * @throws LrpError `E_FORMAT` for an unknown extension, a `.mat` file without `data` and with
 * several variables, or any malformed file
 */
export function readDataFile(bytes: Uint8Array, fileName: string, options: ReadDataFileOptions = {}): NdArray {
  const format = dataFormatOf(fileName);
  if (format === 'npy') return readNpy(bytes, fileName, options);
  if (format === 'txt') return readMatrixText(bytes, fileName);
  return readMatData(bytes, fileName, options);
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
