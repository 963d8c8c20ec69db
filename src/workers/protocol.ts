import type { ExplainOptions, ExplainerOptions } from '../explainer.js';
import type { LrpErrorCode } from '../errors.js';
import type { Model } from '../model/layers.js';
import type { Rule } from '../rules/rule.js';
import type { Tensor } from '../tensor.js';

/**
 * The explainer options a worker receives: plain data only (a backend by name, never an instance).
 */
export type WorkerExplainerOptions = Omit<ExplainerOptions, 'backend' | 'tf'> & { readonly backend?: 'js' | 'wasm' };

/** What a worker needs to explain: the model (sent once), its options and the compiled wasm core. */
export interface WorkerSetup {
  readonly model: Model;
  readonly options: WorkerExplainerOptions;
  /** The main thread's compiled core, posted (not recompiled); `null` for the js backend. */
  readonly module: WebAssembly.Module | null;
}

/**
 * Explain options that survive structured cloning: a composite object (it holds a function) is
 * sent as its resolved rules, `compositeRules`; the signal and callbacks stay in the main thread.
 */
export type PortableExplainOptions = Omit<ExplainOptions, 'composite'> & {
  readonly composite?: string;
  /** The rules a composite object chose for each layer (`null`: the layer's default). */
  readonly compositeRules?: readonly (Rule | null)[];
  readonly compositeName?: string;
};

/** One chunk of a batch for one worker. */
export interface ChunkRequest {
  readonly input: Tensor;
  readonly options: PortableExplainOptions;
}

/** A chunk's explanation, its buffers transferred back. */
export interface ChunkExplanation {
  readonly output: Tensor;
  readonly relevance: Tensor;
  readonly initial: Tensor;
  readonly target: Int32Array | null;
  readonly layers?: Tensor[];
}

/** An error thrown in a worker, as data (an `LrpError`'s code and place survive the trip). */
export interface WorkerFailure {
  readonly code: LrpErrorCode | null;
  readonly message: string;
  readonly where?: string;
}

/** What a chunk comes back as: an explanation or a failure. */
export type ChunkReply = { readonly ok: ChunkExplanation } | { readonly failed: WorkerFailure };

/** The remote API a worker exposes through comlink. */
export interface WorkerApi {
  /** Builds the worker's explainer; resolves to its backend name or a failure. */
  load(setup: WorkerSetup): Promise<{ readonly backend: string } | { readonly failed: WorkerFailure }>;
  /** Explains one chunk. */
  explain(request: ChunkRequest): ChunkReply;
  /** Releases the explainer (the worker may then be terminated). */
  dispose(): void;
}
