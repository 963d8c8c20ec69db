import { LrpError } from '../errors.js';
import { isParamLayer, layerWhere } from '../model/layers.js';
import type { WindowGeometry } from '../model/shapes.js';
import type { Rule } from '../rules/rule.js';
import { repeatPerSample, showShape, sizeOf } from '../tensor.js';
import { type Trace, inputIndex } from './forward.js';
import type { Ops } from './ops.js';
import { type ParamMode, type PreparedModel, modifyValue } from './prepared.js';
import { type Group, type InputMode, maxPoolTies, ruleGroups } from './rule-terms.js';
import { averageInside, averageInsideT } from './window-counts.js';

/** A linear map and its transpose: the ρ-forward and ρ-transpose of one layer under one weight mode. */
interface LinearMap<T> {
  /** `ρ(W)·x`, plus `b` where given (weighted layers only). */
  forward(x: T, b: T | null): T;
  transpose(s: T): T;
}

function weightedMap<T>(pm: PreparedModel<T>, i: number, g: WindowGeometry | null, mode: ParamMode, sumPool: Group['sumPool']): LinearMap<T> | null {
  const { ops } = pm;
  const layer = pm.model.layers[i]!;
  switch (layer.kind) {
    case 'linear': {
      const w = pm.weight(i, mode);
      return { forward: (x, b) => ops.dense(x, w, b), transpose: (s) => ops.denseT(s, w) };
    }
    case 'conv2d': {
      const w = pm.weight(i, mode);
      return { forward: (x, b) => ops.conv(x, w, b, g!), transpose: (s) => ops.convT(s, w, g!) };
    }
    case 'depthwiseconv2d': {
      const w = pm.weight(i, mode);
      return { forward: (x, b) => ops.depthwiseConv(x, w, b, g!), transpose: (s) => ops.depthwiseConvT(s, w, g!) };
    }
    case 'batchnorm': {
      // An unfolded BatchNorm is a dense layer with the diagonal weight `scale` and bias `shift`.
      const w = pm.weight(i, mode);
      return { forward: (x, b) => ops.affine(x, w, b), transpose: (s) => ops.affine(s, w, null) };
    }
    default:
  }
  if (layer.kind === 'avgpool' && layer.excludePadding) {
    // Average over the inside elements: the implicit weight 1/count differs between windows.
    const f = (n: number): number => modifyValue(mode, 1 / n);
    if (f(1) === 0) return null;
    return {
      forward: (x) => averageInside(ops, x, g!, f),
      transpose: (s) => averageInsideT(ops, s, g!, f),
    };
  }
  // Pools: an implicit weight of 1/area (average), 1 (sum, the toolbox's) or 1/√area (sum as its module) on every window element.
  const area = g!.kH * g!.kW;
  const unit = layer.kind === 'avgpool' || layer.kind === 'globalavgpool' ? 1 / area : sumPool === 'module' ? 1 / Math.sqrt(area) : 1;
  const c = modifyValue(mode, unit);
  // Stryker disable next-line ConditionalExpression: equivalent, a zero weight only adds zero terms (skipping them is faster)
  if (c === 0) return null;
  const scaled = (t: T): T => {
    // Stryker disable next-line ConditionalExpression: equivalent, scaling by 1
    if (c === 1) return t;
    const r = ops.scale(t, c);
    ops.dispose(t);
    return r;
  };
  return { forward: (x) => scaled(ops.windowSum(x, g!)), transpose: (s) => scaled(ops.windowSumT(s, g!)) };
}

function boundTensor<T>(ops: Ops<T>, bound: number | Float64Array, batch: number, sample: readonly number[], where: string): T {
  const data = repeatPerSample(bound, batch, sizeOf(sample), 'zbox bound', `the layer input ${showShape(sample)}`, where);
  return ops.tensor(data, [batch, ...sample]);
}

