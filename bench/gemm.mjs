// GEMM throughput of the wasm core, single-threaded, SIMD and scalar builds.
// Run: node scripts/build-wasm.mjs && node bench/gemm.mjs [sizes...]   (default 256 512 1024)
// Loads build/lrp-{simd,scalar}.wasm directly and calls the raw `gemm` export
// (C[M,N] = A[M,K]·B[K,N], row-major, float32), reporting the best of several timed runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const dims = sizes.length ? sizes : [256, 512, 1024];

function instantiate(variant) {
  const bytes = readFileSync(`${root}build/lrp-${variant}.wasm`);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
}

function bench(ex, n, transB) {
  const mem = ex.memory;
  const bytes = n * n * 4;
  let base = (ex.heapBase() + 15) & ~15;
  const a = base;
  const b = a + bytes;
  const c = b + bytes;
  const scratch = c + bytes;
  const end = scratch + ex.gemmScratchBytes(n, n, n) + 16;
  if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
  const f = new Float32Array(mem.buffer);
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (let i = 0; i < n * n; i++) {
    f[a / 4 + i] = rnd();
    f[b / 4 + i] = rnd();
  }
  const run = () => ex.gemm(0, transB, n, n, n, a, n, b, n, c, n, 0, scratch);
  run();
  const flops = 2 * n * n * n;
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
for (const variant of ['simd', 'scalar']) {
  const ex = instantiate(variant);
  for (const [name, tb] of [['A·B', 0], ['A·Bᵀ', 1]]) {
    const row = dims.map((n) => bench(ex, n, tb).toFixed(2));
    console.log([variant, name, ...row].map((s) => s.padStart(8)).join(' '));
  }
}
