// Entry of the lrpjs wasm core. The same sources build three times (asconfig.json): `relaxed` with
// `--enable simd,relaxed-simd`, `simd` with `--enable simd` and `scalar` without; ASC_FEATURE_SIMD and
// ASC_FEATURE_RELAXED_SIMD select the code paths at compile time.
// The module owns no allocator: the host (src/backends/wasm/memory.ts) places every buffer in
// linear memory above heapBase() and passes byte addresses and dimensions.

export { gemm, gemmScratchBytes } from './gemm';
export { im2col, col2im, fillRows } from './conv';
export { windowReduce, windowSumT, maxRoute } from './pool';
export { affine, depthwise, depthwiseT, clip, inside } from './graph';
export { unary, binary, scale, divStab, softmax, softmaxT, firstNonFinite } from './elementwise';

/** First free byte of linear memory (end of static data). */
export function heapBase(): usize {
  return __heap_base;
}

/** 2 for the relaxed-SIMD build, 1 for the SIMD build, 0 for the scalar build. */
export function simdBuild(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 2 : ASC_FEATURE_SIMD ? 1 : 0;
}
