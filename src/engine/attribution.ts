import { LrpError } from '../errors.js';
import { Rng } from '../rng.js';
import { repeatPerSample } from '../tensor.js';
import type { Method } from '../rules/method.js';
import type { RulePlan } from '../rules/plan.js';
import { type WalkMode, walkBackward } from './backward.js';
import type { Trace } from './forward.js';
import type { PreparedModel } from './prepared.js';

/** Options of the path and noise methods. */
export interface SamplingOptions {
  /** Integrated gradients: number of steps (default 32; 20 under `compat: 'zennit'`), at the midpoints (right ends under `compat: 'zennit'`). */
  readonly steps?: number;
  /** Integrated gradients: baseline, a constant or one value per input element of a sample (default 0). */
  readonly baseline?: number | Float64Array;
  /** SmoothGrad: number of noisy samples (default 16). */
  readonly samples?: number;
  /** SmoothGrad: noise standard deviation as a fraction of each sample's value range (default 0.1). */
  readonly noise?: number;
  /** SmoothGrad: seed of the noise generator (default 0). */
  readonly seed?: number;
  /**
   * SmoothGrad: the index of this batch's first sample in a larger run (default 0). Each sample's
   * noise is drawn from its own generator, seeded by `seed` and the sample's index, so a batch
   * explained in parts (CLI chunks, worker pool) gets the noise it would get whole.
   */
  readonly firstSample?: number;
}

/** The noise generator of sample `index` under `seed`: one stream per sample, independent of the batch it is in. */
export function sampleNoise(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca77)) >>> 0);
}

