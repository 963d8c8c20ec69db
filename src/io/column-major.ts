import type { TypedArray } from '../tensor.js';

/**
 * Reorders elements between column-major (Fortran, MATLAB) and row-major (C) order for `shape`.
 * With `toRowMajor` the input is column-major and the result row-major; otherwise the reverse.
 * Returns a new array of the same class; `src.length` must equal the product of `shape`.
 */
function reorder(src: TypedArray, shape: readonly number[], toRowMajor: boolean): TypedArray {
  const n = src.length;
  const out = new (src.constructor as new (length: number) => TypedArray)(n);
  const o = out as unknown as { [i: number]: number | bigint };
  const s = src as unknown as { [i: number]: number | bigint };
  const dims = shape.filter((d) => d !== 1);
  if (dims.length < 2 || n === 0) {
    (out as Float64Array).set(src as Float64Array);
    return out;
  }
  if (dims.length === 2) {
    const [rows, cols] = dims as [number, number];
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      for (let j = 0; j < cols; j++) {
        if (toRowMajor) o[base + j] = s[j * rows + i]!;
        else o[j * rows + i] = s[base + j]!;
      }
    }
    return out;
  }
  const nd = dims.length;
  const strides = new Array<number>(nd);
  for (let k = 0, st = 1; k < nd; k++) {
    strides[k] = st;
    st *= dims[k]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    if (toRowMajor) o[c] = s[f]!;
    else o[f] = s[c]!;
    for (let k = nd - 1; k >= 0; k--) {
      f += strides[k]!;
      if (++idx[k]! < dims[k]!) break;
      f -= strides[k]! * dims[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

/** Column-major (Fortran/MATLAB) elements of `shape` → a new row-major (C order) array. */
export function columnMajorToRowMajor(src: TypedArray, shape: readonly number[]): TypedArray {
  return reorder(src, shape, true);
}

/** Row-major (C order) elements of `shape` → a new column-major (Fortran/MATLAB) array. */
export function rowMajorToColumnMajor(src: TypedArray, shape: readonly number[]): TypedArray {
  return reorder(src, shape, false);
}
