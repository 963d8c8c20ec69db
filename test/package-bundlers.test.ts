import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { builtPackage, type Consumer, consumerProject, expectSameResult, readmeSnippet, runIn } from './support/packed-package.js';
import { launchChromium, originOf, serveStatic } from './support/browser-harness.js';
import { chromium, describeWith } from './support/requirements.js';

// The README's browser app, verbatim, bundled from the installed tarball by esbuild
// (--platform=browser), webpack 5 and vite with their defaults (no config, no flags beyond the
// README's), then run in headless Chromium from localhost: each page must print what Node prints.

const modules = join(projectRoot, 'node_modules');
/** One bundler's build: the folder the page is served from and the JavaScript it loads. */
interface Bundle {
  readonly page: string;
  readonly scripts: readonly string[];
}

const bundlers: Record<string, (dir: string) => Bundle> = {
  esbuild(dir) {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><body></body><script src="out/app.js"></script>\n');
    // the README's command: npx esbuild main.js --bundle --platform=browser --outfile=out/app.js
    const r = runIn(dir, join(modules, '.bin', 'esbuild'), ['main.js', '--bundle', '--platform=browser', '--outfile=out/app.js']);
    if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
    return { page: dir, scripts: [join(dir, 'out', 'app.js')] };
  },
  webpack(dir) {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><body></body><script src="dist/main.js"></script>\n');
    // webpack 5 with nothing but the entry (its defaults: production, target web, dist/main.js)
    const script = `require(${JSON.stringify(join(modules, 'webpack'))})({ context: __dirname, entry: './main.js' }, (err, stats) => {
  if (err || stats.hasErrors()) { console.error(err ?? stats.toString('errors-only')); process.exit(1); }
});\n`;
    writeFileSync(join(dir, 'build.cjs'), script);
    const r = runIn(dir, process.execPath, ['build.cjs']);
    if (r.status !== 0) throw new Error(`webpack failed: ${r.stderr}${r.stdout}`);
    return { page: dir, scripts: [join(dir, 'dist', 'main.js')] };
  },
  vite(dir) {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><body></body><script type="module" src="./main.js"></script>\n');
    // the README's command: npx vite build (no config)
    const r = runIn(dir, process.execPath, [join(modules, 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error']);
    if (r.status !== 0) throw new Error(`vite failed: ${r.stderr}${r.stdout}`);
    const assets = join(dir, 'dist', 'assets');
    return {
      page: join(dir, 'dist'),
      scripts: readdirSync(assets)
        .filter((f) => f.endsWith('.js'))
        .map((f) => join(assets, f)),
    };
  },
};

/** Serves the consumer project's files (and nothing else) on localhost. */
describeWith([...builtPackage, chromium], 'the README browser app bundled from the packed tarball, in headless Chromium', () => {
  let c: Consumer;
  let expected: string;
  beforeAll(async () => {
    c = await consumerProject();
    writeFileSync(join(c.dir, 'app-bundlers.mjs'), readmeSnippet('node-app')); // own name: test files run in parallel
    expected = runIn(c.dir, process.execPath, ['app-bundlers.mjs']).stdout.trim();
  }, 300_000);

  it.each(Object.keys(bundlers))(
    '%s: builds with its defaults; the bundle holds no node: import, the wasm core once, and explains in Chromium as Node does',
    async (name) => {
      const dir = join(c.dir, `bundle-${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'main.js'), readmeSnippet('browser-app'));
      const bundle = bundlers[name]!(dir);
      copyFileSync(join(c.dir, 'node_modules', 'lrpjs', 'models', 'mnist-mlp.txt'), join(bundle.page, 'mnist-mlp.txt'));

      const code = bundle.scripts.map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(code).not.toMatch(/['"]node:[a-z]/);
      expect(code).not.toMatch(/readFileSync|fs\/promises/);
      // the relaxed-SIMD, SIMD and scalar builds, each embedded once per bundle (base64 of the \0asm
      // header), no .wasm asset; a bundler that builds the pool's Web Worker (dist/browser/worker.js)
      // as a bundle of its own (vite) has the one other copy there
      const cores = bundle.scripts.map((f) => readFileSync(f, 'utf8').match(/AGFzbQEAAAAB/g)?.length ?? 0).filter((n) => n > 0);
      expect(cores.every((n) => n === 3)).toBe(true);
      expect(cores.length).toBeGreaterThanOrEqual(1);
      expect(cores.length).toBeLessThanOrEqual(2);
      const files = readdirSync(bundle.page, { recursive: true }).map(String);
      expect(files.filter((f) => f.endsWith('.wasm'))).toEqual([]);
      const bytes = Buffer.byteLength(code);
      console.info(`[lrpjs] ${name} bundle of the README browser app: ${bytes} bytes, ${gzipSync(code).length} gzipped`);

      const server = await serveStatic([['/', bundle.page]]); // the page's folder is the site's root (vite's default base is /)
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`${originOf(server)}/index.html`);
        await page.waitForFunction(() => /^(wasm|js) \d/.test(document.body?.textContent ?? ''), undefined, { timeout: 30_000 }).catch(() => undefined);
        expect(errors).toEqual([]);
        expectSameResult(`${await page.evaluate(() => document.body.textContent)}\n`, `${expected}\n`, name); // Chromium runs the relaxed-SIMD build
      } finally {
        await browser.close();
        server.close();
      }
    },
    120_000,
  );
});
