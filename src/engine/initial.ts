import { LrpError } from '../errors.js';
import { type Tensor, argmaxRows, showShape } from '../tensor.js';

/**
 * Which output to explain: `'argmax'` (each sample's top class), one class for all samples, or a
 * class per sample.
 */
export type Target = 'argmax' | number | ArrayLike<number>;

/** The initial relevance and the class per sample it selects (`null` when R0 was given explicitly). */
export interface InitialRelevance {
  readonly R0: Float64Array;
  readonly target: Int32Array | null;
}

/**
 * Initial relevance `R0 = y ⊙ onehot(target)` on the model output `y` `[N, C]` (the toolbox demos'
 * choice), or an explicit `R0` of the output's shape.
 */
export function initialRelevance(
  y: Float32Array | Float64Array,
  outShape: readonly number[],
  target: Target = 'argmax',
  explicit?: Tensor,
): InitialRelevance {
  if (explicit) {
    const ok = explicit.shape.length === outShape.length && explicit.shape.every((d, i) => d === outShape[i]);
    if (!ok) throw new LrpError('E_SHAPE', `initial relevance has shape ${showShape(explicit.shape)}, the model output ${showShape(outShape)}`, 'initial relevance');
    const R0 = Float64Array.from(explicit.data);
    const bad = R0.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new LrpError('E_INPUT', `element ${bad} is ${R0[bad]}`, 'initial relevance');
    return { R0, target: null };
  }
  if (outShape.length !== 2) {
    throw new LrpError('E_SHAPE', `a class target needs a model output [N, C], got ${showShape(outShape)}; give an explicit initial relevance`, 'target');
  }
  const [n, c] = outShape as [number, number];
  const classes = target === 'argmax' ? argmaxRows(y, n) : givenClasses(target, n, c);
  const R0 = new Float64Array(n * c);
  // Stryker disable next-line EqualityOperator: equivalent, index n writes at NaN, which a typed array ignores
  for (let s = 0; s < n; s++) R0[s * c + classes[s]] = y[s * c + classes[s]];
  return { R0, target: classes };
}

/** One class for every sample, or a class per sample, each checked against the `c` outputs. */
function givenClasses(target: number | ArrayLike<number>, n: number, c: number): Int32Array {
  if (typeof target === 'number') return new Int32Array(n).fill(checkClass(target, c, 'target'));
  if (target.length !== n) throw new LrpError('E_SHAPE', `${target.length} targets for ${n} samples`, 'target');
  return Int32Array.from({ length: n }, (_, s) => checkClass(target[s], c, `target of sample ${s}`));
}

function checkClass(k: number, c: number, where: string): number {
  if (!Number.isInteger(k) || k < 0 || k >= c) throw new LrpError('E_RANGE', `class ${k} is out of range 0..${c - 1}`, where);
  return k;
}
