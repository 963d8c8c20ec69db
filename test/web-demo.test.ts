import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readNpy } from '../src/io/npy.js';
import { encodePng } from '../src/render/png.js';
import { projectRoot } from './fixtures.js';
import { launchChromium, originOf, serveStatic } from './support/browser-harness.js';
import { chromium, describeWith } from './support/requirements.js';
import { onnxBytes } from './support/onnx-builder.js';
import { onnxCases } from './support/onnx-cases.js';
import { seedWeights } from './support/tfjs-models.js';
import { loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';
import { BROWSER_TEST_MS, builtWeb, drawStroke, heatmapStats, layoutBoxes, lowContrastText, predictedClass, unlabelledControls, runAfter, runsSoFar, webDemoDir, webScreenshots } from './support/web-demo.js';

// The offline demo page (npm run build:web) in headless Chromium, served on 127.0.0.1 under /demo/:
// drawing, keyboard use, every setting, opening models and images, and a reload with the network off.
describeWith([chromium, builtWeb], 'the demo page (dist-web/) in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tfjsDir: string;
  const problems: string[] = [];
  const hosts = new Set<string>();
  const shot = (name: string) => page.screenshot({ path: join(webScreenshots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(webScreenshots, { recursive: true });
    server = await serveStatic([['/demo/', webDemoDir]]);
    // a tfjs layers model taking 14 × 14 × 1 (the drawing is resized to it), weights in two shards
    const tf = await loadTf();
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [14, 14, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    seedWeights(tf, model, 13);
    tfjsDir = dirname(writeTfjsModel(await saveArtifacts(tf, model), { shards: 2 }));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
  }, BROWSER_TEST_MS);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (tfjsDir) rmSync(tfjsDir, { recursive: true, force: true });
  });

  it('draws a stroke with the mouse: a prediction and non-blank heatmaps with their times, and nothing on the page moves', async () => {
    await page.goto(`${originOf(server)}/demo/index.html`);
    await page.waitForSelector('body[data-loaded]', { timeout: 120_000 });
    const empty = await layoutBoxes(page);
    expect(Object.keys(empty).filter((k) => k.startsWith('#scores li'))).toHaveLength(10);
    expect(Object.keys(empty).filter((k) => k.startsWith('#heatmaps figure canvas'))).toHaveLength(4);
    const before = await runsSoFar(page);
    // a 7: the top bar, then the diagonal
    await drawStroke(page, [[7, 6], [21, 6], [14, 23]]);
    await runAfter(page, before);
    expect(await predictedClass(page)).toMatch(/^\d$/);
    expect(await page.locator('#scores li').count()).toBe(10);
    for (const method of ['epsilon', 'epsilon-plus-flat', 'guided-backprop', 'integrated-gradients']) {
      const stats = await heatmapStats(page, method);
      expect(stats, method).toMatchObject({ width: 28, height: 28 });
      expect(stats.colours, method).toBeGreaterThan(5);
      expect(stats.nonWhite, method).toBeGreaterThan(20);
      expect(await page.locator(`figure[data-method="${method}"] .time`).textContent()).toMatch(/^\d+\.\d ms$/);
    }
    expect(await layoutBoxes(page)).toEqual(empty);
    await shot('1-drawn');
    expect(problems).toEqual([]);
  }, BROWSER_TEST_MS);

  it('labels every control and draws all text at a contrast of at least 4.5:1 (WCAG AA)', async () => {
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await lowContrastText(page, 4.5)).toEqual([]);
  }, BROWSER_TEST_MS);

  it('is usable from the keyboard: picks a held-out digit and draws with the arrow keys', async () => {
    await page.locator('#samples button[data-index="0"]').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.index)).toBe('3');
    let before = await runsSoFar(page);
    await page.keyboard.press('Enter');
    await runAfter(page, before);
    expect(await predictedClass(page)).toBe('3');
    expect(await page.locator('#input-source').textContent()).toContain('a 3');
    // clear, then a vertical line drawn with Space (pen down) and the arrow keys
    await page.locator('#clear').click();
    await page.locator('#pad').focus();
    before = await runsSoFar(page);
    await page.keyboard.press('Space');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Space');
    await runAfter(page, before);
    expect(await page.locator('#pad-status').textContent()).toContain('Pen up');
    expect(await predictedClass(page)).toMatch(/^\d$/);
    expect((await heatmapStats(page, 'epsilon')).nonWhite).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  }, BROWSER_TEST_MS);

  it('switches rule, colormap and backend; backends this browser or build lacks are disabled with the reason', async () => {
    let before = await runsSoFar(page);
    await page.locator('#samples button[data-index="7"]').click();
    await runAfter(page, before);
    before = await runsSoFar(page);
    await page.locator('#method-alphabeta').check();
    await runAfter(page, before);
    const alphabeta = await heatmapStats(page, 'alphabeta');
    expect(alphabeta.colours).toBeGreaterThan(5);
    const bwr = await heatmapStats(page, 'epsilon');
    before = await runsSoFar(page);
    await page.locator('#cmap').selectOption('jet');
    await runAfter(page, before);
    const jet = await heatmapStats(page, 'epsilon');
    expect(jet.digest).not.toBe(bwr.digest);
    expect(jet.nonWhite).toBe(28 * 28); // jet has no white
    const wasmClass = await predictedClass(page);
    expect(wasmClass).toBe('7');
    before = await runsSoFar(page);
    await page.locator('#backend-js').check();
    await runAfter(page, before);
    expect(await page.locator('#run-status').textContent()).toContain('JavaScript (float64 reference)');
    expect(await predictedClass(page)).toBe(wasmClass);
    for (const id of await page.locator('#backends input:disabled').evaluateAll((els) => els.map((e) => e.id))) {
      const why = await page.locator(`#${id}`).getAttribute('aria-describedby');
      expect(await page.locator(`#${why}`).textContent(), id).toMatch(/^unavailable: /);
    }
    // TensorFlow.js on WebGL (SwiftShader in headless Chromium), loaded on first use through the service worker
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
    before = await runsSoFar(page);
    await page.locator('#backend-tfjs-webgl').check();
    await runAfter(page, before);
    expect(await page.locator('#run-status').textContent()).toContain('TensorFlow.js, WebGL');
    expect(await predictedClass(page)).toBe(wasmClass);
    expect((await heatmapStats(page, 'alphabeta')).colours).toBeGreaterThan(5);
    await shot('2-settings');
    before = await runsSoFar(page);
    await page.locator('#backend-wasm').check();
    await runAfter(page, before);
    expect(problems).toEqual([]);
  }, BROWSER_TEST_MS);

  it('explains all held-out digits as one batch per method, in the page and split across the worker pool, with the same pixels', async () => {
    const batchesSoFar = () => page.evaluate(() => Number(document.body.dataset.batches ?? 0));
    const tiles = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLCanvasElement>('#batch-maps canvas')].map((c) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data).join(',')),
      );
    let before = await batchesSoFar();
    await page.locator('#batch-run').click();
    await page.waitForFunction((n) => Number(document.body.dataset.batches ?? 0) > n, before, { timeout: 120_000 });
    expect(await page.locator('#batch-status').textContent()).toMatch(/^32 digits × 5 methods on WebAssembly, in the page: [\d.]+ ms; 32\/32 predicted right\.$/);
    expect(await page.locator('#batch-maps figure').count()).toBe(5);
    const inPage = await tiles();
    expect(inPage).toHaveLength(5 * 32);
    expect(new Set(inPage).size).toBeGreaterThan(100);

    const workerScripts: string[] = [];
    page.on('request', (r) => void (/\/assets\/worker-[^/]*\.js$/.test(r.url()) && workerScripts.push(r.url())));
    let runs = await runsSoFar(page);
    await page.locator('#backend-wasm-workers').check();
    await runAfter(page, runs);
    expect(await predictedClass(page)).toBe('7');
    before = await batchesSoFar();
    await page.locator('#batch-run').click();
    await page.waitForFunction((n) => Number(document.body.dataset.batches ?? 0) > n, before, { timeout: 120_000 });
    expect(await page.locator('#batch-status').textContent()).toMatch(/^32 digits × 5 methods on WebAssembly, worker pool \(batches in workers\): [\d.]+ ms; 32\/32 predicted right\.$/);
    expect(workerScripts.length).toBeGreaterThan(0);
    expect(await tiles()).toEqual(inPage);
    await shot('3-batch');
    runs = await runsSoFar(page);
    await page.locator('#backend-wasm').check();
    await runAfter(page, runs);
    expect(problems).toEqual([]);
  }, BROWSER_TEST_MS);

  it('opens a toolbox model (dropped), a tfjs model.json with its shards, an ONNX model and an image (file input)', async () => {
    // dropped on the drop zone
    let before = await runsSoFar(page);
    const text = readFileSync(join(projectRoot, 'models', 'mnist-mlp.txt'), 'utf8');
    const dropped = await page.evaluateHandle((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'mnist-mlp.txt', { type: 'text/plain' }));
      return dt;
    }, text);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: dropped });
    await runAfter(page, before);
    expect(await page.locator('#model-summary').textContent()).toMatch(/^mnist-mlp\.txt: 7 layers, input \[784\]/);
    expect(await page.locator('#layers tbody tr').count()).toBe(7);
    expect((await heatmapStats(page, 'epsilon')).colours).toBeGreaterThan(5);

    before = await runsSoFar(page);
    await page.locator('#file').setInputFiles(['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'].map((f) => join(tfjsDir, f)));
    await runAfter(page, before);
    expect(await page.locator('#model-summary').textContent()).toMatch(/^model\.json: 5 layers, input \[14, 14, 1\], output \[3\]/);
    expect(await page.locator('#scores li').count()).toBe(3);
    expect(await heatmapStats(page, 'epsilon')).toMatchObject({ width: 14, height: 14 });

    // an ONNX model taking RGB images NCHW [N, 3, 8, 8], 5 classes
    before = await runsSoFar(page);
    await page.locator('#file').setInputFiles({ name: 'rgb.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(onnxBytes(onnxCases()[0]!.graph)) });
    await runAfter(page, before);
    expect(await page.locator('#model-summary').textContent()).toMatch(/^rgb\.onnx: 7 layers, input \[3, 8, 8\], output \[5\]/);
    expect(await page.locator('#scores li').count()).toBe(5);
    expect(await heatmapStats(page, 'epsilon')).toMatchObject({ width: 8, height: 8 });
    expect((await heatmapStats(page, 'epsilon')).colours).toBeGreaterThan(3);

    // a held-out 4 as a PNG, explained by the CNN
    before = await runsSoFar(page);
    await page.locator('#model-select').selectOption('cnn');
    await runAfter(page, before);
    const digits = readNpy(readFileSync(join(projectRoot, 'models', 'digits.npy')));
    const rgba = new Uint8ClampedArray(28 * 28 * 4);
    for (let p = 0; p < 28 * 28; p++) rgba.set([...Array(3).fill(Math.round(Number(digits.data[4 * 784 + p]) * 255)), 255], p * 4);
    before = await runsSoFar(page);
    await page.locator('#file').setInputFiles({ name: 'four.png', mimeType: 'image/png', buffer: Buffer.from(encodePng({ width: 28, height: 28, data: rgba })) });
    await runAfter(page, before);
    expect(await page.locator('#input-source').textContent()).toBe('four.png, resized to 28 × 28');
    expect(await predictedClass(page)).toBe('4');
    await shot('4-opened');

    // a broken model file: one message naming it, no console error, the page keeps the model it had
    await page.locator('#file').setInputFiles({ name: 'broken.txt', mimeType: 'text/plain', buffer: Buffer.from('Linear 3 2\n1 2 x\n') });
    await page.waitForFunction(() => (document.querySelector('#error')?.textContent ?? '') !== '');
    expect(await page.locator('#error').textContent()).toContain('broken.txt');
    expect(await page.locator('#model-summary').textContent()).toMatch(/^mnist-cnn\.txt/);
    expect(problems).toEqual([]);
  }, BROWSER_TEST_MS);

  it('fits a phone screen (no sideways scrolling) and draws with a finger (touch events)', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    try {
      const p = await phone.newPage();
      const errors: string[] = [];
      p.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(`${originOf(server)}/demo/index.html`);
      await p.waitForSelector('body[data-loaded]', { timeout: 120_000 });
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      const box = (await p.locator('#pad').boundingBox())!;
      const cdp = await phone.newCDPSession(p);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
        cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: box.x + x * box.width, y: box.y + y * box.height }] });
      const before = await runsSoFar(p);
      await touch('touchStart', 0.5, 0.2);
      for (let i = 1; i <= 8; i++) await touch('touchMove', 0.5, 0.2 + i * 0.075);
      await touch('touchEnd', 0, 0);
      await runAfter(p, before);
      expect(await predictedClass(p)).toMatch(/^\d$/);
      expect((await heatmapStats(p, 'epsilon')).nonWhite).toBeGreaterThan(5);
      await p.screenshot({ path: join(webScreenshots, '5-phone.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await phone.close();
    }
  }, BROWSER_TEST_MS);

  it('works offline after the first load: reloaded with the network off, it still explains', async () => {
    await page.waitForSelector('body[data-offline="ready"]', { timeout: 120_000 });
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('body[data-loaded]', { timeout: 120_000 });
      const before = await runsSoFar(page);
      await page.locator('#samples button[data-index="2"]').click();
      await runAfter(page, before);
      expect(await predictedClass(page)).toBe('2');
      expect((await heatmapStats(page, 'epsilon-plus-flat')).colours).toBeGreaterThan(5);
      // TensorFlow.js, fetched on first use before, comes from the cache too
      const again = await runsSoFar(page);
      await page.locator('#backend-tfjs-webgl').check();
      await runAfter(page, again);
      expect(await page.locator('#run-status').textContent()).toContain('TensorFlow.js, WebGL');
      expect(await predictedClass(page)).toBe('2');
      expect(await page.locator('#error').textContent()).toBe('');
      await shot('6-offline');
    } finally {
      await context.setOffline(false);
    }
    expect(problems).toEqual([]);
    expect([...hosts]).toEqual([new URL(originOf(server)).host]);
  }, BROWSER_TEST_MS);
});
