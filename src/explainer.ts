import { type BackendName, createBackend } from './backends/index.js';
import type { TfjsInstance } from './backends/tfjs/tfjs-instance.js';
import { type SamplingOptions, attribute, withPlanDefaults } from './engine/attribution.js';
import { walkBackward } from './engine/backward.js';
import { type Trace, forwardTrace } from './engine/forward.js';
import { type Target, initialRelevance } from './engine/initial.js';
import { type Limits, checkCost, checkMemory, explanationFactor, resolveLimits } from './engine/budget.js';
import { firstNonFiniteValue } from './engine/numeric-check.js';
import type { Ops } from './engine/ops.js';
import { PreparedModel } from './engine/prepared.js';
import { LrpError } from './errors.js';
import { dropSoftmax } from './model/build.js';
import { type FoldedBatchNorm, foldBatchNorms } from './model/canonize.js';
import type { Model } from './model/layers.js';
import { checkLayoutRank, toModelLayout, toNodeLayout } from './model/layout.js';
import { type RunPlan, planRun } from './engine/run-plan.js';
import { type RulePlan, type RuleSpec, resolveRules } from './rules/plan.js';
import { type Tensor, showShape, sizeOf } from './tensor.js';
import { type PoolOptions, type PooledExplainer, startPool } from './workers/pooled-explainer.js';

/** Default {@link ExplainerOptions.retainMemory}: 256 MiB. */
export const DEFAULT_RETAIN_MEMORY = 256 * 2 ** 20;

/**
 * Options of {@link createExplainer}. `maxMemory` and `maxCost` ({@link Limits}) bound every
 * request; `forward` and `explain` may override them per call.
 */
export interface ExplainerOptions extends Limits {
  /** Backend by name (default `auto`: wasm where WebAssembly runs, else js), or a backend instance from `createBackend`. */
  readonly backend?: BackendName | Ops<unknown>;
  /**
   * The TensorFlow.js instance for backends `tfjs` and `gpu` (`import * as tf from '@tensorflow/tfjs'`);
   * without it lrpjs imports `@tensorflow/tfjs-core` and a tfjs backend package itself.
   */
  readonly tf?: TfjsInstance;
  /** Keep a final SoftMax layer (dropped by default, as the toolbox demos do: explain the logits). */
  readonly keepSoftmax?: boolean;
  /**
   * Canonize the model first (default `true`): fold each BatchNorm into the dense/conv/depthwise
   * node before it ({@link foldBatchNorms}, Zennit's MergeBatchNorm), so LRP rules see one layer.
   * `false` keeps BatchNorm nodes, explained as diagonal linear layers under their own rule.
   */
  readonly canonize?: boolean;
  /**
   * Bytes of backend storage an idle explainer may keep (default {@link DEFAULT_RETAIN_MEMORY},
   * 256 MiB): when the last forward pass is disposed and the wasm instance's memory grew beyond
   * this, a fresh instance takes over (weights moved over) and the memory is given back.
   */
  readonly retainMemory?: number;
  /**
   * Return NaN and ±Infinity instead of failing (default `false`: an output or relevance that is
   * not finite is `E_NUMERIC` naming the first layer where it appeared, and the rule).
   */
  readonly allowNonFinite?: boolean;
}

/** Options of one explanation: how (rules, method), what (target) and where (layer), and the cost budget. */
export interface ExplainOptions extends RuleSpec, SamplingOptions, Limits {
  /** Output to explain: `'argmax'` (default), a class, or a class per sample. */
  readonly target?: Target;
  /** Explicit initial relevance of the output's shape (overrides `target`). */
  readonly initial?: Tensor;
  /** Return the relevance at the input of this layer instead of the model input (default 0). */
  readonly relevanceAt?: number;
  /** Also return the relevance entering every layer (`lrp`, `gradient`, `deconvnet`, `guided-backprop`). */
  readonly allLayers?: boolean;
}

/** The result of an explanation. */
export interface Explanation {
  /** Model output (logits when the SoftMax was dropped). */
  readonly output: Tensor;
  /** Relevance (or attribution) at the requested layer input, same shape as that input. */
  readonly relevance: Tensor;
  /** The initial relevance R0 on the output. */
  readonly initial: Tensor;
  /** Class explained per sample (`null` when `initial` was given). */
  readonly target: Int32Array | null;
  /** With `allLayers`: `layers[i]` the relevance entering layer i, `layers[L]` = R0. */
  readonly layers?: Tensor[];
}

