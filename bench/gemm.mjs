// GEMM throughput of the wasm core, single-threaded, relaxed-SIMD, SIMD and scalar builds.
// Run: node scripts/build-wasm.mjs && node bench/gemm.mjs [sizes...]   (default 256 512 1024)
// The relaxed-SIMD build runs where the engine validates it (Node ≥ 22, or Node 20 with
// --experimental-wasm-relaxed-simd), and is listed as skipped otherwise.
// Loads build/lrp-{relaxed,simd,scalar}.wasm directly and calls the raw `gemm` export
// (C[M,N] = A[M,K]·B[K,N], row-major, float32), reporting the best of several timed runs.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const dims = sizes.length ? sizes : [256, 512, 1024];

function instantiate(variant) {
  const file = `${root}build/lrp-${variant}.wasm`;
  if (!existsSync(file)) {
    console.error(`${file} is missing: run node scripts/build-wasm.mjs first`);
    process.exit(1);
  }
  const bytes = readFileSync(`${root}build/lrp-${variant}.wasm`);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
}

/** GFLOP/s of C[M,N] = A[M,K]·op(B) (op = transpose when transB). */
function bench(ex, M, N, K, transB) {
  const mem = ex.memory;
  const base = (ex.heapBase() + 15) & ~15;
  const a = base;
  const b = a + M * K * 4;
  const c = b + K * N * 4;
  const scratch = c + M * N * 4;
  const end = scratch + ex.gemmScratchBytes(M, N, K) + 16;
  if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
  const f = new Float32Array(mem.buffer);
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (let i = 0; i < M * K; i++) f[a / 4 + i] = rnd();
  for (let i = 0; i < K * N; i++) f[b / 4 + i] = rnd();
  const run = () => ex.gemm(0, transB, M, N, K, a, K, b, transB ? K : N, c, N, 0, scratch);
  run();
  const flops = 2 * M * N * K;
  const reps = Math.max(1, Math.round(2e9 / flops));
  let best = Infinity;
  for (let t = 0; t < 5; t++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return flops / (best * 1e6);
}

console.log(`wasm GEMM, single thread, float32, best of 5 (GFLOP/s)`);
console.log(['variant', 'op', ...dims.map(String)].map((s) => s.padStart(8)).join(' '));
for (const variant of ['relaxed', 'simd', 'scalar']) {
  if (!WebAssembly.validate(readFileSync(`${root}build/lrp-${variant}.wasm`))) {
    console.log(`${variant.padStart(8)}  (skipped: this engine does not validate the ${variant} build)`);
    continue;
  }
  const ex = instantiate(variant);
  for (const [name, tb] of /** @type {const} */ ([['A·B', 0], ['A·Bᵀ', 1]])) {
    const row = dims.map((n) => bench(ex, n, n, n, tb).toFixed(2));
    console.log([variant, name, ...row].map((s) => s.padStart(8)).join(' '));
  }
}

// Shapes of one-sample LRP: dense layers are matrix-vector products (memory-bound), convolutions
// are im2col GEMMs with many rows and few columns.
/** @type {[string, number, number, number, number][]} */
const shapes = [
  ['dense 1×4096·4096×1000 (x·W)', 1, 1000, 4096, 0],
  ['denseT 1×1000·(4096×1000)ᵀ (s·Wᵀ)', 1, 4096, 1000, 1],
  ['conv 28×28×32 → 3×3×64 (784×64×288)', 784, 64, 288, 0],
  ['convT same (784×288×64, s·Wᵀ)', 784, 288, 64, 1],
  ['conv 56×56×64 → 3×3×128 (3136×128×576)', 3136, 128, 576, 0],
];
console.log('\nLRP-shaped products (GFLOP/s)');
for (const variant of ['relaxed', 'simd', 'scalar']) {
  if (!WebAssembly.validate(readFileSync(`${root}build/lrp-${variant}.wasm`))) {
    console.log(`${variant.padStart(8)}  (skipped: this engine does not validate the ${variant} build)`);
    continue;
  }
  const ex = instantiate(variant);
  for (const [name, M, N, K, tb] of shapes) {
    console.log(`${variant.padStart(8)} ${name.padEnd(42)} ${bench(ex, M, N, K, tb).toFixed(2).padStart(8)}`);
  }
}
