import type { BackendName } from '../backends/index.js';
import { type Limits, resolveLimits } from '../engine/budget.js';
import type { Ops } from '../engine/ops.js';
import { LrpError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Rng } from '../rng.js';

/**
 * Learning-rate adaption at evaluations that improved the model (the toolbox's `lrate_decay`):
 * `none` keeps it, `sublinear` sets the factor to `1 − acc²`, `linear` to `1 − acc`.
 */
export type LrateDecay = 'none' | 'sublinear' | 'linear';

/** What makes an evaluation an improvement: a validation loss ≤ the best so far (toolbox), or a higher accuracy. */
export type SelectBy = 'loss' | 'accuracy';

/** One evaluation of the model during training (also the history entries). */
export interface TrainEvaluation {
  readonly kind: 'eval';
  /** Iterations done (1-based count). */
  readonly iter: number;
  /** Mean softmax cross-entropy on the evaluation data. */
  readonly loss: number;
  /** Fraction of correctly classified samples, in [0, 1]. */
  readonly accuracy: number;
  /** Which data was evaluated: the validation set, or the training set when none was given. */
  readonly on: 'validation' | 'training';
  /** Whether this is the best model so far (then kept). */
  readonly improved: boolean;
  /** Learning rate in use after this evaluation. */
  readonly lrate: number;
  /** Milliseconds since training started. */
  readonly elapsedMs: number;
}

/** Progress of a training run: batch reports every status/10 iterations, evaluations every `status`. */
export type TrainProgress =
  | { readonly kind: 'batch'; readonly iter: number; readonly loss: number; readonly accuracy: number; readonly lrate: number }
  | TrainEvaluation
  | { readonly kind: 'converged'; readonly iter: number; readonly checks: number };

/**
 * Options of {@link train}; defaults follow the toolbox's `Sequential.train`. `maxMemory` and
 * `maxCost` ({@link Limits}: bytes of a training run, multiply-adds of one sample's training step)
 * are checked against the plan before anything is allocated.
 */
export interface TrainOptions extends Limits {
  /** Samples per batch, drawn without repetition within a batch (default 25). */
  readonly batchSize?: number;
  /** Maximum number of iterations, one batch each (default 10000). */
  readonly iters?: number;
  /** Learning rate for the batch-mean gradient of the loss (default 0.005). */
  readonly lrate?: number;
  /** Learning-rate adaption (default `none`). */
  readonly decay?: LrateDecay;
  /** Initial factor on the learning rate (default 1). */
  readonly lfactorInitial?: number;
  /** Iterations between evaluations (default 250). */
  readonly status?: number;
  /** Stop after this many evaluations in a row without improvement; <= 0 never stops early (default −1). */
  readonly convergence?: number;
  /** Momentum μ of SGD, in [0, 1) (default 0: plain SGD as in the toolbox). */
  readonly momentum?: number;
  /** Improvement criterion of the evaluations (default `loss`). */
  readonly select?: SelectBy;
  /** Seed of batch sampling and of `transform`'s generator (default 0). */
  readonly seed?: number;
  /** Backend name or kernels (default `auto`). */
  readonly backend?: BackendName | Ops<unknown>;
  /** Maps each training batch `[B, ...]` (float64, a copy) to a batch of the same shape, e.g. augmentation. */
  readonly transform?: (batch: Tensor & { data: Float64Array }, rng: Rng) => Tensor;
  /** Receives progress reports. */
  readonly onProgress?: (p: TrainProgress) => void;
  /** Samples per forward chunk during evaluation (default 500). */
  readonly evalBatchSize?: number;
}

/** {@link TrainOptions} with defaults filled in and checked. */
export type ResolvedTrainOptions = Required<Omit<TrainOptions, 'transform' | 'onProgress'>> & Pick<TrainOptions, 'transform' | 'onProgress'>;

function need(ok: boolean, msg: string): void {
  if (!ok) throw new LrpError('E_USAGE', `train: ${msg}`);
}

const isInt = (v: number, min: number): boolean => Number.isSafeInteger(v) && v >= min;

/** Fills defaults and checks every option; a bad value is an `E_USAGE` error naming it. */
export function resolveTrainOptions(o: TrainOptions, samples: number): ResolvedTrainOptions {
  const limits = resolveLimits(o);
  const r: ResolvedTrainOptions = {
    ...limits,
    batchSize: o.batchSize ?? 25,
    iters: o.iters ?? 10000,
    lrate: o.lrate ?? 0.005,
    decay: o.decay ?? 'none',
    lfactorInitial: o.lfactorInitial ?? 1,
    status: o.status ?? 250,
    convergence: o.convergence ?? -1,
    momentum: o.momentum ?? 0,
    select: o.select ?? 'loss',
    seed: o.seed ?? 0,
    backend: o.backend ?? 'auto',
    evalBatchSize: o.evalBatchSize ?? 500,
    transform: o.transform,
    onProgress: o.onProgress,
  };
  need(isInt(r.batchSize, 1), `batchSize must be a positive integer, got ${r.batchSize}`);
  need(r.batchSize <= samples, `batchSize ${r.batchSize} exceeds the ${samples} training samples`);
  need(isInt(r.iters, 1), `iters must be a positive integer, got ${r.iters}`);
  need(Number.isFinite(r.lrate) && r.lrate > 0, `lrate must be a positive number, got ${r.lrate}`);
  need(['none', 'sublinear', 'linear'].includes(r.decay), `decay must be none, sublinear or linear, got '${r.decay}'`);
  need(Number.isFinite(r.lfactorInitial) && r.lfactorInitial > 0, `lfactorInitial must be a positive number, got ${r.lfactorInitial}`);
  need(isInt(r.status, 1), `status must be a positive integer, got ${r.status}`);
  need(Number.isSafeInteger(r.convergence), `convergence must be an integer, got ${r.convergence}`);
  need(Number.isFinite(r.momentum) && r.momentum >= 0 && r.momentum < 1, `momentum must be in [0, 1), got ${r.momentum}`);
  need(r.select === 'loss' || r.select === 'accuracy', `select must be loss or accuracy, got '${r.select}'`);
  need(Number.isSafeInteger(r.seed), `seed must be an integer, got ${r.seed}`);
  need(isInt(r.evalBatchSize, 1), `evalBatchSize must be a positive integer, got ${r.evalBatchSize}`);
  return r;
}
