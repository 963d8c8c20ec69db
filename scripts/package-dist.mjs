// Last step of `npm run build`, after rollup and tsc: completes dist/ as the package ships it.
//  - dist/lrp-{relaxed,simd,scalar}.wasm: the wasm core as files, for runtimes that bind a precompiled module;
//  - dist/index.js, dist/png.js: ESM entries re-exporting the CommonJS build (one module state for
//    `import` and `require`);
//  - dist/types (ESM declarations, pruned to what the entries reach) and dist/types-cjs (the same
//    declarations as CommonJS, for `require` consumers), plus declarations of the `.wasm` subpaths;
//  - a check that the browser build holds no `node:` import, no `require(` and no source map.
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const fail = (msg) => {
  console.error(`package-dist: ${msg}`);
  process.exit(1);
};

for (const v of ['relaxed', 'simd', 'scalar']) copyFileSync(join(root, 'build', `lrp-${v}.wasm`), join(dist, `lrp-${v}.wasm`));

// ESM entries over the CommonJS build: explicit names, so every runtime and bundler sees them.
const require = createRequire(import.meta.url);
for (const entry of ['index', 'png']) {
  const names = Object.keys(require(join(dist, `${entry}.cjs`)))
    .filter((n) => n !== '__esModule' && n !== 'default')
    .sort();
  if (names.length === 0) fail(`dist/${entry}.cjs exports nothing`);
  writeFileSync(
    join(dist, `${entry}.js`),
    `// ESM entry of lrpjs (${entry}): the CommonJS build re-exported, so import and require share one module state.\n` +
      `import lib from './${entry}.cjs';\n\nexport const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = lib;\n`,
  );
}

// Declarations: keep only the files the public entries reach.
const types = join(dist, 'types');
const reached = new Set();
const visit = (file) => {
  if (reached.has(file)) return;
  if (!existsSync(file)) fail(`declaration ${relative(root, file)} is missing`);
  reached.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    visit(resolve(dirname(file), m[1].replace(/\.js$/, '.d.ts')));
  }
};
visit(join(types, 'index.d.ts'));
visit(join(types, 'render', 'png.d.ts'));
const prune = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      prune(p);
      if (readdirSync(p).length === 0) rmSync(p, { recursive: true });
    } else if (!reached.has(p)) rmSync(p);
  }
};
prune(types);

const wasmDoc = [
  '/**',
  ' * The lrpjs wasm core (`lrp-relaxed.wasm`, `lrp-simd.wasm` or `lrp-scalar.wasm`) as a compiled `WebAssembly.Module`, the',
  ' * way edge runtimes and their bundlers (workerd, Cloudflare Workers, wrangler) bind a `.wasm` import.',
  ' * Pass it to `init({ module })` where compiling WebAssembly from bytes is forbidden.',
  ' */',
  'declare const core: WebAssembly.Module;',
].join('\n');
writeFileSync(join(types, 'lrp-wasm.d.ts'), `${wasmDoc}\nexport default core;\n`);

// declarations next to the ESM entries too, for code that imports dist/*.js by path (bench/, scripts/)
writeFileSync(join(dist, 'index.d.ts'), "export * from './types/index.js';\n");
writeFileSync(join(dist, 'png.d.ts'), "export * from './types/render/png.js';\n");

const typesCjs = join(dist, 'types-cjs');
cpSync(types, typesCjs, { recursive: true });
writeFileSync(join(typesCjs, 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(typesCjs, 'lrp-wasm.d.ts'), `${wasmDoc}\nexport = core;\n`);

const browser = readFileSync(join(dist, 'browser', 'index.js'), 'utf8');
const forbidden = { 'a node: import': /(?:\bfrom|\bimport)\s*\(?\s*['"]node:/, 'a require call': /\brequire\s*\(\s*['"]/, 'a source map': /sourceMappingURL/ };
for (const [what, re] of Object.entries(forbidden)) {
  if (re.test(browser)) fail(`dist/browser/index.js contains ${what}`);
}