function checkInput(input: Tensor): void {
  if (typeof input !== 'object' || input === null || !Array.isArray(input.shape) || !(ArrayBuffer.isView(input.data) || Array.isArray(input.data))) {
    throw new LrpError('E_INPUT', 'expects a tensor {data: Float32Array | Float64Array, shape: number[]}', 'input');
  }
  if (input.shape.length < 2) {
    throw new LrpError('E_SHAPE', `input shape ${showShape(input.shape)} needs a batch dimension first: [N, ...]`, 'input');
  }
  if (input.shape.some((d) => !Number.isSafeInteger(d) || d < 1) || sizeOf(input.shape) !== input.data.length) {
    throw new LrpError('E_SHAPE', `input shape ${showShape(input.shape)} does not match its ${input.data.length} values`, 'input');
  }
  for (let i = 0; i < input.data.length; i++) {
    if (!Number.isFinite(input.data[i])) throw new LrpError('E_INPUT', `element ${i} is ${input.data[i]}`, 'input');
  }
}

/**
 * Open forward passes per backend. The backend's run scope opens with the first pass and closes
 * (freeing the arena) when the last open pass is disposed, so passes may overlap freely.
 */
const openPasses = new WeakMap<Ops<unknown>, number>();

function retainScope(ops: Ops<unknown>): void {
  const n = openPasses.get(ops) ?? 0;
  if (n === 0) ops.beginScope();
  openPasses.set(ops, n + 1);
}

/** Closes the run scope with the last open pass; an idle backend then gives back storage above `retain` bytes. */
function releaseScope(ops: Ops<unknown>, retain: number): void {
  const n = (openPasses.get(ops) ?? 1) - 1;
  openPasses.set(ops, n);
  if (n === 0) {
    ops.endScope();
    ops.trim?.(retain);
  }
}

/** What a forward pass shares with its explainer. */
interface PassContext {
  readonly pm: PreparedModel<unknown>;
  readonly plan: RunPlan;
  readonly options: ExplainerOptions;
  /** The budgets the pass was planned under. */
  readonly limits: Required<Limits>;
}

/**
 * A forward pass kept for explanations (the toolbox's `lrp_aware`): explain it as often as needed
 * — other targets, rules, methods — without running the model again. Dispose when done.
 */
export class ForwardPass {
  /** Model output (a 4-D output in the model's layout, see `Model.inputLayout`). */
  readonly output: Tensor;
  /** The output as the last node gives it (NHWC). */
  private readonly nodeOutput: Tensor;
  private released = false;

  private readonly pm: PreparedModel<unknown>;

  /** @internal */
  constructor(
    private readonly context: PassContext,
    private readonly trace: Trace<unknown>,
    private readonly input: Tensor,
  ) {
    this.pm = context.pm;
    const L = trace.acts.length - 1;
    this.nodeOutput = { data: this.pm.ops.read(trace.acts[L]), shape: [trace.batch, ...trace.shapes[L]] };
    this.output = toModelLayout(this.pm.model, this.nodeOutput);
  }

  /**
   * Explains this pass; see {@link ExplainOptions}. An explanation whose estimated cost per sample
   * exceeds `maxCost` is refused (`E_RANGE`) before it runs.
   */
  explain(options: ExplainOptions = {}): Explanation {
    if (this.released) throw new LrpError('E_USAGE', 'this forward pass was disposed');
    const { pm } = this;
    const ops = pm.ops;
    const plan = resolveRules(pm.model, options);
    const sampled = withPlanDefaults(plan, options);
    const { maxCost } = resolveLimits(this.context.limits, options);
    checkCost(this.context.plan, explanationFactor(plan.method, sampled), `an explanation by ${plan.method}`, maxCost);
    const L = pm.model.layers.length;
    const stopAt = options.relevanceAt ?? 0;
    if (!Number.isInteger(stopAt) || stopAt < 0 || stopAt > L) {
      throw new LrpError('E_RANGE', `layer index ${stopAt} is out of range 0..${L}`, 'relevanceAt');
    }
    // Targets and an explicit initial relevance refer to the output in the model's layout.
    const init = initialRelevance(this.output.data, this.output.shape, options.target, options.initial);
    const R0 = Float64Array.from(toNodeLayout(pm.model, { data: init.R0, shape: this.output.shape }).data);
    const { target } = init;
    // Every tensor of this explanation is released at its end: many explanations of one pass
    // run in constant memory.
    const mark = ops.mark?.();
    try {
      return this.explainFrom(plan, stopAt, R0, target, sampled);
    } finally {
      if (mark !== undefined) ops.release?.(mark);
    }
  }

