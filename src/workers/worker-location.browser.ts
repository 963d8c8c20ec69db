// The browser build's worker location: worker.js beside the bundle, written in the form bundlers
// (vite, webpack) recognise and rewrite: new Worker(new URL('./worker.js', import.meta.url)). The
// build writes the path relative to the output chunk that holds this code (rollup.config.mjs).
import { LrpError } from '../errors.js';

/** Browsers have no `worker_threads`: never called there (the pool takes the Web Worker path). */
export function nodeWorkerUrl(): URL {
  throw new LrpError('E_WORKER', 'the browser build has no worker_threads script; it starts Web Workers');
}

/** Starts a module Web Worker on dist/browser/worker.js. */
export function startWebWorker(): Worker {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}