function accumulate<T>(ops: Ops<T>, acc: T | null, t: T, c: number): T {
  // Stryker disable next-line ConditionalExpression: equivalent, scaling by 1
  const term = c === 1 ? t : ops.scale(t, c);
  if (term !== t) ops.dispose(t);
  if (acc === null) return term;
  const sum = ops.binary('add', acc, term);
  ops.dispose(acc);
  ops.dispose(term);
  return sum;
}

/** A group whose `z` is the plain forward product `W·x + b` (one identity term, identity bias). */
function isPlainGroup(group: Group, parts: number): boolean {
  const [t] = group.terms;
  return parts === 1 && group.terms.length === 1 && t.x === 'id' && t.w === 'id' && t.sign === 1 && group.bias === 'id';
}

/**
 * `R` where the plain output `z` of the node has the sign `mask` (`z > 0` or `z < 0`), 0 elsewhere;
 * `R` itself without a mask. `z` is viewed in `R`'s shape (global pools).
 */
export function maskedRelevance<T>(ops: Ops<T>, R: T, z: T, mask: Group['mask']): T {
  if (mask === undefined) return R;
  const zv = ops.reshape(z, ops.shape(R));
  const signed = mask === 'pos' ? zv : ops.scale(zv, -1);
  const m = ops.unary('step', signed);
  if (signed !== zv) ops.dispose(signed);
  ops.dispose(zv);
  const out = ops.binary('mul', R, m);
  ops.dispose(m);
  return out;
}

/** Relevance through a weighted or window-sum layer by the generic ratio groups of its rule. */
function groupsStep<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, R: T, groups: readonly Group[], rule: Rule): T {
  const { ops } = pm;
  const src = inputIndex(trace, i);
  const x = trace.acts[src]!;
  const g = trace.geometry[i]!;
  const where = layerWhere(pm.model.layers, i);
  const inputs = new Map<InputMode, T>();
  const input = (mode: InputMode): T => {
    let t = inputs.get(mode);
    if (t === undefined) {
      if (mode === 'id') t = x;
      else if (mode === 'low' || mode === 'high') {
        // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, only zbox's group has low/high inputs (the check narrows the type)
        if (rule.name !== 'zbox') throw new LrpError('E_RULE', `input mode ${mode} needs the zbox rule`, where);
        t = boundTensor(ops, rule[mode], trace.batch, trace.shapes[src]!, where);
      } else t = ops.unary(mode, x);
      inputs.set(mode, t);
    }
    return t;
  };
  let result: T | null = null;
  // On non-negative inputs x⁻ = 0 and x⁺ = x exactly: drop the vanishing terms, reuse x.
  const nonNegative = pm.nonNegative[i];
  for (const group of groups) {
    const terms = nonNegative
      ? group.terms.filter((t) => t.x !== 'neg').map((t) => (t.x === 'pos' ? { ...t, x: 'id' as const } : t))
      : group.terms;
    const parts = terms
      .map((term) => ({ term, map: weightedMap(pm, i, g, term.w, group.sumPool) }))
      .filter((p): p is { term: typeof p.term; map: LinearMap<T> } => p.map !== null);
    if (parts.length === 0) continue;
    // The bias joins the first term, whose sign is +1 in every group of ruleGroups.
    const layer = pm.model.layers[i]!;
    const weighted = isParamLayer(layer) || layer.kind === 'batchnorm';
    // Where ρ is the identity (LRP-0, ε, the gradient-like part of composites), z = W·x + b is
    // the layer's forward output, already in the trace: reuse it (same kernel, same bits).
    const reuse = weighted && isPlainGroup(group, parts.length);
    let z: T | null = reuse ? trace.acts[i + 1] : null;
    if (!reuse) {
      let bias = weighted ? pm.bias(i, group.bias) : null;
      for (const { term, map } of parts) {
        z = accumulate(ops, z, map.forward(input(term.x), bias), term.sign);
        bias = null;
      }
    }
    const Rm = maskedRelevance(ops, R, trace.acts[i + 1]!, group.mask);
    const s = ops.divStab(Rm, z!, { eps: group.eps });
    if (Rm !== R) ops.dispose(Rm);
    if (!reuse) ops.dispose(z!);
    let c: T | null = null;
    for (const { term, map } of parts) {
      const back = map.transpose(s);
      const prod = ops.binary('mul', input(term.x), back);
      ops.dispose(back);
      c = accumulate(ops, c, prod, term.sign);
    }
    ops.dispose(s);
    // Stryker disable next-line ConditionalExpression: equivalent, c is null only when parts is empty, skipped above
    if (c !== null) result = accumulate(ops, result, c, group.coef);
  }
  for (const [mode, t] of inputs) if (mode !== 'id') ops.dispose(t);
  return result ?? ops.scale(x, 0);
}

