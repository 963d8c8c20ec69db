import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { launchChromium, originOf, serveBuiltPackage } from './support/browser-harness.js';
import { built, chromium, describeWith } from './support/requirements.js';

describeWith([chromium, built('index.js')], 'the built package in headless Chromium, offline', () => {
  let server: Server;
  beforeAll(async () => {
    server = await serveBuiltPackage();
  });
  afterAll(() => server?.close());

  it('explains on the wasm backend with Node\'s numbers and renders ImageData, touching no other host', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const hosts = new Set<string>();
      page.on('request', (r) => hosts.add(new URL(r.url()).host));
      const origin = originOf(server);
      await page.goto(`${origin}/test/smoke/browser.html`);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
      expect(result.error).toBeUndefined();
      expect([...hosts]).toEqual([new URL(origin).host]);
      const node = JSON.parse(spawnSync(process.execPath, [join(projectRoot, 'test', 'smoke', 'run.mjs')], { encoding: 'utf8' }).stdout);
      expect(result.backend).toBe('wasm');
      expect(result.output).toEqual(node.output);
      expect(result.relevance).toEqual(node.relevance);
      expect(result.image).toEqual([4, 2]);
    } finally {
      await browser.close();
    }
  });
});
