// The worker-pool case shared by Node, Deno and the browser: a small CNN explained by an in-thread
// explainer and by a pool of two workers (chunks of 3 samples of 23), compared bit for bit. `lib`
// is the built package's namespace, however the runtime imported it.
export async function poolCase(lib) {
  const { conv2dLayer, createExplainer, linearLayer, poolLayer, simpleLayer } = lib;
  const wave = (n, f) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * f) * 0.5);
  const model = {
    layers: [
      conv2dLayer([3, 3, 1, 4], [1, 1], wave(36, 0.7), wave(4, 1.3)),
      simpleLayer('relu'),
      poolLayer('sumpool', [2, 2], [2, 2]),
      simpleLayer('flatten'),
      linearLayer(36, 5, wave(180, 0.31), wave(5, 2.1)),
    ],
  };
  const x = { data: Float32Array.from({ length: 23 * 64 }, (_, i) => Math.cos(i * 0.13)), shape: [23, 8, 8, 1] };
  const local = await createExplainer(model);
  const want = local.explain(x, { rule: 'epsilon=0.01' });
  const pooled = await createExplainer(model, { workers: 2, minPoolBatch: 0 });
  const got = await pooled.explain(x, { rule: 'epsilon=0.01', chunkSize: 3 });
  const same = (a, b) => a.length === b.length && Array.prototype.every.call(a, (v, i) => Object.is(v, b[i]));
  const result = {
    backend: pooled.backend,
    workers: pooled.workers,
    warnings: pooled.warnings,
    sameRelevance: same(got.relevance.data, want.relevance.data),
    sameOutput: same(got.output.data, want.output.data),
    relevanceSum: Array.from(got.relevance.data).reduce((a, b) => a + b, 0),
  };
  local.dispose();
  await pooled.dispose();
  return result;
}