  private explainFrom(plan: RulePlan, stopAt: number, R0: Float64Array, target: Int32Array | null, options: ExplainOptions): Explanation {
    const { pm, trace } = this;
    const ops = pm.ops;
    const r0 = ops.tensor(R0, this.nodeOutput.shape);
    // One forward + gradient per sampled input; its tensors are released before the next step.
    const gradientAt = (x: Float64Array): Float64Array => {
      const mark = ops.mark?.();
      try {
        const t = forwardTrace(pm, ops.tensor(x, this.input.shape));
        return Float64Array.from(ops.read(walkBackward(pm, t, r0, { kind: 'gradient', mode: 'gradient', ties: plan.gradientTies }).result));
      } finally {
        if (mark !== undefined) ops.release?.(mark);
      }
    };
    const res = attribute(pm, trace, r0, plan.method, plan, stopAt, gradientAt, options);
    const precision = (a: Float64Array): Float32Array | Float64Array => (ops.precision === 'float32' ? Float32Array.from(a) : a);
    const relevance = precision(res.result);
    const bad = this.context.options.allowNonFinite ? -1 : firstNonFiniteValue(relevance);
    if (bad >= 0) {
      throw new LrpError('E_NUMERIC', `method ${plan.method} gave ${relevance[bad]} at element ${bad}${ops.precision === 'float32' ? ' in float32 (the js backend computes in float64)' : ''}`, 'relevance');
    }
    const model = pm.model;
    const explanation: Explanation = {
      output: this.output,
      relevance: toModelLayout(model, { data: relevance, shape: res.shape }),
      initial: toModelLayout(model, { data: precision(R0), shape: this.nodeOutput.shape }),
      target,
    };
    if (!options.allLayers) return explanation;
    if (!res.layers) throw new LrpError('E_USAGE', `allLayers is not available for method '${plan.method}'`);
    const layers = res.layers.map((t, i) =>
      t === undefined ? { data: new Float64Array(0), shape: [0] } : toModelLayout(model, { data: ops.read(t), shape: [trace.batch, ...trace.shapes[i]] }),
    );
    return { ...explanation, layers };
  }

  /** Releases the kept activations (ends the backend's run scope). */
  dispose(): void {
    if (this.released) return;
    this.released = true;
    releaseScope(this.pm.ops, this.context.options.retainMemory ?? DEFAULT_RETAIN_MEMORY);
  }
}

/** What {@link Explainer.backendInfo} reports. */
export interface BackendInfo {
  /** The lrpjs backend: `js`, `wasm` or `tfjs`. */
  readonly backend: string;
  /** What it runs on: the tfjs backend (`webgpu`, `webgl`, `wasm`, `cpu`), else the backend's name. */
  readonly device: string;
  /** Why: what was asked for and, for `gpu`, which adapters were looked at. */
  readonly reason: string;
}

/** Explains a model's predictions on one backend. Create with {@link createExplainer}. */
export class Explainer {
  /** @internal */
  constructor(
    /** The model as explained (final SoftMax dropped unless kept, BatchNorms folded unless `canonize: false`). */
    readonly model: Model,
    private readonly pm: PreparedModel<unknown>,
    private readonly options: ExplainerOptions,
    /** The BatchNorms folded by canonization (empty with `canonize: false`). */
    readonly folded: readonly FoldedBatchNorm[] = [],
  ) {}

  /** The backend's name (`js`, `wasm`, `tfjs`). */
  get backend(): string {
    return this.pm.ops.name;
  }

  /** Which backend runs, on what (the tfjs backend: `webgpu`, `webgl`, `wasm`, `cpu`), and why. */
  get backendInfo(): BackendInfo {
    const ops = this.pm.ops;
    const asked = this.options.backend;
    const request = typeof asked === 'object' ? 'a backend instance' : `backend '${asked ?? 'auto'}'`;
    return { backend: ops.name, device: ops.placement?.device ?? ops.name, reason: ops.placement?.reason ?? `${request} runs on ${ops.name}` };
  }

  /**
   * The plan of a request on `input` (shapes, bytes and cost per layer), checked against the
   * budgets: `E_SHAPE` naming the layer for shapes that do not fit or absurd windows and padding,
   * `E_RANGE` with the figures for a plan over `maxMemory` or (with `costFactor` times the forward
   * pass) over `maxCost`.
   */
  plan(input: Tensor, limits: Limits = {}, costFactor = 1, what = 'the forward pass'): RunPlan {
    checkInput(input);
    checkLayoutRank(this.pm.model, input, 'input');
    const ops = this.pm.ops;
    const shape = this.pm.model.inputLayout === 'nchw' ? [input.shape[0]!, input.shape[2]!, input.shape[3]!, input.shape[1]!] : input.shape;
    const plan = planRun(this.pm.model, shape.slice(1), shape[0]!, ops.precision === 'float32' ? 4 : 8);
    const { maxMemory, maxCost } = resolveLimits(this.options, limits);
    checkMemory(plan, maxMemory);
    checkCost(plan, costFactor, what, maxCost);
    return plan;
  }

