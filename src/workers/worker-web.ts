// The worker script for Web Workers (browsers, Deno): exposes the worker API on the worker's scope.
import { type Endpoint, expose } from 'comlink';
import { createWorkerApi } from './worker-api.js';

expose(createWorkerApi(), globalThis as unknown as Endpoint);
