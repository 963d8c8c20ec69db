import { LrpError } from '../../errors.js';
import { TfjsOps } from './ops.js';
import { type TfjsCore, type TfjsInstance, asTfjsCore } from './tfjs-api.js';

/**
 * Choosing the tfjs backend an explainer runs on. `tfjs`: the active backend of the `tf` passed in,
 * or, where lrpjs loads `@tensorflow/tfjs-core` itself, the first installed of webgl (browsers),
 * wasm and cpu. `gpu`: webgpu where an adapter answers, else webgl where a context can be made,
 * else `E_BACKEND` saying what was looked for. tfjs is loaded by dynamic import only here, so a
 * caller who never asks for it never loads it.
 */

/** The backend names that run on tfjs. */
export type TfjsBackendName = 'tfjs' | 'gpu';

/**
 * Imports an optional package at run time. The specifier is a variable and the bundler hints say
 * to leave it alone, so neither lrpjs's build nor a user's bundler pulls tfjs (or Dawn) in: where a
 * page wants tfjs it passes `tf`, or maps the bare specifiers with an import map.
 */
function importOptional(specifier: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
}

const isNode = (): boolean => typeof process === 'object' && typeof process.versions?.node === 'string';
const isBrowserLike = (): boolean => typeof document === 'object' || typeof OffscreenCanvas === 'function';

async function loadCore(): Promise<TfjsCore> {
  try {
    return asTfjsCore(await importOptional('@tensorflow/tfjs-core'));
  } catch (e) {
    if (e instanceof LrpError) throw e;
    throw new LrpError(
      'E_BACKEND',
      "backend 'tfjs' needs TensorFlow.js: pass it (createExplainer(model, {backend: 'tfjs', tf})) or install @tensorflow/tfjs-core with a tfjs backend package (" +
        `${(e as Error)?.message ?? String(e)})`,
      'backend',
    );
  }
}

/** Registers tfjs backend `name` by importing its package where it is not registered yet; the reason where it cannot. */
async function ensureRegistered(tf: TfjsCore, name: string): Promise<string | undefined> {
  if (tf.findBackendFactory(name) != null) return undefined;
  try {
    await importOptional(`@tensorflow/tfjs-backend-${name}`);
  } catch (e) {
    return `@tensorflow/tfjs-backend-${name} is not installed (${((e as Error)?.message ?? String(e)).split('\n')[0]})`;
  }
  return tf.findBackendFactory(name) != null ? undefined : `@tensorflow/tfjs-backend-${name} registered into another tfjs-core instance than the tf in use`;
}

/** Activates `name`; the reason where it does not start. */
async function activate(tf: TfjsCore, name: string): Promise<string | undefined> {
  const missing = await ensureRegistered(tf, name);
  if (missing) return missing;
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return undefined;
    }
    return `tf.setBackend('${name}') failed`;
  } catch (e) {
    return `tf.setBackend('${name}') threw: ${(e as Error)?.message ?? String(e)}`;
  }
}

/** Minimal WebGPU entry point: `navigator.gpu`. */
interface GpuEntry {
  requestAdapter(options?: object): Promise<object | null>;
}

/**
 * `navigator.gpu` where the runtime has one; in Node, the `webgpu` package (Dawn) installed as
 * `navigator.gpu` where it is installed. The reason where there is none.
 */
async function webgpuEntry(): Promise<GpuEntry | string> {
  const nav = (globalThis as { navigator?: { gpu?: GpuEntry } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!isNode()) return 'navigator.gpu is missing (this browser has no WebGPU, or it is off)';
  let dawn: { create(flags: string[]): GpuEntry; globals: Record<string, unknown> };
  try {
    dawn = (await importOptional('webgpu')) as typeof dawn;
  } catch {
    return "no navigator.gpu in Node and the 'webgpu' package (Dawn) is not installed";
  }
  const gpu = dawn.create([]);
  Object.assign(globalThis, dawn.globals);
  const g = globalThis as { navigator?: { gpu?: GpuEntry } };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return gpu;
}

/** Tries webgpu: an adapter first (so tfjs does not log a failed start), then the tfjs backend. */
async function tryWebgpu(tf: TfjsCore): Promise<string | undefined> {
  const entry = await webgpuEntry();
  if (typeof entry === 'string') return entry;
  let adapter: object | null;
  try {
    adapter = await entry.requestAdapter();
  } catch (e) {
    return `navigator.gpu.requestAdapter() threw: ${(e as Error)?.message ?? String(e)}`;
  }
  if (adapter === null) return 'navigator.gpu.requestAdapter() gave no adapter';
  return activate(tf, 'webgpu');
}

/** Tries webgl where a canvas can exist. */
async function tryWebgl(tf: TfjsCore): Promise<string | undefined> {
  if (!isBrowserLike()) return 'no WebGL here (no document or OffscreenCanvas)';
  return activate(tf, 'webgl');
}

/** `backend: 'gpu'`: webgpu, else webgl, else `E_BACKEND` with what each gave. */
async function chooseGpu(tf: TfjsCore): Promise<TfjsOps> {
  const webgpu = await tryWebgpu(tf);
  if (webgpu === undefined) return new TfjsOps(tf, { device: 'webgpu', reason: "backend 'gpu': a WebGPU adapter answered" });
  const webgl = await tryWebgl(tf);
  if (webgl === undefined) return new TfjsOps(tf, { device: 'webgl', reason: `backend 'gpu': webgl, as webgpu is unavailable (${webgpu})` });
  throw new LrpError(
    'E_BACKEND',
    `no GPU found: looked for webgpu (${webgpu}) and webgl (${webgl}); use backend 'tfjs' (tfjs on its wasm or cpu backend) or 'wasm'`,
    'backend',
  );
}

/** `backend: 'tfjs'`: the caller's active tfjs backend, or the first installed of webgl (browsers), wasm, cpu. */
async function chooseTfjs(tf: TfjsCore, given: boolean): Promise<TfjsOps> {
  if (given) {
    try {
      await tf.ready();
    } catch (e) {
      throw new LrpError('E_BACKEND', `the tf passed in has no working backend: ${(e as Error)?.message ?? String(e)}`, 'tf');
    }
    return new TfjsOps(tf, { device: tf.getBackend(), reason: "backend 'tfjs': the active backend of the tf passed in" });
  }
  const order = isBrowserLike() ? ['webgl', 'wasm', 'cpu'] : ['wasm', 'cpu'];
  const tried: string[] = [];
  for (const name of order) {
    const why = await activate(tf, name);
    if (why === undefined) {
      const skipped = tried.length ? `, after ${tried.join('; ')}` : '';
      return new TfjsOps(tf, { device: name, reason: `backend 'tfjs': tfjs-core loaded by lrpjs, first installed of ${order.join(', ')}${skipped}` });
    }
    tried.push(`${name}: ${why}`);
  }
  throw new LrpError('E_BACKEND', `no tfjs backend could start: ${tried.join('; ')}`, 'backend');
}

/**
 * Creates the tfjs backend for `name` on `tf` (the caller's TensorFlow.js instance) or on
 * `@tensorflow/tfjs-core` loaded lazily. `gpu` activates webgpu or webgl on that tf instance.
 */
export async function createTfjsBackend(name: TfjsBackendName, tf?: TfjsInstance): Promise<TfjsOps> {
  const core = tf === undefined ? await loadCore() : asTfjsCore(tf);
  return name === 'gpu' ? chooseGpu(core) : chooseTfjs(core, tf !== undefined);
}