  /**
   * Runs the model and keeps what the explanations need. The request is planned first (see
   * {@link Explainer.plan}); a refused or failed request leaves the explainer as it was.
   */
  forward(input: Tensor, limits: Limits = {}): ForwardPass {
    const plan = this.plan(input, limits);
    const ops: Ops<unknown> = this.pm.ops;
    const resolved = resolveLimits(this.options, limits);
    const retain = this.options.retainMemory ?? DEFAULT_RETAIN_MEMORY;
    ops.limitMemory?.(resolved.maxMemory);
    retainScope(ops);
    try {
      ops.reserve?.(plan.runBytes);
      const x = toNodeLayout(this.pm.model, input);
      const trace = forwardTrace(this.pm, ops.tensor(x.data, x.shape));
      return new ForwardPass({ pm: this.pm, plan, options: this.options, limits: resolved }, trace, x);
    } catch (e) {
      releaseScope(ops, retain);
      throw e;
    }
  }

  /** Forward pass and one explanation; the cost of both is checked against `maxCost` before either runs. */
  explain(input: Tensor, options: ExplainOptions = {}): Explanation {
    const rulePlan = resolveRules(this.pm.model, options);
    const { method } = rulePlan;
    this.plan(input, options, 1 + explanationFactor(method, withPlanDefaults(rulePlan, options)), `an explanation by ${method} with its forward pass`);
    const pass = this.forward(input, options);
    try {
      return pass.explain(options);
    } finally {
      pass.dispose();
    }
  }

  /** Releases the model's uploaded weights. */
  dispose(): void {
    this.pm.dispose();
  }
}

/**
 * Creates an {@link Explainer} for `model` on a backend (default `auto`). The final SoftMax is
 * dropped unless `keepSoftmax` is set, so the default initial relevance is the explained logit.
 * Every request is planned and checked against `maxMemory` and `maxCost` before it runs; outputs
 * and relevances are checked for non-finite values unless `allowNonFinite` (see {@link ExplainerOptions}).
 *
 * With `workers` ({@link PoolOptions}: a count, `'auto'` for the cores available, `0` for
 * in-thread) it creates a {@link PooledExplainer} instead: the same explanations, bit for bit,
 * with batches split across worker threads and an asynchronous `explain`.
 */
export async function createExplainer(model: Model, options: ExplainerOptions & PoolOptions): Promise<PooledExplainer>;
export async function createExplainer(model: Model, options?: ExplainerOptions & { readonly workers?: undefined }): Promise<Explainer>;
export async function createExplainer(model: Model, options?: ExplainerOptions & Partial<PoolOptions>): Promise<Explainer | PooledExplainer>;
export async function createExplainer(model: Model, options: ExplainerOptions & Partial<PoolOptions> = {}): Promise<Explainer | PooledExplainer> {
  const { workers, minPoolBatch, ...inThread } = options;
  const local = await createInThread(model, inThread);
  if (workers === undefined) return local;
  try {
    return await startPool(local, model, { ...inThread, workers, minPoolBatch });
  } catch (e) {
    local.dispose();
    throw e;
  }
}

async function createInThread(model: Model, options: ExplainerOptions): Promise<Explainer> {
  const ops = typeof options.backend === 'object' ? options.backend : await createBackend(options.backend ?? 'auto', { tf: options.tf });
  const kept = options.keepSoftmax ? model : dropSoftmax(model);
  const { model: m, folded } = options.canonize === false ? { model: kept, folded: [] } : foldBatchNorms(kept);
  const { maxMemory } = resolveLimits(options);
  const retain = options.retainMemory ?? DEFAULT_RETAIN_MEMORY;
  if (!(retain >= 0)) throw new LrpError('E_USAGE', `retainMemory must be a number of bytes >= 0, got ${String(retain)}`, 'retainMemory');
  ops.limitMemory?.(maxMemory);
  const pm = new PreparedModel(ops, m, { checkFinite: !options.allowNonFinite });
  pm.uploadAll();
  return new Explainer(m, pm, options, folded);
}
