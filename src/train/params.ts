import type { Ops } from '../engine/ops.js';
import { PreparedModel } from '../engine/prepared.js';
import { type Layer, type Model, isParamLayer } from '../model/layers.js';

/** Gradient of the loss with respect to one weight layer's parameters (float64, the layer's layouts). */
export interface LayerGradient {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * The mutable parameters of a model under training. Model descriptors are immutable, so this holds
 * float64 copies of every weight and bias and a live model whose layers point at them; updates
 * change the copies in place on the host. The model uploaded to a backend is cached as a
 * {@link PreparedModel} and invalidated by each update, so an iteration uploads each parameter
 * once (into the same param slots on wasm, whose free list reuses them).
 */
export class TrainableParams {
  /** The live model (its weight arrays change with every update; snapshot it to keep a state). */
  readonly model: Model;
  private readonly velocity: (LayerGradient | null)[];
  private prepared: PreparedModel<unknown> | null = null;

  constructor(model: Model) {
    const layers: Layer[] = model.layers.map((l) => (isParamLayer(l) ? { ...l, weights: l.weights.slice(), bias: l.bias.slice() } : l));
    this.model = { layers };
    this.velocity = layers.map(() => null);
  }

  /** The model uploaded to `ops` with the current parameters (uploaded on first use after an update). */
  prepare<T>(ops: Ops<T>): PreparedModel<T> {
    if (this.prepared && this.prepared.ops !== (ops as Ops<unknown>)) this.invalidate();
    this.prepared ??= new PreparedModel(ops as Ops<unknown>, this.model);
    return this.prepared as PreparedModel<T>;
  }

  /** Releases the uploaded parameters (the next {@link TrainableParams.prepare} uploads again). */
  invalidate(): void {
    this.prepared?.dispose();
    this.prepared = null;
  }

  /**
   * One SGD step: `v = μ·v + g`, `p −= lrate·v` for every weight layer's gradient (`μ` = momentum,
   * 0 for plain SGD); `grads[i]` is `null` for layers without parameters.
   */
  step(grads: readonly (LayerGradient | null)[], lrate: number, momentum: number): void {
    this.invalidate();
    this.model.layers.forEach((l, i) => {
      const g = grads[i];
      if (!g || !isParamLayer(l)) return;
      const v = (this.velocity[i] ??= { weights: new Float64Array(l.weights.length), bias: new Float64Array(l.bias.length) });
      update(l.weights, v.weights, g.weights, lrate, momentum);
      update(l.bias, v.bias, g.bias, lrate, momentum);
    });
  }

  /** An immutable copy of the current parameters. */
  snapshot(): Model {
    return { layers: this.model.layers.map((l) => (isParamLayer(l) ? { ...l, weights: l.weights.slice(), bias: l.bias.slice() } : l)) };
  }
}

function update(p: Float64Array, v: Float64Array, g: Float64Array, lrate: number, momentum: number): void {
  for (let k = 0; k < p.length; k++) {
    const vk = momentum * v[k]! + g[k]!;
    v[k] = vk;
    p[k]! -= lrate * vk;
  }
}
