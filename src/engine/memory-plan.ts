import { sizeOf } from '../tensor.js';

/** Bytes an im2col chunk and packed GEMM panels may take at most (the wasm kernels cap their scratch). */
const KERNEL_SCRATCH_BYTES = 8 * 2 ** 20;
/** Live temporaries of one LRP step, in units of its largest activation (α-β: 2 groups × (x±, z, s, c)). */
const STEP_TEMPORARIES = 10;

/**
 * Run storage a forward pass plus one explanation needs, from the plan's shapes alone: every kept
 * activation, the temporaries of the largest layer step, and kernel scratch. `shapes` are the
 * per-sample shapes of `inferShapes`. On a graph (`graph`), the relevance gathered at node outputs
 * whose consumers have not all been visited yet may be alive at once: at most one more copy of
 * every activation, counted in.
 */
export function estimateRunBytes(shapes: readonly (readonly number[])[], batch: number, bytesPerElement: number, graph = false): number {
  let kept = 0;
  let largest = 0;
  for (const s of shapes) {
    const n = sizeOf(s);
    kept += n;
    largest = Math.max(largest, n);
  }
  return batch * bytesPerElement * ((graph ? 2 : 1) * kept + STEP_TEMPORARIES * largest) + KERNEL_SCRATCH_BYTES;
}
