import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { type Explainer, type ExplainerOptions, createExplainer } from '../../src/explainer.js';
import type { Model } from '../../src/model/layers.js';

/**
 * tfjs-core with its cpu and wasm backends, for the tfjs backend's tests in Node: one tf instance,
 * switched between backends by {@link onTfjs} (tfjs has one active backend per process).
 */
export { tf };

/** The tfjs backends the Node tests run on. */
export const tfjsNodeBackends = ['cpu', 'wasm'] as const;

/** A tfjs backend of {@link tfjsNodeBackends}. */
export type TfjsNodeBackend = (typeof tfjsNodeBackends)[number];

/** Activates tfjs backend `name` (throws where it does not start). */
export async function useTfjs(name: TfjsNodeBackend): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not start`);
  await tf.ready();
}

/** An explainer of `model` on lrpjs's tfjs backend over tfjs backend `name`. */
export async function onTfjs(name: TfjsNodeBackend, model: Model, options: ExplainerOptions = {}): Promise<Explainer> {
  await useTfjs(name);
  return createExplainer(model, { ...options, backend: 'tfjs', tf });
}
