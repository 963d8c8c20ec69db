import type * as tfc from '@tensorflow/tfjs-core';
import { LrpError } from '../../errors.js';
import type { TfjsInstance } from './tfjs-instance.js';

export type { TfjsInstance };

/**
 * The TensorFlow.js API the tfjs backend runs on: `@tensorflow/tfjs-core` (or `@tensorflow/tfjs`,
 * which re-exports it). Internal: the public surface only names {@link TfjsInstance} (its own file,
 * free of tfjs imports), so lrpjs's type declarations never require tfjs to be installed.
 */
export type TfjsCore = typeof tfc;

/** A tfjs tensor. */
export type TfTensor = tfc.Tensor;

/** A rank-4 tfjs tensor (NHWC activations, HWIO weights). */
export type TfTensor4D = tfc.Tensor4D;

/** Functions of `@tensorflow/tfjs-core` the backend calls; a `tf` without one of them is refused up front. */
const REQUIRED = [
  'tidy', 'keep', 'clone', 'tensor', 'scalar', 'reshape', 'matMul', 'add', 'sub', 'mul', 'conv2d', 'conv2dTranspose', 'depthwiseConv2d',
  'avgPool', 'maxPool', 'pad', 'slice', 'stridedSlice', 'concat', 'stack', 'equal', 'greater', 'less', 'logicalAnd', 'cast', 'addN',
  'divNoNan', 'relu', 'tanh', 'sigmoid', 'minimum', 'square', 'abs', 'sqrt', 'onesLike', 'zeros', 'softmax', 'sum', 'clipByValue',
  'isFinite', 'all', 'engine', 'getKernel', 'findBackendFactory', 'getBackend', 'setBackend', 'ready', 'memory',
] as const;

/**
 * Checks that `tf` is a tfjs-core instance (every function the backend calls is there) and types it
 * as one. Anything else is `E_BACKEND` naming the first member missing.
 */
export function asTfjsCore(tf: unknown, where = 'tf'): TfjsCore {
  if (typeof tf !== 'object' || tf === null) {
    throw new LrpError('E_BACKEND', `expects a TensorFlow.js instance (import * as tf from '@tensorflow/tfjs'), got ${tf === null ? 'null' : typeof tf}`, where);
  }
  const missing = REQUIRED.find((k) => typeof (tf as Record<string, unknown>)[k] !== 'function');
  if (missing !== undefined) {
    throw new LrpError('E_BACKEND', `not a TensorFlow.js instance: tf.${missing} is missing (lrpjs needs @tensorflow/tfjs-core 4.x)`, where);
  }
  return tf as TfjsCore;
}
