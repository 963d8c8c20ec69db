import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixturesDir, projectRoot } from './fixtures.js';
import { launchChromium, originOf, serveBuiltPackage } from './support/browser-harness.js';
import { relError } from './support/random-model.js';
import { caseRuleOptions, caseTensor, referenceCases } from './support/reference-cases.js';
import { built, chromium, describeWith, toolboxFixtures } from './support/requirements.js';
import { webgpuAdapter } from './support/webgpu-requirement.js';

// Every toolbox reference case on lrpjs's tfjs backend in headless Chromium with backend 'gpu', from
// the built package served on 127.0.0.1 (tfjs's browser bundles from node_modules, through an import
// map): on WebGPU (SwiftShader's Vulkan adapter) and, where WebGPU has no adapter, on WebGL
// (SwiftShader), each within 1e-3 of the toolbox.

/** What the page gets per case (plain arrays: structured clone into the page). */
function pageCases() {
  return referenceCases.map((c) => {
    const plain = (file: 'X' | 'R0') => {
      const t = caseTensor(c, file);
      return { data: Array.from(t.data), shape: [...t.shape] };
    };
    const { rule, layerRules } = caseRuleOptions(c);
    return {
      name: c.name,
      modelPath: `/fixtures/reference/${c.model}`,
      keepSoftmax: c.softmax === 'keep',
      X: plain('X'),
      R0: plain('R0'),
      target: c.target === 'argmax' ? 'argmax' : Array.from(caseTensor(c, 'target').data),
      options: { rule, layerRules },
    };
  });
}

interface PageRun {
  readonly error?: string;
  readonly info: { backend: string; device: string; reason: string };
  readonly results: { name: string; output: number[]; withInit: number[]; fromTarget: number[]; target: number[] }[];
  readonly tensorsLeft: number;
  readonly tfBackend: string;
}

/** Runs the cases in a fresh Chromium, with WebGPU or without. */
async function runInChromium(server: Server, webgpu: boolean): Promise<PageRun> {
  const browser = await launchChromium({ webgpu });
  try {
    const page = await browser.newPage();
    const hosts = new Set<string>();
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    const origin = originOf(server);
    await page.goto(`${origin}/test/smoke/tfjs.html`);
    await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, undefined, { timeout: 60_000 });
    const cases = pageCases();
    const run = await page.evaluate((cs) => (window as unknown as { __explainCases: (c: unknown) => Promise<PageRun> }).__explainCases(cs), cases);
    expect([...hosts]).toEqual([new URL(origin).host]);
    return run;
  } finally {
    await browser.close();
  }
}

/** Every case within 1e-3 of the toolbox, with R0 and from its target; nothing left on the device. */
function expectReference(run: PageRun): void {
  expect(run.error).toBeUndefined();
  expect(run.results.map((r) => r.name)).toEqual(referenceCases.map((c) => c.name));
  for (const [k, c] of referenceCases.entries()) {
    const r = run.results[k]!;
    expect(relError(r.output, caseTensor(c, 'Y').data), `${c.name} output`).toBeLessThan(1e-3);
    expect(relError(r.withInit, caseTensor(c, 'R').data), `${c.name} with R0`).toBeLessThan(1e-3);
    expect(r.target, `${c.name} target`).toEqual(Array.from(caseTensor(c, 'target').data));
    expect(relError(r.fromTarget, caseTensor(c, 'R').data), `${c.name} from its target`).toBeLessThan(1e-3);
  }
  expect(run.tensorsLeft).toBe(0);
}

let server: Server;
beforeAll(async () => {
  server = await serveBuiltPackage([
    ['/node_modules/@tensorflow/', join(projectRoot, 'node_modules/@tensorflow')],
    ['/fixtures/', fixturesDir ?? join(projectRoot, 'no-fixtures')],
  ]);
});
afterAll(() => server?.close());

describeWith([toolboxFixtures, chromium, built('browser/index.js')], 'tfjs backend in headless Chromium: WebGL (SwiftShader)', () => {
  it("backend 'gpu' without a WebGPU adapter falls back to webgl and says why; every reference case within 1e-3", async () => {
    const run = await runInChromium(server, false);
    expect(run.error).toBeUndefined();
    expect(run.info.device).toBe('webgl');
    expect(run.info.reason).toMatch(/^backend 'gpu': webgl, as webgpu is unavailable \(navigator\.gpu\.requestAdapter\(\) gave no adapter\)$/);
    expect(run.tfBackend).toBe('webgl');
    expectReference(run);
  }, 300_000);
});

describeWith([toolboxFixtures, chromium, built('browser/index.js'), webgpuAdapter], 'tfjs backend in headless Chromium: WebGPU (SwiftShader Vulkan)', () => {
  it("backend 'gpu' runs on webgpu; every reference case within 1e-3", async () => {
    const run = await runInChromium(server, true);
    expect(run.error).toBeUndefined();
    expect(run.info).toMatchObject({ backend: 'tfjs', device: 'webgpu', reason: "backend 'gpu': a WebGPU adapter answered" });
    expect(run.tfBackend).toBe('webgpu');
    expectReference(run);
  }, 300_000);
});
