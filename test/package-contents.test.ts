import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { builtPackage, type Consumer, consumerProject, readmeSnippet, runIn } from './support/packed-package.js';
import { describeWith } from './support/requirements.js';

// The tarball as npm pack makes it: what it holds, what it runs on install, and what TypeScript and
// @arethetypeswrong/cli make of every entry point in a consumer project.
const bin = (name: string): string => join(projectRoot, 'node_modules', '.bin', name);
const tsc = (cwd: string, project: string): ReturnType<typeof runIn> =>
  runIn(cwd, process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, '--explainFiles']);

describeWith(builtPackage, 'the packed tarball', () => {
  let c: Consumer;
  beforeAll(async () => {
    c = await consumerProject();
  }, 300_000);

  it('holds LICENSE (MIT), CHANGELOG.md, README.md, the builds and the demo models; no source map, no source, at most 1.1 MiB packed', () => {
    const paths = c.pack.files.map((f) => f.path);
    for (const p of [
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'package.json',
      'dist/index.cjs',
      'dist/index.js',
      'dist/browser/index.js',
      'dist/cli.js',
      'dist/lrp-simd.wasm',
      'dist/types/index.d.ts',
      'dist/types-cjs/index.d.ts',
      'models/mnist-cnn.txt',
      'models/mnist-mlp.txt',
    ]) {
      expect(paths).toContain(p);
    }
    expect(paths.filter((p) => /\.map$|^src\/|^test\/|^assembly\//.test(p))).toEqual([]);
    const license = readFileSync(join(c.dir, 'node_modules', 'lrpjs', 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} lrpjs contributors/);
    // 1.1 MiB: the demo models take 0.6 MiB packed, the code the rest (the tfjs backend 18 KB)
    expect(c.pack.size).toBeLessThanOrEqual(1.1 * 2 ** 20);
    for (const f of paths.filter((p) => p.endsWith('.js') || p.endsWith('.cjs'))) {
      expect(readFileSync(join(c.dir, 'node_modules', 'lrpjs', f), 'utf8'), f).not.toMatch(/sourceMappingURL|sourcesContent/);
    }
  });

  it('runs no script of its own on install; engines states the tested Node versions', () => {
    const pkg = JSON.parse(readFileSync(join(c.dir, 'node_modules', 'lrpjs', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      engines: Record<string, string>;
      license: string;
    };
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[s], s).toBeUndefined();
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.engines).toEqual({ node: '>=20' });
    expect(pkg.license).toBe('MIT');
  });

  it('@arethetypeswrong/cli finds no problem in any entry point (node10, node16 from CJS and ESM, bundler)', () => {
    const r = runIn(c.dir, bin('attw'), [c.tarball, '--format', 'json']);
    const report = JSON.parse(r.stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './lrp-relaxed.wasm', './lrp-scalar.wasm', './lrp-simd.wasm', './package.json', './png']);
    expect(report.analysis.problems).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('import and require share one module state: the same classes and functions, one wasm core', async () => {
    writeFileSync(
      join(c.dir, 'dual.mjs'),
      [
        "import { createRequire } from 'node:module';",
        "import * as esm from 'lrpjs';",
        "import * as png from 'lrpjs/png';",
        'const require = createRequire(import.meta.url);',
        "const cjs = require('lrpjs');",
        '// one wasm core: compiled once by the ESM side, reused by the CommonJS side',
        'let compiles = 0;',
        'const compile = WebAssembly.compile;',
        'WebAssembly.compile = (...args) => (compiles++, compile(...args));',
        'await esm.init();',
        "await cjs.createBackend('wasm');",
        "await esm.createBackend('wasm');",
        'console.log(JSON.stringify({',
        '  sameError: esm.LrpError === cjs.LrpError, sameInit: esm.init === cjs.init, samePng: png.encodePng === require("lrpjs/png").encodePng,',
        '  sameCore: compiles === 1,',
        '  names: Object.keys(esm).length === Object.keys(cjs).filter((k) => k !== "__esModule").length,',
        '}));',
      ].join('\n'),
    );
    const r = runIn(c.dir, process.execPath, ['dual.mjs']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ sameError: true, sameInit: true, samePng: true, sameCore: true, names: true });
  });

  it('the browser/edge build refuses file paths and file: URLs with one E_IO naming them and saying what to pass', () => {
    const browserBuild = join(c.dir, 'node_modules', 'lrpjs', 'dist', 'browser', 'index.js');
    expect(readFileSync(browserBuild, 'utf8')).not.toMatch(/(?:\bfrom|\bimport)\s*\(?\s*['"]node:/);
    writeFileSync(
      join(c.dir, 'browser-paths.mjs'),
      [
        `const lib = await import(${JSON.stringify(pathToFileURL(browserBuild).href)});`,
        'const out = [];',
        "for (const source of ['models/mnist-mlp.txt', new URL('file:///tmp/model.txt')]) {",
        '  try { await lib.loadModel(source); out.push(null); } catch (e) { out.push([e instanceof lib.LrpError, e.code, e.message]); }',
        '}',
        'console.log(JSON.stringify(out));',
      ].join('\n'),
    );
    const r = runIn(c.dir, process.execPath, ['browser-paths.mjs']);
    expect(r.stderr).toBe('');
    const advice = 'reading and writing files needs Node, Deno or Bun; in browsers and edge functions pass the bytes, {bytes, name} or an http(s) URL';
    expect(JSON.parse(r.stdout)).toEqual([
      [true, 'E_IO', `models/mnist-mlp.txt: cannot read: ${advice}`],
      [true, 'E_IO', `file:///tmp/model.txt: file: URLs: ${advice}`],
    ]);
  });

  it('TypeScript: the README worker (lrpjs/lrp-simd.wasm) type-checks as a workerd consumer; ESM consumers get ESM declarations', () => {
    const dir = join(c.dir, 'ts-worker');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'worker.ts'), readmeSnippet('worker'));
    writeFileSync(
      join(dir, 'esm.mts'),
      "import { createExplainer, LrpError } from 'lrpjs';\nimport core from 'lrpjs/lrp-simd.wasm';\nexport const f: typeof createExplainer = createExplainer;\nexport const m: WebAssembly.Module = core;\nexport const e: LrpError = new LrpError('E_IO', 'x');\n",
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          customConditions: ['workerd'],
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
        },
        files: ['worker.ts', 'esm.mts'],
      }),
    );
    const r = tsc(dir, 'tsconfig.json');
    expect(r.stdout).not.toMatch(/error TS/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/node_modules\/lrpjs\/dist\/types\/lrp-wasm\.d\.ts/);
    expect(r.stdout).toMatch(/node_modules\/lrpjs\/dist\/types\/index\.d\.ts/);
  });

  it('TypeScript: CommonJS consumers (module node16, .cts) get the CommonJS declarations, the wasm subpath included', () => {
    const dir = join(c.dir, 'ts-cjs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'app.cts'),
      "import { createExplainer, LrpError, type Model } from 'lrpjs';\nimport { encodePng } from 'lrpjs/png';\nimport core = require('lrpjs/lrp-simd.wasm');\nexport const f: typeof createExplainer = createExplainer;\nexport const p = encodePng;\nexport const m: WebAssembly.Module = core;\nexport let model: Model | undefined;\nexport const e = new LrpError('E_IO', 'x');\n",
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true },
        files: ['app.cts'],
      }),
    );
    const r = tsc(dir, 'tsconfig.json');
    expect(r.stdout).not.toMatch(/error TS/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/node_modules\/lrpjs\/dist\/types-cjs\/index\.d\.ts/);
    expect(r.stdout).toMatch(/node_modules\/lrpjs\/dist\/types-cjs\/lrp-wasm\.d\.ts/);
    expect(r.stdout).not.toMatch(/node_modules\/lrpjs\/dist\/types\//);
  });
});
