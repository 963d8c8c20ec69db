import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import { transform } from 'esbuild';
import { browserNodeStubs } from './scripts/rollup-browser-stubs.mjs';

// Three outputs, one copy of the library per platform (see README "Packaging"):
//  - dist/*.cjs + dist/chunks/*.cjs: the Node/Deno/Bun build, CommonJS. `require('lrpjs')` loads it and
//    the ESM entries dist/index.js and dist/png.js (written by scripts/package-dist.mjs) re-export it, so
//    `import` and `require` share one copy of the module state (no dual-package hazard).
//  - dist/cli.js: the `lrp` bin, ESM (top-level await), a thin shell that requires dist/cli-main.cjs.
//  - dist/browser/index.js: browsers, web workers, workerd and other `default` runtimes, ESM, with every
//    `node:` import replaced by a stub that refuses file paths with an LrpError; dist/browser/worker.js,
//    the pool's Web Worker, shares the library's code with it through dist/browser/chunks/.
const deps = ['fflate', 'pngjs', 'onnx-proto', 'jpeg-js', 'bullmq', 'comlink'];
const isDep = (id) => deps.some((d) => id === d || id.startsWith(`${d}/`));
const nodeExternal = (id) => /^node:/.test(id) || isDep(id);
const ts = () => typescript({ tsconfig: './tsconfig.build.json', module: 'NodeNext', declaration: false, declarationMap: false, sourceMap: false, outDir: undefined, declarationDir: undefined, noEmit: false, emitDeclarationOnly: false });

// The bin (src/cli/bin.ts) stays ESM for its top-level await; every module it imports from src/cli
// is re-exported by the CommonJS build's cli-main entry and imported from there at run time, so the
// CLI has one copy of the code and of its state (the pending temporary files of atomic writes, ...).
const BIN = fileURLToPath(new URL('./src/cli/bin.ts', import.meta.url));
const CLI_MAIN = '\0lrpjs-cli-main';
const binImports = () => [...readFileSync(BIN, 'utf8').matchAll(/from\s+'(\.\/[^']+)'/g)].map((m) => m[1]);

/**
 * Rollup plugin: the virtual cli-main entry (CommonJS build) and the bin's imports of it (ESM build).
 * The bin loads cli-main.cjs with `createRequire`, not `import`: an ESM import of CommonJS runs Node's
 * cjs-module-lexer over the whole file to find its names, about a third of the CLI's start-up cost.
 */
function cliMainFromCjs() {
  return {
    name: 'lrpjs-cli-main-from-cjs',
    renderChunk(code, chunk) {
      if (chunk.fileName !== 'cli.js') return null;
      const out = code.replace(
        /^import \{([^}]+)\} from '\.\/cli-main\.cjs';$/m,
        (_, names) => `import { createRequire } from 'node:module';\nconst {${names.replace(/ as /g, ': ')}} = createRequire(import.meta.url)('./cli-main.cjs');`,
      );
      if (out === code) this.error('the bin no longer imports ./cli-main.cjs in one statement; update cliMainFromCjs');
      return { code: out, map: null };
    },
    resolveId(id, importer) {
      if (id === CLI_MAIN) return id;
      if (importer === BIN && id.startsWith('./')) return { id: './cli-main.cjs', external: true };
      return null;
    },
    load(id) {
      if (id !== CLI_MAIN) return null;
      return binImports()
        .map((spec) => `export * from ${JSON.stringify(join(dirname(BIN), spec.replace(/\.js$/, '.ts')))};`)
        .join('\n');
    },
  };
}

// Worker scripts (src/workers): the Node build emits dist/worker-node.cjs and points the pool at it
// (rewriting src/workers/worker-location.ts, whose source URLs name the built files for tests run
// from src/); the browser build swaps in worker-location.browser.ts, `new Worker(new URL('./worker.js',
// import.meta.url))` beside dist/browser/index.js, the form bundlers rewrite; dist/browser/worker.js
// (comlink bundled: import maps do not reach workers) is also the Web Worker of Deno.
const WORKERS = fileURLToPath(new URL('./src/workers/', import.meta.url));
const COMLINK_ESM = fileURLToPath(new URL('./node_modules/comlink/dist/esm/comlink.mjs', import.meta.url));