/**
 * Max pooling (windowed, or global on a `[N, 1, 1, C]` view `Rw` of the relevance): winner-take-all,
 * or uniform over the window for `flat` and `ww`.
 */
function maxStep<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, Rw: T, r: Rule): T {
  const { ops } = pm;
  if (r.name === 'flat' || r.name === 'ww') return groupsStep(pm, trace, i, Rw, ruleGroups({ name: 'flat' }, true), r);
  const x = trace.acts[inputIndex(trace, i)]!;
  const y = trace.acts[i + 1]!;
  const ties = maxPoolTies(r);
  if (pm.model.layers[i]!.kind === 'maxpool') return ops.maxRoute(x, y, Rw, trace.geometry[i]!, ties);
  const yv = ops.reshape(y, ops.shape(Rw));
  const out = ops.maxRoute(x, yv, Rw, trace.geometry[i]!, ties);
  ops.dispose(yv);
  return out;
}

/**
 * Relevance through layer `i` by LRP: the rule's generic ratio groups on weighted and sum/average
 * pooling layers, winner-take-all on max pooling (uniform for `flat`/`ww`), the identity on
 * activations and SoftMax, a reshape on Flatten.
 */
export function lrpStep<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, R: T, rule: Rule | null): T {
  const { ops } = pm;
  const layer = pm.model.layers[i]!;
  const src = inputIndex(trace, i);
  const inShape = [trace.batch, ...trace.shapes[src]!];
  if (rule?.name === 'pass') {
    if (sizeOf(trace.shapes[src]!) !== sizeOf(trace.shapes[i + 1]!)) {
      throw new LrpError('E_RULE', `rule 'pass' needs equal input and output sizes, got ${showShape(trace.shapes[src]!)} and ${showShape(trace.shapes[i + 1]!)}`, layerWhere(pm.model.layers, i));
    }
    return ops.reshape(R, inShape);
  }
  const r = rule ?? { name: 'simple' as const };
  // Global pools work as their windowed counterparts on a [N, 1, 1, C] view of the relevance.
  const pooled = (): T => ops.reshape(R, [trace.batch, 1, 1, trace.shapes[i + 1]![0]!]);
  const viewed = (view: T, f: (view: T) => T): T => {
    const out = f(view);
    ops.dispose(view);
    return out;
  };
  switch (layer.kind) {
    case 'linear':
    case 'conv2d':
    case 'depthwiseconv2d':
    case 'batchnorm':
      return groupsStep(pm, trace, i, R, ruleGroups(r, false), r);
    case 'sumpool':
    case 'avgpool':
      return groupsStep(pm, trace, i, R, ruleGroups(r, true), r);
    case 'globalavgpool':
      return viewed(pooled(), (Rw) => groupsStep(pm, trace, i, Rw, ruleGroups(r, true), r));
    case 'maxpool':
      return maxStep(pm, trace, i, R, r);
    case 'globalmaxpool':
      return viewed(pooled(), (Rw) => maxStep(pm, trace, i, Rw, r));
    case 'pad':
      return ops.crop(R, layer.padding);
    case 'flatten':
    case 'reshape':
      return ops.reshape(R, inShape);
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'softmax':
    case 'relu6':
    case 'clip':
    case 'leakyrelu':
    case 'identity':
      return R;
    case 'add':
    case 'concat':
      throw new LrpError('E_RULE', `a ${layer.kind} node has several inputs (see node-steps.ts)`, layerWhere(pm.model.layers, i));
  }
}
