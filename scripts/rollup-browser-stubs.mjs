// Rollup plugin for the browser/edge build: every `node:` import (all of them lazy, behind file paths
// and `file:` URLs) resolves to a small stub, so the bundle holds no `node:` specifier and no
// file-system code. A file path then fails with an LrpError E_IO naming the path and saying what to
// pass instead; an unknown `node:` module fails the build, so a new one cannot slip through.
import { fileURLToPath } from 'node:url';

const errorsModule = fileURLToPath(new URL('../src/errors.ts', import.meta.url));
const ADVICE = 'reading and writing files needs Node, Deno or Bun; in browsers and edge functions pass the bytes, {bytes, name} or an http(s) URL';

// Functions that touch the file system throw an Error with the advice as its message and code: the
// callers in src/io wrap it into `E_IO <path>: cannot read/write: <advice>`.
const fsFunctions = [
  'open',
  'readFile',
  'writeFile',
  'mkdir',
  'rename',
  'rm',
  'unlink',
  'stat',
  'lstat',
  'access',
  'copyFile',
  'mkdtemp',
  'readdir',
  'realpath',
];
const refuse = (names) => names.map((n) => `export const ${n} = unavailable;`).join('\n');

const stubs = {
  'node:fs/promises': `${refuse(fsFunctions)}\nexport default { ${fsFunctions.join(', ')} };`,
  'node:fs': `${refuse([...fsFunctions, 'openSync', 'readFileSync', 'writeFileSync', 'renameSync', 'rmSync', 'statSync'])}\nexport const existsSync = () => false;`,
  // pure path arithmetic (POSIX separators) so callers reach the file-system call that reports the path
  'node:path': `export const sep = '/';
export const join = (...p) => p.filter(Boolean).join('/').replace(/\\/+/g, '/');
export const resolve = join;
export const dirname = (p) => { const i = p.lastIndexOf('/'); return i > 0 ? p.slice(0, i) : i === 0 ? '/' : '.'; };
export const basename = (p) => p.slice(p.lastIndexOf('/') + 1);
export const extname = (p) => { const b = basename(p); const i = b.lastIndexOf('.'); return i > 0 ? b.slice(i) : ''; };
export default { sep, join, resolve, dirname, basename, extname };`,
  // the worker pool takes its Web Worker path in browsers; these are never reached there
  'node:worker_threads': `export const Worker = undefined;
export const parentPort = null;
export default { Worker, parentPort };`,
  'node:os': `export const availableParallelism = () => 1;
export const cpus = () => [];
export default { availableParallelism, cpus };`,
  'node:process': `export const pid = 0;
export const env = {};
export default { pid, env };`,
  'node:url': `import { LrpError } from ${JSON.stringify(errorsModule)};
export function fileURLToPath(url) { throw new LrpError('E_IO', ${JSON.stringify(`file: URLs: ${ADVICE}`)}, String(url)); }
export function pathToFileURL(path) { throw new LrpError('E_IO', ${JSON.stringify(`file paths: ${ADVICE}`)}, String(path)); }
export default { fileURLToPath, pathToFileURL };`,
};

const PREFIX = '\0lrpjs-browser-stub:';

/** The rollup plugin. */
export function browserNodeStubs() {
  return {
    name: 'lrpjs-browser-node-stubs',
    resolveId(id) {
      if (!id.startsWith('node:')) return null;
      if (!(id in stubs)) this.error(`the browser build has no stub for '${id}' (add one to scripts/rollup-browser-stubs.mjs)`);
      return PREFIX + id;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      // the explanation is the error's code too: src/io reports `cannot read/write: <code ?? message>`
      // (async for node:fs/promises: callers chain .catch on the returned promise)
      const unavailable = `${name === 'node:fs/promises' ? 'async ' : ''}function unavailable() { const e = new Error(${JSON.stringify(ADVICE)}); e.code = e.message; throw e; }\n`;
      return name.startsWith('node:fs') ? unavailable + stubs[name] : stubs[name];
    },
  };
}
