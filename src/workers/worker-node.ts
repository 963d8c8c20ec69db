// The worker script for Node (and Bun) `worker_threads`: exposes the worker API on the parent port.
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import { nodeEndpoint } from './node-endpoint.js';
import { createWorkerApi } from './worker-api.js';

if (parentPort) expose(createWorkerApi(), nodeEndpoint(parentPort));
