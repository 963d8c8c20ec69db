import typescript from '@rollup/plugin-typescript';
import { browserNodeStubs } from './scripts/rollup-browser-stubs.mjs';

// Three outputs, one copy of the library per platform (see README "Packaging"):
//  - dist/*.cjs + dist/chunks/*.cjs: the Node/Deno/Bun build, CommonJS. `require('lrpjs')` loads it and
//    the ESM entries dist/index.js and dist/png.js (written by scripts/package-dist.mjs) re-export it, so
//    `import` and `require` share one copy of the module state (no dual-package hazard).
//  - dist/cli.js: the `lrp` bin, ESM (top-level await), a thin shell over dist/cli-main.cjs.
//  - dist/browser/index.js: browsers, web workers, workerd and other `default` runtimes, ESM, one file,
//    with every `node:` import replaced by a stub that refuses file paths with an LrpError.
const deps = ['fflate', 'pngjs'];
const isDep = (id) => deps.some((d) => id === d || id.startsWith(`${d}/`));
const nodeExternal = (id) => /^node:/.test(id) || isDep(id);
const ts = () => typescript({ tsconfig: './tsconfig.build.json', module: 'NodeNext', declaration: false, declarationMap: false, sourceMap: false, outDir: undefined, declarationDir: undefined, noEmit: false, emitDeclarationOnly: false });

/** The bin's `./main.js` is the CommonJS build's cli-main entry at run time (one copy of the code). */
function cliMainFromCjs() {
  return {
    name: 'lrpjs-cli-main-from-cjs',
    resolveId: (id, importer) => (id === './main.js' && /src[\\/]cli[\\/]bin\.ts$/.test(importer ?? '') ? { id: './cli-main.cjs', external: true } : null),
  };
}

export default [
  {
    input: { index: 'src/index.ts', png: 'src/render/png.ts', 'cli-main': 'src/cli/main.ts' },
    external: nodeExternal,
    plugins: [ts()],
    output: { dir: 'dist', format: 'cjs', exports: 'named', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
  },
  {
    input: { cli: 'src/cli/bin.ts' },
    external: nodeExternal,
    plugins: [cliMainFromCjs(), ts()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js' },
  },
  {
    input: { index: 'src/index.ts' },
    external: isDep,
    plugins: [browserNodeStubs(), ts()],
    output: { dir: 'dist/browser', format: 'es', entryFileNames: '[name].js', inlineDynamicImports: true },
  },
];
