/** The prediction shown as bars: softmax probabilities of a model's output scores. Pure. */

/** One bar of the chart. */
export interface ClassBar {
  readonly label: string;
  /** The model's output score (a logit where the softmax is dropped). */
  readonly score: number;
  /** Softmax probability in [0, 1]: the bar's length. */
  readonly probability: number;
}

/** The bars for one sample's output scores, and the index of the largest. `labels` default to the class indices. */
export function classBars(scores: ArrayLike<number>, labels?: readonly string[]): { readonly bars: ClassBar[]; readonly best: number } {
  const n = scores.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (scores[i]! > scores[best]!) best = i;
  const top = n > 0 ? scores[best]! : 0;
  const exps = Array.from({ length: n }, (_, i) => Math.exp(scores[i]! - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  const bars = exps.map((e, i) => ({ label: labels?.[i] ?? String(i), score: scores[i]!, probability: e / sum }));
  return { bars, best };
}
