// Where the worker scripts are. In the source tree these URLs point at the built files in dist/
// (tests run the library from src/ against the built workers); the Node build rewrites them to the
// emitted dist/worker-node.cjs (rollup.config.mjs), the browser build uses worker-location.browser.ts.

/** URL of the `worker_threads` script (CommonJS). */
export function nodeWorkerUrl(): URL {
  return new URL('../../dist/worker-node.cjs', import.meta.url);
}

/** Starts a module Web Worker on the ES module worker script (Deno, Bun and browsers). */
export function startWebWorker(): Worker {
  return new Worker(new URL('../../dist/browser/worker.js', import.meta.url), { type: 'module' });
}
