import type { RulePlan } from '../rules/plan.js';
import { formatRule } from '../rules/rule.js';
import type { Trace } from './forward.js';
import { type GradientMode, gradStep } from './grad-step.js';
import { lrpStep } from './lrp-step.js';
import { checkRelevanceFinite } from './numeric-check.js';
import { layerWhere } from '../model/layers.js';
import { sizeOf } from '../tensor.js';
import type { PreparedModel } from './prepared.js';

/** How the walk treats each layer: LRP rules, or one of the gradient-family maps. */
export type WalkMode = { readonly kind: 'lrp'; readonly plan: RulePlan } | { readonly kind: 'gradient'; readonly mode: GradientMode };

/** Result of a backward walk: the signal at the input of layer `stopAt`, and optionally at every layer input above it. */
export interface Walk<T> {
  readonly result: T;
  /** `layers[i]`: the signal entering layer i from above (i ≥ stopAt), `layers[L]` the initial one. */
  readonly layers: (T | undefined)[] | null;
}

/** How a walk treats layer `index`, for messages: `rule epsilon=0.01 (method lrp)`, `method gradient`. */
export function describeStep(how: WalkMode, index: number): string {
  if (how.kind === 'gradient') return `method ${how.mode}`;
  const rule = how.plan.rules[index];
  return `${rule ? `rule ${formatRule(rule)}` : "the layer's default rule"} (method ${how.plan.method})`;
}

/**
 * Walks the layers from the top down to the input of layer `stopAt` (0: the model input), starting
 * from `R0` on the model output. One forward trace serves any number of walks. Where the prepared
 * model checks values, a NaN or ±Infinity is `E_NUMERIC` naming the first layer of the walk (and
 * its rule) that produced one.
 */
export function walkBackward<T>(pm: PreparedModel<T>, trace: Trace<T>, R0: T, how: WalkMode, stopAt = 0, keepLayers = false): Walk<T> {
  const L = pm.model.layers.length;
  const layers: (T | undefined)[] | null = keepLayers ? new Array<T | undefined>(L + 1) : null;
  if (layers) layers[L] = R0;
  let R = R0;
  for (let i = L - 1; i >= stopAt; i--) {
    const next = how.kind === 'lrp' ? lrpStep(pm, trace, i, R, how.plan.rules[i]) : gradStep(pm, trace, i, R, how.mode);
    if (pm.checkFinite) checkRelevanceFinite(pm.ops, next, layerWhere(pm.model.layers, i), () => describeStep(how, i), sizeOf(trace.shapes[i]));
    if (layers) layers[i] = next;
    else if (R !== R0 && R !== next) pm.ops.dispose(R);
    R = next;
  }
  return { result: R, layers };
}
