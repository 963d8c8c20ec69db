import { createBackend } from '../backends/index.js';
import { TRAIN_BYTES_PER_PARAM, TRAIN_STEP_FACTOR, checkCost, checkMemory } from '../engine/budget.js';
import type { Ops } from '../engine/ops.js';
import { planRun } from '../engine/run-plan.js';
import { LrpError } from '../errors.js';
import { dropSoftmax } from '../model/build.js';
import type { Model } from '../model/layers.js';
import { type Tensor, showShape, sizeOf } from '../tensor.js';
import { batchGradients } from './backprop.js';
import { gatherRows, toTargets } from './data.js';
import { type Evaluation, evaluatePrepared } from './evaluate.js';
import { type TrainEvaluation, type TrainOptions, resolveTrainOptions } from './options.js';
import { TrainableParams } from './params.js';
import { Rng } from '../rng.js';

/** Training and (optional) validation data; labels as class indices `[N]` or target rows `[N, C]`. */
export interface TrainData {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly xVal?: Tensor;
  readonly yVal?: Tensor;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The best model seen at an evaluation (a final SoftMax kept where the input model had one). */
  readonly model: Model;
  /** Every evaluation, in order. */
  readonly history: TrainEvaluation[];
  /** The evaluation of the returned model. */
  readonly best: TrainEvaluation;
  /** Iterations run. */
  readonly iterations: number;
  /** Why training stopped. */
  readonly stopped: 'iterations' | 'convergence';
  /** Wall-clock milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Trains `model` by minibatch SGD on the backend's kernels, as the LRP Toolbox's
 * `Sequential.train(X, Y, Xval, Yval, batchsize, iters, lrate, lrate_decay, lfactor_initial,
 * status, convergence, transform)`:
 *
 * - each iteration draws `batchSize` distinct samples at random (seeded), applies `transform`,
 *   runs forward and backward and updates the parameters (float64 on the host) with
 *   `lrate · factor` (and `momentum`, 0 by default);
 * - the loss is softmax cross-entropy of the logits: the model's output, or the input of its final
 *   SoftMax layer when it ends with one (that layer is skipped while training and kept in the
 *   result). Gradients are batch means;
 * - every `status` iterations (and after the last one) the model is evaluated on the validation
 *   data, or on the training data when none is given. An evaluation whose loss is ≤ the best so far
 *   (`select: 'accuracy'`: whose accuracy is higher) keeps a copy of the model and, with `decay`,
 *   sets the factor to `1 − acc²` (`sublinear`) or `1 − acc` (`linear`); `convergence` > 0 stops
 *   after that many evaluations in a row without improvement;
 * - the best model is returned.
 *
 * Deterministic for a seed on a given backend. Bad options are `E_USAGE`, data that does not fit
 * the model `E_SHAPE` / `E_INPUT`, a diverging run (non-finite loss) `E_INPUT`. The run is planned
 * before anything is allocated: a step over `maxMemory` or one sample's step over `maxCost` is
 * `E_RANGE` with the figures.
 */
export async function train(model: Model, data: TrainData, options: TrainOptions = {}): Promise<TrainResult> {
  const t0 = Date.now();
  const n = data.x.shape[0] ?? 0;
  if (data.x.shape.length < 2 || n < 1) throw new LrpError('E_SHAPE', `training inputs must be [N, ...] with N >= 1, got ${showShape(data.x.shape)}`);
  const o = resolveTrainOptions(options, n);
  if ((data.xVal === undefined) !== (data.yVal === undefined)) throw new LrpError('E_USAGE', 'train: give validation inputs and labels together');
  const ops: Ops<unknown> = typeof o.backend === 'object' ? o.backend : await createBackend(o.backend);
  const last = model.layers[model.layers.length - 1];
  const logitsModel = dropSoftmax(model);
  const sample = data.x.shape.slice(1);
  // Planned before anything is allocated: shapes, the bytes of a step and of the host copies of
  // the parameters (weights, velocity, best snapshot, gradients), and the cost of a step.
  const plan = planRun(logitsModel, sample, Math.max(o.batchSize, Math.min(o.evalBatchSize, n)), ops.precision === 'float32' ? 4 : 8);
  const hostParams = (plan.paramBytes / plan.bytesPerElement) * TRAIN_BYTES_PER_PARAM;
  checkMemory({ ...plan, paramBytes: plan.paramBytes + hostParams, bytes: plan.bytes + hostParams }, o.maxMemory);
  checkCost(plan, TRAIN_STEP_FACTOR, 'a training step', o.maxCost);
  const shapes = plan.shapes;
  const classes = sizeOf(shapes[shapes.length - 1]!);
  const targets = toTargets(data, classes, 'training data');
  const val = data.xVal && data.yVal ? { x: data.xVal, t: toTargets({ x: data.xVal, y: data.yVal }, classes, 'validation data') } : null;
  if (val) planRun(logitsModel, val.x.shape.slice(1), 1, plan.bytesPerElement);

  const params = new TrainableParams(logitsModel);
  const rng = new Rng(o.seed);
  const scratch = Int32Array.from({ length: n }, (_, i) => i);
  const targetRows: Tensor = { data: targets, shape: [n, classes] };
  const batchShape = [o.batchSize, ...sample];
  const history: TrainEvaluation[] = [];
  let factor = o.lfactorInitial;
  let best: TrainEvaluation | null = null;
  let bestModel = params.snapshot();
  let untilConvergence = o.convergence;
  let stopped: TrainResult['stopped'] = 'iterations';
  let iter = 0;
  const alive = Math.max(1, Math.floor(o.status / 10));

  const evaluateNow = (): Evaluation => {
    const pm = params.prepare(ops);
    return val ? evaluatePrepared(pm, val.x, val.t, o.evalBatchSize) : evaluatePrepared(pm, data.x, targets, o.evalBatchSize);
  };

  while (iter < o.iters) {
    const idx = rng.sample(n, o.batchSize, scratch);
    let batch: Tensor = { data: gatherRows(data.x, idx), shape: batchShape };
    if (o.transform) {
      batch = o.transform(batch as Tensor & { data: Float64Array }, rng);
      if (sizeOf(batch.shape) !== sizeOf(batchShape) || batch.shape[0] !== o.batchSize) {
        throw new LrpError('E_SHAPE', `train: transform returned ${showShape(batch.shape)} for a batch of ${showShape(batchShape)}`);
      }
    }
    const pm = params.prepare(ops);
    ops.beginScope();
    let g: ReturnType<typeof batchGradients>;
    try {
      g = batchGradients(pm, ops.tensor(batch.data, batchShape), gatherRows(targetRows, idx));
    } finally {
      ops.endScope();
    }
    if (!Number.isFinite(g.loss)) {
      params.invalidate();
      throw new LrpError('E_INPUT', `train: the loss became ${g.loss} at iteration ${iter + 1} (lower the learning rate)`);
    }
    params.step(g.layers, o.lrate * factor, o.momentum);
    iter++;

    if (iter % o.status === 0 || iter === o.iters) {
      const ev = evaluateNow();
      const improved = best === null || (o.select === 'loss' ? ev.loss <= best.loss : ev.accuracy > best.accuracy);
      if (improved) {
        bestModel = params.snapshot();
        if (o.decay === 'sublinear') factor = 1 - ev.accuracy * ev.accuracy;
        else if (o.decay === 'linear') factor = 1 - ev.accuracy;
        untilConvergence = o.convergence;
      } else {
        untilConvergence--;
      }
      const entry: TrainEvaluation = {
        kind: 'eval', iter, loss: ev.loss, accuracy: ev.accuracy, on: val ? 'validation' : 'training',
        improved, lrate: o.lrate * factor, elapsedMs: Date.now() - t0,
      };
      if (improved) best = entry;
      history.push(entry);
      o.onProgress?.(entry);
      if (!improved && o.convergence > 0 && untilConvergence <= 0) {
        stopped = 'convergence';
        o.onProgress?.({ kind: 'converged', iter, checks: o.convergence });
        break;
      }
    } else if (iter % alive === 0) {
      o.onProgress?.({ kind: 'batch', iter, loss: g.loss, accuracy: g.correct / o.batchSize, lrate: o.lrate * factor });
    }
  }
  params.invalidate();
  const out: Model = last?.kind === 'softmax' && logitsModel !== model ? { layers: [...bestModel.layers, last] } : bestModel;
  return { model: out, history, best: best!, iterations: iter, stopped, elapsedMs: Date.now() - t0 };
}
