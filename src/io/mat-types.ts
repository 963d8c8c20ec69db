import type { DType } from '../tensor.js';

/** MAT-file Level 5 data type of a matrix element. */
export const MI_MATRIX = 14;
/** MAT-file Level 5 data type of a zlib-compressed element. */
export const MI_COMPRESSED = 15;

/** Numeric MAT-file data types (`miINT8` … `miUINT64`) and the {@link DType} of their elements. */
export const MAT_TYPE_DTYPE: Readonly<Record<number, DType>> = {
  1: 'int8',
  2: 'uint8',
  3: 'int16',
  4: 'uint16',
  5: 'int32',
  6: 'uint32',
  7: 'float32',
  9: 'float64',
  12: 'int64',
  13: 'uint64',
};

/** Numeric MATLAB array classes (`mxDOUBLE_CLASS` … `mxUINT64_CLASS`) and their {@link DType}. */
export const MAT_CLASS_DTYPE: Readonly<Record<number, DType>> = {
  6: 'float64',
  7: 'float32',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

/** Inverse of a number → dtype table. */
function invert(table: Readonly<Record<number, DType>>): Readonly<Record<DType, number>> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [v, Number(k)])) as Record<DType, number>;
}

/** The MAT-file data type that stores each {@link DType}. */
export const DTYPE_MAT_TYPE: Readonly<Record<DType, number>> = invert(MAT_TYPE_DTYPE);

/** The MATLAB class of each {@link DType}. */
export const DTYPE_MAT_CLASS: Readonly<Record<DType, number>> = invert(MAT_CLASS_DTYPE);
