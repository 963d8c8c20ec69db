// The worker pool outside Node's worker_threads: Web Workers in Deno (the built package through its
// CommonJS build, workers on dist/browser/worker.js) and in headless Chromium (dist/browser,
// unbundled), two workers each, bit for bit the in-thread result (chunks of 3 samples: the GEMM's
// small-row paths, on the relaxed-SIMD build these runtimes pick). Node runs the same case too.
import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { launchChromium, originOf, serveBuiltPackage } from './support/browser-harness.js';
import { built, chromium, deno, denoPath, describeWith } from './support/requirements.js';

const script = join(projectRoot, 'test', 'smoke', 'pool.mjs');

/** What every runtime must report: two workers, the in-thread bits, no warning. */
function expectPooled(result: Record<string, unknown>): void {
  expect(result.error).toBeUndefined();
  expect(result).toMatchObject({ backend: 'wasm', workers: 2, warnings: [], sameRelevance: true, sameOutput: true });
}

describeWith([built('worker-node.cjs')], 'the worker pool in Node (worker_threads)', () => {
  it('two workers give the in-thread bits', () => {
    const n = spawnSync(process.execPath, [script], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
    expect(n.stderr).toBe('');
    expectPooled(JSON.parse(n.stdout));
  });
});

describeWith([deno, built('browser/worker.js')], 'the worker pool in Deno (Web Workers)', () => {
  it('two workers give the in-thread bits and the numbers Node gives', () => {
    const d = spawnSync(denoPath!, ['run', '--allow-read', '--allow-env', script], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    const fromDeno = JSON.parse(d.stdout);
    expectPooled(fromDeno);
    const n = spawnSync(process.execPath, [script], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
    // Deno picks the relaxed-SIMD build (fused multiply-add) where Node 20 runs plain SIMD: float32 close
    expect(Math.abs(fromDeno.relevanceSum - JSON.parse(n.stdout).relevanceSum)).toBeLessThan(1e-4);
  });
});

describeWith([chromium, built('browser/worker.js')], 'the worker pool in headless Chromium (module Web Workers)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await serveBuiltPackage();
  });
  afterAll(() => server?.close());

  it('two workers give the in-thread bits and the numbers Node gives', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${originOf(server)}/test/smoke/pool.html`);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
      const result = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
      expect(errors).toEqual([]);
      expectPooled(result);
      const n = spawnSync(process.execPath, [script], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
      // Chromium picks the relaxed-SIMD build (fused multiply-add): float32 close to Node's numbers
      expect(Math.abs((result.relevanceSum as number) - JSON.parse(n.stdout).relevanceSum)).toBeLessThan(1e-4);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
