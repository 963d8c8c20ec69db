import type { Endpoint } from 'comlink';
import { nodeEndpoint } from './node-endpoint.js';
import { nodeWorkerUrl, startWebWorker } from './worker-location.js';

/** A started worker: its message endpoint, its end, and (Node) whether it keeps the process alive. */
export interface WorkerHandle {
  readonly endpoint: Endpoint;
  /** Resolves with the reason once the worker has died (exit, uncaught error or {@link terminate}); never rejects. */
  readonly died: Promise<string>;
  /** Ends the worker now. */
  terminate(): void;
  /** Keep the process alive while `busy` (Node `ref`/`unref`; no effect on Web Workers). */
  hold(busy: boolean): void;
}

/** Starts one worker running the lrpjs worker script. */
export type WorkerSpawner = () => Promise<WorkerHandle>;

/** Node and Bun (not Deno, which has Web Workers): `worker_threads`. */
function isNodeLike(scope: object = globalThis): boolean {
  const p = (scope as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && !('Deno' in scope);
}

async function spawnNode(): Promise<WorkerHandle> {
  const { Worker } = await import('node:worker_threads');
  const w = new Worker(nodeWorkerUrl());
  const died = new Promise<string>((resolve) => {
    w.once('error', (e: Error) => resolve(`failed: ${e.message}`));
    w.once('exit', (code: number) => resolve(`exited with code ${code}`));
  });
  w.unref();
  return {
    endpoint: nodeEndpoint(w),
    died,
    terminate: () => void w.terminate(),
    hold: (busy) => (busy ? w.ref() : w.unref()),
  };
}

async function spawnWeb(): Promise<WorkerHandle> {
  const w = startWebWorker();
  let end: (why: string) => void = () => undefined;
  const died = new Promise<string>((resolve) => {
    end = resolve;
  });
  w.addEventListener('error', (e: ErrorEvent) => {
    e.preventDefault?.();
    w.terminate();
    end(`failed: ${e.message ?? 'the worker script could not run'}`);
  });
  return {
    endpoint: w as unknown as Endpoint,
    died,
    terminate: () => {
      w.terminate();
      end('terminated');
    },
    hold: () => undefined,
  };
}

/**
 * The spawner of the runtime whose global object is `scope`: `worker_threads` in Node and Bun, Web
 * Workers elsewhere, `null` where neither exists (edge functions such as workerd).
 */
export function runtimeSpawner(scope: object = globalThis): WorkerSpawner | null {
  if (isNodeLike(scope)) return spawnNode;
  if (typeof (scope as { Worker?: unknown }).Worker === 'function') return spawnWeb;
  return null;
}

/** Logical cores of this machine (Node `os.availableParallelism`, `navigator.hardwareConcurrency` elsewhere), at least 1. */
export async function availableCores(): Promise<number> {
  if (isNodeLike()) {
    const os = await import('node:os');
    return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}
