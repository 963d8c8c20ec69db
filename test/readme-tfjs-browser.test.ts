import { existsSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import { heatmaps } from '../src/render/index.js';
import { projectRoot } from './fixtures.js';
import { built, chromium, chromiumPath, describeWith } from './support/requirements.js';
import { seedWeights } from './support/tfjs-models.js';
import { loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';

/** The README's browser page for a tfjs model (the html block after `<!-- tfjs-example:browser -->`). */
function readmePage(): string {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- tfjs-example:browser -->');
  const block = /```html\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (at < 0 || !block) throw new Error('the README has no tfjs browser example');
  return `<!doctype html>\n<meta charset="utf-8">\n${block}`;
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };

describeWith([chromium, built('browser/index.js')], "the README's tfjs browser page in headless Chromium", () => {
  let server: Server;
  let modelDir: string;
  beforeAll(async () => {
    // the README's model architecture (8x8x1 -> 2 classes), seeded instead of trained
    const tf = await loadTf();
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    seedWeights(tf, model, 81);
    modelDir = dirname(writeTfjsModel(await saveArtifacts(tf, model)));
    const page = readmePage();
    // /page/ is the page's folder: the page, the package's dist/ and fflate under node_modules/, my-model/
    const roots: [string, string][] = [
      ['/page/node_modules/lrpjs/dist/', join(projectRoot, 'dist')],
      ['/page/node_modules/fflate/', join(projectRoot, 'node_modules', 'fflate')],
      ['/page/my-model/', modelDir],
    ];
    server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (path === '/page/index.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      const root = roots.find(([prefix]) => path.startsWith(prefix));
      const file = root ? join(root[1], path.slice(root[0].length)) : '';
      if (!root || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    server?.close();
    if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  });

  it('loads model.json by URL, explains on wasm and draws the pixels Node draws', async () => {
    const { chromium: browserType } = await import('playwright-core');
    const browser = await browserType.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const requested: string[] = [];
      page.on('request', (r) => requested.push(new URL(r.url()).pathname));
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/page/index.html`);
      await page.waitForFunction(
        () => {
          const c = document.getElementById('heatmap') as HTMLCanvasElement;
          return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0);
        },
        undefined,
        { timeout: 30_000 },
      );
      const pixels = await page.evaluate(() => {
        const c = document.getElementById('heatmap') as HTMLCanvasElement;
        return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
      });
      expect(errors).toEqual([]);
      expect(requested).toContain('/page/my-model/model.json');
      expect(requested).toContain('/page/my-model/weights.bin');
      // Node: the same model, input and calls on the wasm backend
      const explainer = await createExplainer(await loadModel(join(modelDir, 'model.json')), { backend: 'wasm' });
      const x = new Float32Array(64);
      for (const i of [29, 30, 37, 38]) x[i] = 1;
      const { relevance } = explainer.explain({ data: x, shape: [1, 8, 8, 1] }, { composite: 'EpsilonPlusFlat' });
      const [image] = heatmaps(relevance, { cmap: 'bwr', scale: 16 });
      expect(pixels).toEqual(Array.from(image!.data));
      expect(new Set(pixels).size).toBeGreaterThan(2);
      explainer.dispose();
    } finally {
      await browser.close();
    }
  });
});
