// Asks headless Chromium (SwiftShader's Vulkan, the flags of chromiumArgs(true)) for a WebGPU
// adapter on a 127.0.0.1 page; prints `adapter` or why there is none. Run by requirements.ts.
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const [executablePath, ...args] = process.argv.slice(2);
const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>probe</title>'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
let answer;
try {
  const browser = await chromium.launch({ executablePath, args });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/`);
    answer = await page.evaluate(async () => {
      if (!navigator.gpu) return 'navigator.gpu is missing';
      const adapter = await navigator.gpu.requestAdapter();
      return adapter ? 'adapter' : 'navigator.gpu.requestAdapter() gave no adapter';
    });
  } finally {
    await browser.close();
  }
} catch (e) {
  answer = `the probe failed: ${String(e).split('\n')[0]}`;
}
server.close();
process.stdout.write(answer);
