import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/browser-harness.js';
import { chromium, describeWith, requirement } from './support/requirements.js';
import { BROWSER_TEST_MS, builtWeb, predictedClass, runAfter, runsSoFar, webDemoDir } from './support/web-demo.js';

/** Every file under `dir`, relative, with `/` separators. */
function filesUnder(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), root) : [relative(root, join(dir, e.name)).split('\\').join('/')],
  );
}

describeWith(builtWeb, 'the built demo folder (dist-web/)', () => {
  /** The files a first visit loads and caches (the service worker's list), and those fetched only on use. */
  const split = () => {
    const sw = readFileSync(join(webDemoDir, 'sw.js'), 'utf8');
    const precached = (JSON.parse(/const ASSETS = (\[.*\]);/.exec(sw)![1]!) as string[]).map((f) => f.replace(/^\.\//, ''));
    const all = filesUnder(webDemoDir);
    return { sw, all, precached, onDemand: all.filter((f) => f !== 'sw.js' && !precached.includes(f)) };
  };
  const bytes = (files: readonly string[]) => files.reduce((n, f) => n + statSync(join(webDemoDir, f)).size, 0);

  it('a first visit transfers under 1.5 MB, models included; only TensorFlow.js (the GPU backends) waits until it is chosen', () => {
    const { all, precached, onDemand } = split();
    expect(all).toEqual(expect.arrayContaining(['index.html', 'sw.js', 'models/mnist-cnn.txt.gz', 'models/mnist-mlp.txt.gz', 'models/digits.npy.gz']));
    expect(precached).toEqual(expect.arrayContaining(['index.html', 'models/mnist-cnn.txt.gz', 'models/mnist-mlp.txt.gz', 'models/digits.npy.gz']));
    expect(bytes([...precached, 'sw.js'])).toBeLessThan(1_500_000);
    for (const f of onDemand) expect(f).toMatch(/^assets\/tfjs-.*\.js$/);
  }, BROWSER_TEST_MS);

  it('uses relative URLs only, and its service worker caches every other file under a versioned name', () => {
    const html = readFileSync(join(webDemoDir, 'index.html'), 'utf8');
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(1);
    for (const url of urls) expect(url, url).toMatch(/^(\.\/|data:)/);
    const { sw, all, precached, onDemand } = split();
    expect([...precached, ...onDemand, 'sw.js'].sort()).toEqual([...all].sort());
    expect(sw).toMatch(/const VERSION = "[0-9a-f]{16}";/);
    for (const f of filesUnder(webDemoDir).filter((f) => f.endsWith('.js'))) {
      const js = readFileSync(join(webDemoDir, f), 'utf8');
      expect(js, f).not.toMatch(/from\s*["']node:/);
      expect(js, f).not.toMatch(/["']\/assets\//);
    }
  }, BROWSER_TEST_MS);
});

const python3 = requirement('python3', spawnSync('python3', ['--version']).status === 0, 'no python3 on PATH');

describeWith([chromium, builtWeb, python3], 'the demo folder copied elsewhere, served by python3 -m http.server', () => {
  let dir: string;
  let server: ChildProcess;
  let origin: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lrpjs-web-'));
    const site = join(dir, 'some', 'where');
    cpSync(webDemoDir, site, { recursive: true });
    server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', site], { stdio: ['ignore', 'pipe', 'pipe'] });
    origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        const port = /port (\d+)/.exec(out)?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
      server.on('exit', (code) => reject(new Error(`python3 http.server exited (${code}): ${out}`)));
    });
  }, BROWSER_TEST_MS);
  afterAll(() => {
    server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads from the folder URL, explains a held-out digit and becomes ready for offline use', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${origin}/`);
      await page.waitForSelector('body[data-loaded]', { timeout: 120_000 });
      const before = await runsSoFar(page);
      await page.locator('#samples button[data-index="5"]').click();
      await runAfter(page, before);
      expect(await predictedClass(page)).toBe('5');
      await page.waitForSelector('body[data-offline="ready"]', { timeout: 120_000 });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, BROWSER_TEST_MS);
});
