import { readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { loadModel } from '../src/io/load-model.js';
import { heatmaps } from '../src/render/index.js';
import { projectRoot } from './fixtures.js';
import { launchChromium, originOf, serveStatic } from './support/browser-harness.js';
import { built, chromium, describeWith } from './support/requirements.js';
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
    server = await serveStatic(
      [
        ['/page/node_modules/lrpjs/dist/', join(projectRoot, 'dist')],
        ['/page/node_modules/fflate/', join(projectRoot, 'node_modules', 'fflate')],
        ['/page/my-model/', modelDir],
      ],
      { '/page/index.html': page },
    );
  });
  afterAll(() => {
    server?.close();
    if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  });

  it('loads model.json by URL, explains on wasm and draws the pixels Node draws', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const requested: string[] = [];
      page.on('request', (r) => requested.push(new URL(r.url()).pathname));
      await page.goto(`${originOf(server)}/page/index.html`);
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
