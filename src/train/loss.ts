/** Loss value, gradient and hits of one batch (see {@link softmaxCrossEntropy}). */
export interface LossResult {
  /** Mean cross-entropy over the batch (natural log). */
  readonly loss: number;
  /** dLoss/dLogits `[N, C]` of the batch-mean loss. */
  readonly grad: Float64Array;
  /** Samples whose largest logit is the target's largest entry. */
  readonly correct: number;
}

/**
 * Softmax cross-entropy on logits: for logits `z[N, C]` and target distributions `t[N, C]` (one-hot
 * rows for class labels), the loss is `mean_n −Σ_c t[n,c]·log softmax(z[n])_c`, and its gradient
 * with respect to the logits is `(softmax(z[n])·Σ_c t[n,c] − t[n]) / N`. The log-sum-exp is taken
 * with the row maximum subtracted, so large logits do not overflow. Computed in float64.
 */
export function softmaxCrossEntropy(z: ArrayLike<number>, t: ArrayLike<number>, n: number, c: number): LossResult {
  const grad = new Float64Array(n * c);
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const o = r * c;
    let max = -Infinity;
    let arg = 0;
    let targ = 0;
    for (let j = 0; j < c; j++) {
      if (z[o + j]! > max) {
        max = z[o + j]!;
        arg = j;
      }
      if (t[o + j]! > t[o + targ]!) targ = j;
    }
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(z[o + j]! - max);
    const lse = max + Math.log(sum);
    let mass = 0;
    for (let j = 0; j < c; j++) {
      const tj = t[o + j]!;
      mass += tj;
      if (tj !== 0) loss -= tj * (z[o + j]! - lse);
    }
    for (let j = 0; j < c; j++) grad[o + j] = (Math.exp(z[o + j]! - lse) * mass - t[o + j]!) / n;
    if (arg === targ) correct++;
  }
  return { loss: n > 0 ? loss / n : 0, grad, correct };
}
