import type { Explanation } from '../explainer.js';
import type { Tensor, TypedArray } from '../tensor.js';
import type { ChunkExplanation } from './protocol.js';

type ArrayClass = { new (n: number): TypedArray };

/** Joins batch-first tensors along the batch, keeping the array type of the first. */
export function joinTensors(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  const n = parts.reduce((a, p) => a + p.shape[0]!, 0);
  const data = new (first.data.constructor as ArrayClass)(parts.reduce((a, p) => a + p.data.length, 0)) as Float32Array | Float64Array;
  let off = 0;
  for (const p of parts) {
    data.set(p.data, off);
    off += p.data.length;
  }
  return { data, shape: [n, ...first.shape.slice(1)] };
}

function joinTargets(parts: readonly (Int32Array | null)[]): Int32Array | null {
  if (parts.some((t) => t === null)) return null;
  const out = new Int32Array(parts.reduce((a, t) => a + t!.length, 0));
  let off = 0;
  for (const t of parts) {
    out.set(t!, off);
    off += t!.length;
  }
  return out;
}

/**
 * Stitches chunk explanations (in sample order) into the explanation of the whole batch:
 * output, relevance, initial relevance, targets and, with `allLayers`, every layer's relevance.
 */
export function stitchExplanations(parts: readonly ChunkExplanation[]): Explanation {
  const joined: Explanation = {
    output: joinTensors(parts.map((p) => p.output)),
    relevance: joinTensors(parts.map((p) => p.relevance)),
    initial: joinTensors(parts.map((p) => p.initial)),
    target: joinTargets(parts.map((p) => p.target)),
  };
  const layers = parts[0]!.layers;
  if (!layers) return joined;
  // a layer without relevance is an empty placeholder `[0]` in every chunk
  return { ...joined, layers: layers.map((l, i) => (l.shape[0] === 0 ? l : joinTensors(parts.map((p) => p.layers![i]!)))) };
}
