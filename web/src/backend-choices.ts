/**
 * The backends the page offers and whether this browser and this build of lrpjs can run each: a
 * pure function of the capabilities found at start-up, so the reasons shown for disabled choices
 * are tested without a browser.
 */
import type { ExplainerOptions } from '../../src/explainer.js';
import type { TfjsDevice } from './tfjs-loader.js';

/** What the page found at start-up. */
export interface Capabilities {
  /** `WebAssembly` exists. */
  readonly wasm: boolean;
  /** `Worker` exists. */
  readonly webWorkers: boolean;
  /** This build of lrpjs runs a worker pool (`createExplainer(model, { workers })`). */
  readonly workerPool: boolean;
  /** This build of lrpjs has the tfjs backend. */
  readonly tfjsBackend: boolean;
  /** The browser gives a WebGL 2 context. */
  readonly webgl: boolean;
  /** The browser has `navigator.gpu`. */
  readonly webgpu: boolean;
  /** `navigator.gpu.requestAdapter()` gave an adapter. */
  readonly webgpuAdapter: boolean;
}

/** Ids of the backend choices. */
export type BackendId = 'wasm' | 'js' | 'wasm-workers' | 'tfjs-webgl' | 'tfjs-webgpu';

/** One backend choice: available with the explainer options it means, or disabled with the reason. */
export interface BackendChoice {
  readonly id: BackendId;
  readonly label: string;
  /** Why it cannot be chosen here; `undefined` where it can. */
  readonly disabledReason: string | undefined;
  /** The options passed to `createExplainer`. */
  readonly options: ExplainerOptions;
  /** The tfjs backend to load and activate first (passed to `createExplainer` as `tf`). */
  readonly tfjsDevice?: TfjsDevice;
  /** Explain through a worker pool (`createExplainer(model, { workers })`). */
  readonly pool?: boolean;
}

const choice = (
  id: BackendId,
  label: string,
  options: ExplainerOptions,
  reasons: (string | false)[],
  extra: Pick<BackendChoice, 'tfjsDevice' | 'pool'> = {},
): BackendChoice => ({ id, label, options, disabledReason: reasons.find((r): r is string => typeof r === 'string'), ...extra });

/** The backend choices for `caps`, in display order (the first available one is the default). */
export function backendChoices(caps: Capabilities): BackendChoice[] {
  const noWasm = !caps.wasm && 'this browser has no WebAssembly';
  return [
    choice('wasm', 'WebAssembly, in the page', { backend: 'wasm' }, [noWasm]),
    choice(
      'wasm-workers',
      'WebAssembly, worker pool (batches in workers)',
      { backend: 'wasm' },
      [noWasm, !caps.webWorkers && 'this browser has no Web Workers', !caps.workerPool && 'this build of lrpjs has no worker pool'],
      { pool: true },
    ),
    choice(
      'tfjs-webgl',
      'TensorFlow.js, WebGL',
      { backend: 'tfjs' },
      [!caps.tfjsBackend && 'this build of lrpjs has no tfjs backend', !caps.webgl && 'this browser gives no WebGL 2 context'],
      { tfjsDevice: 'webgl' },
    ),
    choice(
      'tfjs-webgpu',
      'TensorFlow.js, WebGPU',
      { backend: 'tfjs' },
      [
        !caps.tfjsBackend && 'this build of lrpjs has no tfjs backend',
        !caps.webgpu && 'this browser has no WebGPU (navigator.gpu)',
        !caps.webgpuAdapter && 'WebGPU gives no adapter here (no GPU, or it is turned off)',
      ],
      { tfjsDevice: 'webgpu' },
    ),
    choice('js', 'JavaScript (float64 reference), in the page', { backend: 'js' }, []),
  ];
}

/** The first available choice. */
export function defaultBackend(choices: readonly BackendChoice[]): BackendChoice {
  return choices.find((c) => c.disabledReason === undefined) ?? choices[choices.length - 1]!;
}
