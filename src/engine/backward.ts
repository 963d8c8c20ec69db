import { layerWhere } from '../model/layers.js';
import type { RulePlan } from '../rules/plan.js';
import { formatRule } from '../rules/rule.js';
import { sizeOf } from '../tensor.js';
import type { Trace } from './forward.js';
import type { GradientMode } from './grad-step.js';
import { gradNodeStep, lrpNodeStep } from './node-steps.js';
import { LrpError } from '../errors.js';
import { checkRelevanceFinite, deviceCheck } from './numeric-check.js';
import type { MaxTies } from './ops.js';
import type { PreparedModel } from './prepared.js';

/** How the walk treats each layer: LRP rules, or one of the gradient-family maps. */
export type WalkMode =
  | { readonly kind: 'lrp'; readonly plan: RulePlan }
  /** `ties`: how max pools route tied maxima (default `'split'`, see `Ops.maxRoute`). */
  | { readonly kind: 'gradient'; readonly mode: GradientMode; readonly ties?: MaxTies };

/** Result of a backward walk: the signal at `acts` index `stopAt`, and optionally at every index above it. */
export interface Walk<T> {
  readonly result: T;
  /**
   * `layers[k]`: the signal at `acts` index k (the output of node k − 1; in a chain the input of
   * layer k), for k ≥ stopAt; `layers[L]` the initial one. `undefined` where none arrives.
   */
  readonly layers: (T | undefined)[] | null;
}

/** How a walk treats layer `index`, for messages: `rule epsilon=0.01 (method lrp)`, `method gradient`. */
export function describeStep(how: WalkMode, index: number): string {
  if (how.kind === 'gradient') return `method ${how.mode}`;
  const rule = how.plan.rules[index];
  return `${rule ? `rule ${formatRule(rule)}` : "the layer's default rule"} (method ${how.plan.method})`;
}

/**
 * Walks the nodes in reverse topological order from `R0` on the model output down to node
 * `stopAt`. The signal reaching a node's output is the sum over its consumers (all later nodes, so
 * it is complete when the walk gets there); each node hands one share to each of its inputs. The
 * result is the signal at `acts` index `stopAt` (0: the model input). A node whose output receives
 * nothing passes nothing on. One forward trace serves any number of walks. Where the prepared model
 * checks values, a NaN or ±Infinity is `E_NUMERIC` naming the first node of the walk (and its rule)
 * that produced one.
 */
export function walkBackward<T>(pm: PreparedModel<T>, trace: Trace<T>, R0: T, how: WalkMode, stopAt = 0, keepLayers = false, checkEach = false): Walk<T> {
  const { ops } = pm;
  // On a backend that folds checks on the device the walk reads once; where that finds a non-finite
  // value the walk runs again checking each step, which names the first one.
  const onDevice = pm.checkFinite && !checkEach ? deviceCheck(ops) : undefined;
  const L = pm.model.layers.length;
  // pending[k]: the signal gathered so far at acts index k.
  // Stryker disable next-line ObjectLiteral,ArithmeticOperator: equivalent, a JS array grows on assignment
  const pending = Array.from<T | undefined>({ length: L + 1 });
  pending[L] = R0;
  const layers: (T | undefined)[] | null = keepLayers ? Array.from<T | undefined>({ length: L + 1 }) : null;
  if (layers) layers[L] = R0;
  // Frees a signal no longer needed: never R0, a kept layer, or a handle still gathered elsewhere
  // (an add node hands the same gradient to each of its inputs).
  const release = (t: T): void => {
    if (!layers && t !== R0 && !pending.includes(t)) ops.dispose(t);
  };
  for (let i = L - 1; i >= stopAt; i--) {
    const R = pending[i + 1];
    pending[i + 1] = undefined;
    if (R === undefined) continue;
    const shares = how.kind === 'lrp' ? lrpNodeStep(pm, trace, i, R, how.plan.rules[i] ?? null) : gradNodeStep(pm, trace, i, R, how.mode, how.ties);
    const sources = trace.sources[i]!;
    shares.forEach((share, s) => {
      const k = sources[s]!;
      if (onDevice) onDevice.add(share);
      else if (pm.checkFinite) checkRelevanceFinite(ops, share, layerWhere(pm.model.layers, i), () => describeStep(how, i), sizeOf(trace.shapes[k]!));
      const before = pending[k];
      if (before === undefined) pending[k] = share;
      else {
        pending[k] = ops.binary('add', before, share);
        release(before);
        if (!shares.includes(share, s + 1)) release(share);
      }
      if (layers && k >= stopAt) layers[k] = pending[k];
    });
    if (!shares.includes(R)) release(R);
  }
  if (onDevice && !onDevice.allFinite()) {
    walkBackward(pm, trace, R0, how, stopAt, keepLayers, true);
    throw new LrpError('E_NUMERIC', `the relevance became NaN or infinite under ${describeStep(how, stopAt)} (a second walk did not repeat it)`);
  }
  const result = pending[stopAt] ?? ops.scale(trace.acts[stopAt]!, 0);
  return { result, layers };
}
