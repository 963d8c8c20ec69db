import { LrpError } from '../errors.js';

/** Data file formats lrpjs reads and writes, by file extension. */
export type DataFormat = 'npy' | 'mat' | 'txt';

/** The data format named by a file's extension (case-insensitive). */
export function dataFormatOf(fileName: string): DataFormat {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName);
  const ext = m?.[1]?.toLowerCase();
  if (ext === 'npy' || ext === 'mat' || ext === 'txt') return ext;
  throw new LrpError('E_FORMAT', `unknown data file extension ${ext ? `'.${ext}'` : '(none)'}; expected .npy, .mat or .txt`, fileName);
}