function positiveInt(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new LrpError('E_USAGE', `${what} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Gradient evaluations of a sampling method: integrated gradients' `steps` (default 32) or
 * SmoothGrad's `samples` (default 16), `E_USAGE` unless a positive integer. Checked before the cost
 * of the request is estimated from it.
 */
export function samplingCount(method: 'integrated-gradients' | 'smoothgrad', sampling: SamplingOptions): number {
  return method === 'integrated-gradients' ? positiveInt(sampling.steps ?? 32, 'steps') : positiveInt(sampling.samples ?? 16, 'samples');
}

/**
 * `sampling` with the plan's defaults where it gives none: integrated gradients' steps are 20 under
 * `compat: 'zennit'` (Zennit's default), 32 otherwise ({@link samplingCount}).
 */
export function withPlanDefaults<O extends SamplingOptions>(plan: RulePlan, sampling: O): O {
  return sampling.steps === undefined && plan.defaultSteps !== undefined ? { ...sampling, steps: plan.defaultSteps } : sampling;
}

/** A forward pass on new data and a gradient walk from the fixed `R0`: the building block of IG and SmoothGrad. */
type GradientAt = (x: Float64Array) => Float64Array;

/**
 * Computes the attribution of `method` at the input of layer `stopAt` from a forward `trace` and
 * initial relevance `R0` (on the host: float64). `gradientAt` re-runs forward + gradient on other
 * inputs for the sampling methods (which only explain the model input).
 */
export function attribute<T>(
  pm: PreparedModel<T>,
  trace: Trace<T>,
  R0: T,
  method: Method,
  plan: RulePlan,
  stopAt: number,
  gradientAt: GradientAt,
  sampling: SamplingOptions = {},
): { result: Float64Array; shape: number[]; layers: (T | undefined)[] | null } {
  const { ops } = pm;
  const inShape = [trace.batch, ...trace.shapes[stopAt]];
  const host = (t: T): Float64Array => Float64Array.from(ops.read(t));
  // The layer input on the host, downloaded only by the methods that use it.
  const input = (): Float64Array => host(trace.acts[stopAt]);
  const walk = (how: WalkMode, keep = false) => walkBackward(pm, trace, R0, how, stopAt, keep);
  const ties = plan.gradientTies ?? 'split';
  switch (method) {
    case 'lrp': {
      const w = walk({ kind: 'lrp', plan }, true);
      return { result: host(w.result), shape: inShape, layers: w.layers };
    }
    case 'gradient':
    case 'deconvnet':
    case 'guided-backprop': {
      const w = walk({ kind: 'gradient', mode: method, ties }, true);
      return { result: host(w.result), shape: inShape, layers: w.layers };
    }
    case 'gradient-x-input': {
      const g = host(walk({ kind: 'gradient', mode: 'gradient', ties }).result);
      const x = input();
      return { result: g.map((v, i) => v * x[i]), shape: inShape, layers: null };
    }
    case 'sensitivity': {
      const g = host(walk({ kind: 'gradient', mode: 'gradient', ties }).result);
      return sensitivity(g, inShape);
    }
    case 'integrated-gradients': {
      requireInput(stopAt, method);
      const x = input();
      const steps = samplingCount(method, sampling);
      const x0 = repeatPerSample(sampling.baseline ?? 0, trace.batch, x.length / trace.batch, 'baseline', 'a sample', 'baseline');
      const sum = new Float64Array(x.length);
      for (let k = 0; k < steps; k++) {
        const a = plan.pathSum === 'right' ? (k + 1) / steps : (k + 0.5) / steps;
        const g = gradientAt(x.map((v, i) => x0[i] + a * (v - x0[i])));
        // Stryker disable next-line EqualityOperator: equivalent, a typed array ignores the write past its end
        for (let i = 0; i < sum.length; i++) sum[i] += g[i];
      }
      return { result: sum.map((s, i) => (s / steps) * (x[i] - x0[i])), shape: inShape, layers: null };
    }
    case 'smoothgrad': {
      requireInput(stopAt, method);
      const x = input();
      const samples = samplingCount(method, sampling);
      const noise = sampling.noise ?? 0.1;
      if (!(noise >= 0 && Number.isFinite(noise))) throw new LrpError('E_USAGE', `noise must be a finite number >= 0, got ${noise}`);
      const first = sampling.firstSample ?? 0;
      if (!Number.isSafeInteger(first) || first < 0) throw new LrpError('E_USAGE', `firstSample must be an integer >= 0, got ${first}`);
      const per = x.length / trace.batch;
      const rngs = Array.from({ length: trace.batch }, (_, b) => sampleNoise(sampling.seed ?? 0, first + b));
      const sigma = new Float64Array(trace.batch).map((_, b) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of x.subarray(b * per, (b + 1) * per)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        return noise * (hi - lo);
      });
      const sum = new Float64Array(x.length);
      const noisy = new Float64Array(x.length);
      for (let k = 0; k < samples; k++) {
        for (let b = 0; b < trace.batch; b++) {
          const rng = rngs[b]!;
          for (let i = b * per; i < (b + 1) * per; i++) noisy[i] = x[i]! + sigma[b]! * rng.normal();
        }
        const g = gradientAt(noisy);
        // Stryker disable next-line EqualityOperator: equivalent, a typed array ignores the write past its end
        for (let i = 0; i < sum.length; i++) sum[i] += g[i];
      }
      return { result: sum.map((s) => s / samples), shape: inShape, layers: null };
    }
  }
}

function requireInput(stopAt: number, method: string): void {
  if (stopAt !== 0) throw new LrpError('E_USAGE', `${method} explains the model input only, not layer ${stopAt}`);
}


/** Toolbox formula 99: per position `sqrt(Σ_channels g²)`; `[N, H, W, C]` → `[N, H, W, 1]`, `[N, D]` → `|g|`. */
function sensitivity<T>(g: Float64Array, shape: number[]): { result: Float64Array; shape: number[]; layers: (T | undefined)[] | null } {
  if (shape.length !== 4) return { result: g.map(Math.abs), shape, layers: null };
  const c = shape[3];
  const out = new Float64Array(g.length / c);
  // Stryker disable next-line EqualityOperator: equivalent, a typed array ignores the write past its end
  for (let p = 0; p < out.length; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += g[p * c + k] ** 2;
    out[p] = Math.sqrt(s);
  }
  return { result: out, shape: [shape[0], shape[1], shape[2], 1], layers: null };
}
