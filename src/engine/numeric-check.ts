import { LrpError } from '../errors.js';
import type { Ops } from './ops.js';

/** The largest finite float32 value. */
export const FLOAT32_MAX = 3.4028234663852886e38;

function precisionHint<T>(ops: Ops<T>): string {
  return ops.precision === 'float32' ? ` (the ${ops.name} backend computes in float32; the js backend's float64 may hold these values)` : '';
}

/** Describes element `i` of a batch-first tensor of `perSample` elements per sample. */
function element(i: number, perSample: number): string {
  return perSample > 0 ? `element ${i % perSample} of sample ${Math.floor(i / perSample)}` : `element ${i}`;
}

/**
 * Throws `E_NUMERIC` if the forward output `t` of layer `where` holds a NaN or ±Infinity: the
 * first layer in forward order where one appears is named.
 */
export function checkForwardFinite<T>(ops: Ops<T>, t: T, where: string, perSample: number): void {
  const i = ops.firstNonFinite(t);
  if (i < 0) return;
  const v = ops.read(t)[i];
  throw new LrpError('E_NUMERIC', `the forward pass produced ${v} here, at ${element(i, perSample)}${precisionHint(ops)}`, where);
}

/**
 * Throws `E_NUMERIC` if the relevance `t` leaving layer `where` backwards holds a NaN or ±Infinity:
 * the first layer in the backward walk where one appears is named, with `step()` (its rule).
 */
export function checkRelevanceFinite<T>(ops: Ops<T>, t: T, where: string, step: () => string, perSample: number): void {
  const i = ops.firstNonFinite(t);
  if (i < 0) return;
  const v = ops.read(t)[i];
  throw new LrpError(
    'E_NUMERIC',
    `the relevance became ${v} here under ${step()}, at ${element(i, perSample)}${precisionHint(ops)}`,
    where,
  );
}

/** A pass's check of many tensors kept on the device: each one folded in, one readback at the end. */
export interface DeviceCheck<T> {
  /** Folds `t` into the check. */
  add(t: T): void;
  /** Whether every tensor added was finite: one readback; the check starts over. */
  allFinite(): boolean;
}

/**
 * The device-side check of a pass where the backend folds checks ({@link Ops.foldFinite}), else
 * `undefined` (tensors are then checked one by one). The check value is a run tensor: a pass that
 * fails half-way leaves it to the run scope.
 */
export function deviceCheck<T>(ops: Ops<T>): DeviceCheck<T> | undefined {
  const fold = ops.foldFinite?.bind(ops);
  if (!fold) return undefined;
  let acc: T | null = null;
  return {
    add(t) {
      const next = fold(acc, t);
      if (acc !== null) ops.dispose(acc);
      acc = next;
    },
    allFinite() {
      if (acc === null) return true;
      const ok = ops.firstNonFinite(acc) < 0;
      ops.dispose(acc);
      acc = null;
      return ok;
    },
  };
}

/**
 * Index of the first NaN or ±Infinity of `data`, or −1. One branch-free pass (`Σ v·0` is 0 exactly
 * when every value is finite), a second one only to locate a bad value.
 */
export function firstNonFiniteValue(data: Float32Array | Float64Array): number {
  // The first pass only decides whether the second runs; a mutant that makes it always run (or
  // read one past the end, which reads undefined) returns the same index: equivalent.
  let acc = 0;
  // Stryker disable next-line EqualityOperator,AssignmentOperator,ArithmeticOperator: fast path only (see above)
  for (let i = 0; i < data.length; i++) acc += data[i]! * 0;
  // Stryker disable next-line ConditionalExpression: fast path only (see above)
  if (acc === 0) return -1;
  // Stryker disable next-line EqualityOperator: index length is reached only after a non-finite value was found
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  // Stryker disable next-line UnaryOperator: unreachable, acc ≠ 0 only when some value is not finite
  return -1;
}

/** Index of the first value of `data` finite in float64 but beyond the float32 range, or −1. */
export function firstFloat32Overflow(data: ArrayLike<number>): number {
  // Stryker disable next-line EqualityOperator: data[length] is undefined, which is not finite
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX) return i;
  }
  return -1;
}
