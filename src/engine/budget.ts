import { LrpError } from '../errors.js';
import type { Method } from '../rules/method.js';
import { type SamplingOptions, samplingCount } from './attribution.js';
import type { RunPlan } from './run-plan.js';

/** Budgets of a request, checked against its {@link RunPlan} before anything is allocated or run. */
export interface Limits {
  /**
   * Bytes a request may need in all: the parameters plus the run storage of the plan (default
   * {@link DEFAULT_MAX_MEMORY}, 2 GiB). It also caps the wasm backend's linear memory.
   */
  readonly maxMemory?: number;
  /**
   * Multiply-adds one sample may cost: the forward pass, and separately each explanation (default
   * {@link DEFAULT_MAX_COST}, 1e10). `Infinity` lifts the bound.
   */
  readonly maxCost?: number;
}

/** Default {@link Limits.maxMemory}: 2 GiB. */
export const DEFAULT_MAX_MEMORY = 2 ** 31;
/** Default {@link Limits.maxCost}: 1e10 multiply-adds per sample (about a second of wasm, a minute of js). */
export const DEFAULT_MAX_COST = 1e10;

/**
 * The costliest explanation of a walk, in units of the forward pass: α-β runs up to four ρ-terms
 * per weighted layer, each a forward and a transposed product.
 */
const LRP_FACTOR = 8;

/** A training step in units of the forward pass: the forward, the input gradient and the weight gradient. */
export const TRAIN_STEP_FACTOR = 3;
/** Bytes per parameter a training run holds on the host: weights, velocity, best snapshot and gradient, float64 each. */
export const TRAIN_BYTES_PER_PARAM = 4 * 8;

function positive(v: number | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0)) throw new LrpError('E_USAGE', `${name} must be a positive number of ${name === 'maxMemory' ? 'bytes' : 'multiply-adds'} (or Infinity), got ${String(v)}`, name);
  return v;
}

/** Fills defaults: `override` wins over `base`; a non-positive value is `E_USAGE` naming it. */
export function resolveLimits(base: Limits = {}, override: Limits = {}): Required<Limits> {
  return {
    maxMemory: positive(override.maxMemory ?? base.maxMemory, 'maxMemory', DEFAULT_MAX_MEMORY),
    maxCost: positive(override.maxCost ?? base.maxCost, 'maxCost', DEFAULT_MAX_COST),
  };
}

/** `1.50 GiB (1610612736 bytes)`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(2)} ${units[u]} (${Number.isSafeInteger(n) ? n : n.toExponential(3)} bytes)`;
}

/** `3.2e+12`: multiply-add counts in messages. */
export function formatCost(n: number): string {
  return n < 1e6 ? String(Math.round(n)) : n.toExponential(2);
}

/** Throws `E_RANGE` when the plan needs more than `maxMemory` bytes, with both figures. */
export function checkMemory(plan: RunPlan, maxMemory: number): void {
  if (plan.bytes <= maxMemory) return;
  throw new LrpError(
    'E_RANGE',
    `a batch of ${plan.batch} needs ${formatBytes(plan.bytes)} (parameters ${formatBytes(plan.paramBytes)}, run storage ${formatBytes(plan.runBytes)}), ` +
      `over the memory limit of ${formatBytes(maxMemory)}: split the batch or raise maxMemory`,
    'maxMemory',
  );
}

/**
 * Multiply-adds per sample of one explanation by `method`, in units of the forward pass: LRP up to
 * 8 (α-β), the gradient family 1 (one transposed product per layer), integrated gradients and
 * SmoothGrad 2 per step or sample (a forward and a gradient each). A `steps` or `samples` that is
 * not a positive integer is `E_USAGE` here, before any cost is computed from it.
 */
export function explanationFactor(method: Method, sampling: SamplingOptions = {}): number {
  switch (method) {
    case 'lrp': return LRP_FACTOR;
    case 'integrated-gradients':
    case 'smoothgrad':
      return 2 * samplingCount(method, sampling);
    default: return 1;
  }
}

/**
 * Throws `E_RANGE` when `factor` times the plan's forward cost exceeds `maxCost` per sample, with
 * the estimate and the costliest layer. `what` names the work (`the forward pass`, `an lrp explanation`).
 */
export function checkCost(plan: RunPlan, factor: number, what: string, maxCost: number): void {
  const cost = plan.forwardMacs * factor;
  if (cost <= maxCost) return;
  const top = plan.layers.reduce((a, l) => (l.macs > a.macs ? l : a));
  throw new LrpError(
    'E_RANGE',
    `${what} costs about ${formatCost(cost)} multiply-adds per sample (the forward pass ${formatCost(plan.forwardMacs)}, ` +
      `most of it in ${top.where}: ${formatCost(top.macs)}), over the cost limit of ${formatCost(maxCost)}: raise maxCost to run it`,
    'maxCost',
  );
}
