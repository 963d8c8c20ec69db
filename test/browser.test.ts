import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { built, chromium, chromiumPath, describeWith } from './support/requirements.js';

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json' };

/** Serves the built package, fflate and the test page from the project on localhost only. */
function serve(): Promise<Server> {
  const allowed = ['/dist/', '/node_modules/fflate/', '/test/smoke/'];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(projectRoot, path);
    if (!allowed.some((p) => path.startsWith(p)) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describeWith([chromium, built('index.js')], 'the built package in headless Chromium, offline', () => {
  let server: Server;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(() => server?.close());

  it('explains on the wasm backend with Node\'s numbers and renders ImageData, touching no other host', async () => {
    const { chromium: browserType } = await import('playwright-core');
    const browser = await browserType.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const hosts = new Set<string>();
      page.on('request', (r) => hosts.add(new URL(r.url()).host));
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/test/smoke/browser.html`);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
      expect(result.error).toBeUndefined();
      expect([...hosts]).toEqual([`127.0.0.1:${port}`]);
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