/** Rollup plugin (Node build): emit the worker_threads script and point worker-location.ts at the built files. */
function nodeWorkerScripts() {
  let ref;
  return {
    name: 'lrpjs-node-worker-scripts',
    buildStart() {
      ref = this.emitFile({ type: 'chunk', id: join(WORKERS, 'worker-node.ts'), fileName: 'worker-node.cjs' });
    },
    transform(code, id) {
      if (id !== join(WORKERS, 'worker-location.ts')) return null;
      const out = code
        .replace(/new URL\((['"])\.\.\/\.\.\/dist\/worker-node\.cjs\1, import\.meta\.url\)/, () => `new URL(import.meta.ROLLUP_FILE_URL_${ref})`)
        .replace(/new URL\((['"])\.\.\/\.\.\/dist\/browser\/worker\.js\1, import\.meta\.url\)/, () => `new URL('browser/worker.js', import.meta.ROLLUP_FILE_URL_${ref})`);
      if (!out.includes(`ROLLUP_FILE_URL_${ref})`) || out.includes('../../dist/')) this.error('worker-location.ts: the worker URLs were not rewritten');
      return { code: out, map: null };
    },
  };
}

/**
 * Rollup plugin: drops the comments from the emitted JavaScript (the TSDoc ships in the .d.ts files,
 * written by tsc), keeping legal comments and the bundler hints in import() (`webpackIgnore`,
 * `@vite-ignore`) and `@__PURE__` annotations, which esbuild's printer preserves. About 100 KB off
 * the packed tarball.
 */
function stripComments() {
  return {
    name: 'lrpjs-strip-comments',
    async renderChunk(code) {
      const out = await transform(code, { legalComments: 'inline', charset: 'utf8' });
      return { code: out.code, map: null };
    },
  };
}

/** Rollup plugin (browser build): comlink bundled from its ES module, the browser worker location. */
function browserWorkerScripts() {
  return {
    name: 'lrpjs-browser-worker-scripts',
    resolveId(id, importer) {
      if (id === 'comlink') return COMLINK_ESM;
      if (id === './worker-location.js' && importer?.startsWith(WORKERS)) return join(WORKERS, 'worker-location.browser.ts');
      return null;
    },
    // the worker URL is written relative to the output chunk that holds it (a shared chunk sits in chunks/)
    renderChunk(code, chunk) {
      const literal = "new URL('./worker.js', import.meta.url)";
      if (!code.includes(literal)) return null;
      const rel = posix.relative(posix.dirname(chunk.fileName), 'worker.js');
      return { code: code.replaceAll(literal, `new URL('${rel.startsWith('.') ? rel : `./${rel}`}', import.meta.url)`), map: null };
    },
  };
}
const browserExternal = (id) => isDep(id) && id !== 'comlink';

export default [
  {
    input: { index: 'src/index.ts', png: 'src/render/png.ts', 'cli-main': CLI_MAIN },
    external: nodeExternal,
    plugins: [cliMainFromCjs(), ts(), nodeWorkerScripts(), stripComments()],
    output: { dir: 'dist', format: 'cjs', exports: 'named', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
  },
  {
    input: { cli: 'src/cli/bin.ts' },
    external: nodeExternal,
    plugins: [cliMainFromCjs(), ts(), stripComments()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js' },
  },
  {
    input: { index: 'src/index.ts', worker: 'src/workers/worker-web.ts' },
    external: browserExternal,
    plugins: [browserWorkerScripts(), browserNodeStubs(), ts(), stripComments()],
    output: { dir: 'dist/browser', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  },
];
