import { type BackendName, createBackend } from '../backends/index.js';
import { forwardTrace } from '../engine/forward.js';
import type { Ops } from '../engine/ops.js';
import { PreparedModel } from '../engine/prepared.js';
import { dropSoftmax } from '../model/build.js';
import type { Model } from '../model/layers.js';
import { inferShapes } from '../model/shapes.js';
import { sizeOf } from '../tensor.js';
import { type LabelledData, rowSlice, toTargets } from './data.js';
import { softmaxCrossEntropy } from './loss.js';

/** Loss and accuracy of a model on labelled data. */
export interface Evaluation {
  /** Mean softmax cross-entropy of the logits. */
  readonly loss: number;
  /** Fraction of samples whose largest output is the label, in [0, 1]. */
  readonly accuracy: number;
  /** Number of samples. */
  readonly samples: number;
}

/** @internal Evaluates the logits model `pm` on `x` against `targets[N, C]` in chunks of `chunk` samples. */
export function evaluatePrepared<T>(pm: PreparedModel<T>, x: { data: Float32Array | Float64Array; shape: readonly number[] }, targets: Float64Array, chunk: number): Evaluation {
  const { ops } = pm;
  const n = x.shape[0]!;
  const per = sizeOf(x.shape) / n;
  const classes = targets.length / n;
  let loss = 0;
  let correct = 0;
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    ops.beginScope();
    try {
      const t = forwardTrace(pm, ops.tensor(rowSlice(x.data, per, from, to), [to - from, ...x.shape.slice(1)]));
      const z = ops.read(t.acts[t.acts.length - 1]!);
      const r = softmaxCrossEntropy(z, targets.subarray(from * classes, to * classes), to - from, classes);
      loss += r.loss * (to - from);
      correct += r.correct;
    } finally {
      ops.endScope();
    }
  }
  return { loss: loss / n, accuracy: correct / n, samples: n };
}

/**
 * Loss (softmax cross-entropy of the logits: the model's output, or the input of a final SoftMax)
 * and accuracy of `model` on `data` (labels as in {@link toTargets}), on the given backend.
 */
export async function evaluate(model: Model, data: LabelledData, options: { backend?: BackendName | Ops<unknown>; batchSize?: number } = {}): Promise<Evaluation> {
  const ops = typeof options.backend === 'object' ? options.backend : await createBackend(options.backend ?? 'auto');
  const logits = dropSoftmax(model);
  const shapes = inferShapes(logits, data.x.shape.slice(1));
  const targets = toTargets(data, sizeOf(shapes[shapes.length - 1]!), 'data');
  const pm = new PreparedModel(ops, logits);
  try {
    return evaluatePrepared(pm, data.x, targets, options.batchSize ?? 500);
  } finally {
    pm.dispose();
  }
}
