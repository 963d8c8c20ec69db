import { LrpError } from '../errors.js';
import { layerWhere } from '../model/layers.js';
import { concatAxis } from '../model/shapes.js';
import type { Rule } from '../rules/rule.js';
import { repeatPerSample, sizeOf } from '../tensor.js';
import type { Trace } from './forward.js';
import { type GradientMode, gradStep } from './grad-step.js';
import { lrpStep, maskedRelevance } from './lrp-step.js';
import type { MaxTies } from './ops.js';
import { type PreparedModel, modifyValue } from './prepared.js';
import { type InputMode, ruleGroups } from './rule-terms.js';

/**
 * Relevance (or gradient) of one node for each of its inputs, in the order of its `from`:
 * single-input nodes through {@link lrpStep} / {@link gradStep}, `add` and `concat` here.
 */

/** `concat`: each input gets its slice of the signal along the node's axis. */
function concatSplit<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, R: T): T[] {
  const layer = pm.model.layers[i]!;
  const sources = trace.sources[i]!;
  const rank = trace.shapes[i + 1]!.length;
  // Stryker disable next-line ConditionalExpression,UnaryOperator: equivalent, only concat nodes get here (the test narrows the type)
  const axis = concatAxis(layer.kind === 'concat' ? layer.axis : -1, rank, layerWhere(pm.model.layers, i));
  let start = 0;
  return sources.map((k) => {
    const size = trace.shapes[k]![axis]!;
    const part = pm.ops.slice(R, axis + 1, start, size);
    start += size;
    return part;
  });
}

/**
 * `add` under a rule: an add node is a dense layer with weight 1 from every input element to its
 * sum, so every rule applies through its ratio groups (`R_k = x_k · R / stab(Σ_k x_k)` for LRP-0 and
 * ε; z⁺ and α-β split the contributions by sign; flat and w² share equally). No bias.
 */
function addSplit<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, R: T, rule: Rule | null): T[] {
  const { ops } = pm;
  const where = layerWhere(pm.model.layers, i);
  const r = rule ?? { name: 'simple' as const };
  if (r.name === 'pass') throw new LrpError('E_RULE', "rule 'pass' needs one input; an add node splits relevance by its inputs' shares", where);
  const xs = trace.sources[i]!.map((k) => trace.acts[k]!);
  const sample = trace.shapes[i + 1]!;
  const temps: T[] = [];
  const input = (x: T, mode: InputMode): T => {
    if (mode === 'id') return x;
    let t: T;
    if (mode === 'low' || mode === 'high') {
      if (r.name !== 'zbox') throw new LrpError('E_RULE', `input mode ${mode} needs the zbox rule`, where);
      t = ops.tensor(repeatPerSample(r[mode], trace.batch, sizeOf(sample), 'zbox bound', 'the node input', where), [trace.batch, ...sample]);
    } else t = ops.unary(mode, x);
    temps.push(t);
    return t;
  };
  // Frees what this step made, never the node's inputs (trace activations) or R.
  const borrowed = new Set<T>([...xs, R]);
  const free = (t: T): void => {
    if (!borrowed.has(t) && !temps.includes(t)) ops.dispose(t);
  };
  const times = (t: T, c: number): T => {
    // Stryker disable next-line ConditionalExpression: equivalent, scaling by 1
    if (c === 1) return t;
    const r = ops.scale(t, c);
    free(t);
    return r;
  };
  const sumInto = (acc: T | null, t: T, sign: number): T => {
    const term = times(t, sign);
    if (acc === null) return term;
    const s = ops.binary('add', acc, term);
    free(acc);
    free(term);
    return s;
  };
  // Stryker disable next-line ArrowFunction: equivalent, undefined is read through ?? like null
  const out: (T | null)[] = xs.map(() => null);
  for (const group of ruleGroups(r, false)) {
    // Stryker disable next-line MethodExpression,ConditionalExpression: equivalent, a zero weight only adds zero terms
    const terms = group.terms.map((term) => ({ term, c: modifyValue(term.w, 1) })).filter((p) => p.c !== 0);
    // Stryker disable next-line ConditionalExpression: equivalent, every rule's groups have a non-zero term on an add's weight 1
    if (terms.length === 0) continue;
    const plain = terms.length === 1 && terms[0]!.term.x === 'id' && terms[0]!.c === 1 && terms[0]!.term.sign === 1;
    let z: T | null = plain ? trace.acts[i + 1]! : null;
    if (!plain) for (const x of xs) for (const { term, c } of terms) z = sumInto(z, times(input(x, term.x), c), term.sign);
    const Rm = maskedRelevance(ops, R, trace.acts[i + 1]!, group.mask);
    const s = ops.divStab(Rm, z!, { eps: group.eps });
    if (Rm !== R) ops.dispose(Rm);
    if (!plain) free(z!);
    xs.forEach((x, k) => {
      let contrib: T | null = null;
      for (const { term, c } of terms) {
        const xc = times(input(x, term.x), c);
        const prod = ops.binary('mul', xc, s);
        free(xc);
        contrib = sumInto(contrib, prod, term.sign);
      }
      // Stryker disable next-line ConditionalExpression: equivalent, terms is not empty here
      if (contrib !== null) out[k] = sumInto(out[k] ?? null, times(contrib, group.coef), 1);
    });
    free(s);
  }
  for (const t of temps) ops.dispose(t);
  return out.map((t, k) => t ?? ops.scale(xs[k]!, 0));
}

/** LRP relevance of node `i` for each of its inputs, from the relevance `R` at its output. */
export function lrpNodeStep<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, R: T, rule: Rule | null): T[] {
  const layer = pm.model.layers[i]!;
  if (layer.kind === 'add') return addSplit(pm, trace, i, R, rule);
  if (layer.kind === 'concat') return concatSplit(pm, trace, i, R);
  return [lrpStep(pm, trace, i, R, rule)];
}

/** Gradient-family signal of node `i` for each of its inputs: `add` hands each the same signal, `concat` slices it. */
export function gradNodeStep<T>(pm: PreparedModel<T>, trace: Trace<T>, i: number, G: T, mode: GradientMode, ties: MaxTies = 'split'): T[] {
  const layer = pm.model.layers[i]!;
  if (layer.kind === 'add') return trace.sources[i]!.map(() => G);
  if (layer.kind === 'concat') return concatSplit(pm, trace, i, G);
  return [gradStep(pm, trace, i, G, mode, ties)];
}

