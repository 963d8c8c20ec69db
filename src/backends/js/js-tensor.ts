/** A float64 host tensor of the js backend. */
export interface JsTensor {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

/** Wraps data and shape as a {@link JsTensor} (no copy). */
export function jsTensor(data: Float64Array, shape: readonly number[]): JsTensor {
  return { data, shape };
}
