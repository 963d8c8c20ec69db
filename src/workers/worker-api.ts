import { transfer } from 'comlink';
import { init } from '../backends/index.js';
import { LrpError } from '../errors.js';
import { type Explainer, type ExplainOptions, createExplainer } from '../explainer.js';
import type { Tensor } from '../tensor.js';
import type { ChunkExplanation, ChunkReply, PortableExplainOptions, WorkerApi, WorkerFailure, WorkerSetup } from './protocol.js';

/** An error as data for the trip back to the main thread. */
export function failureOf(e: unknown): WorkerFailure {
  if (e instanceof LrpError) return { code: e.code, message: e.message, where: e.where };
  return { code: null, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

/** Turns portable options back into explain options (a composite object rebuilt from its rules). */
export function explainOptionsOf(portable: PortableExplainOptions): ExplainOptions {
  const { compositeRules, compositeName, ...rest } = portable;
  if (!compositeRules) return rest;
  return { ...rest, composite: { name: compositeName ?? 'composite', rulesFor: () => [...compositeRules] } };
}

/** A tensor whose data owns its whole buffer (copied where it is a view), and that buffer. */
function owned(t: Tensor, buffers: Set<ArrayBuffer>): Tensor {
  const d = t.data;
  const whole = ArrayBuffer.isView(d) && d.buffer instanceof ArrayBuffer && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !buffers.has(d.buffer);
  const data = whole ? d : d.slice();
  if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) buffers.add(data.buffer);
  return { data, shape: t.shape };
}

/**
 * The worker side: one explainer per worker, built from the model and options sent once by
 * {@link WorkerApi.load}. Results go back with their buffers transferred, errors as data.
 */
export function createWorkerApi(): WorkerApi {
  let explainer: Explainer | null = null;
  return {
    async load(setup: WorkerSetup) {
      try {
        if (setup.module) await init({ module: setup.module });
        explainer?.dispose();
        explainer = await createExplainer(setup.model, setup.options);
        return { backend: explainer.backend };
      } catch (e) {
        return { failed: failureOf(e) };
      }
    },
    explain(request): ChunkReply {
      try {
        if (!explainer) throw new LrpError('E_WORKER', 'this worker has no model loaded');
        const e = explainer.explain(request.input, explainOptionsOf(request.options));
        const buffers = new Set<ArrayBuffer>();
        const ok: ChunkExplanation = {
          output: owned(e.output, buffers),
          relevance: owned(e.relevance, buffers),
          initial: owned(e.initial, buffers),
          target: e.target,
          layers: e.layers?.map((t) => owned(t, buffers)),
        };
        if (e.target) buffers.add(e.target.buffer as ArrayBuffer);
        return transfer({ ok }, [...buffers]);
      } catch (e) {
        return { failed: failureOf(e) };
      }
    },
    dispose() {
      explainer?.dispose();
      explainer = null;
    },
  };
}
