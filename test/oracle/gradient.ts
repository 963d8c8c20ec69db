/**
 * The oracle's gradient family, per neuron: the transpose of each layer's Jacobian applied to the
 * incoming signal G (vector-Jacobian product), written from the layer definitions over the explicit
 * {@link Wiring}. At ReLU: gradient `G·[x > 0]`, deconvnet `max(G, 0)` (Zeiler & Fergus 2014),
 * guided backprop `max(G, 0)·[x > 0]` (Springenberg et al. 2015). Max pooling routes G to the window
 * maxima, split equally between ties (lrpjs's convention for the subgradient).
 */
import type { Layer } from '../../src/model/layers.js';
import type { Wiring } from './wiring.js';

/** The backward map at ReLU. */
export type OracleGradientMode = 'gradient' | 'deconvnet' | 'guided-backprop';

/** Signal entering `layer` (input `x`, output `y`) from `G` at its output. */
export function oracleGradLayer(layer: Layer, w: Wiring | null, x: Float64Array, y: Float64Array, G: Float64Array, mode: OracleGradientMode): Float64Array {
  if (w) {
    const out = new Float64Array(w.inSize);
    for (let j = 0; j < w.outSize; j++) {
      if (layer.kind === 'maxpool') {
        const winners = w.edges[j].filter((e) => x[e.from] === y[j]);
        for (const e of winners) out[e.from] += G[j] / winners.length;
        continue;
      }
      const scale = layer.kind === 'sumpool' ? 1 / Math.sqrt(layer.pool[0] * layer.pool[1]) : 1;
      for (const e of w.edges[j]) out[e.from] += e.weight * scale * G[j];
    }
    return out;
  }
  switch (layer.kind) {
    case 'relu':
      if (mode === 'gradient') return G.map((g, i) => (x[i] > 0 ? g : 0));
      if (mode === 'deconvnet') return G.map((g) => Math.max(g, 0));
      return G.map((g, i) => (x[i] > 0 ? Math.max(g, 0) : 0));
    case 'tanh':
      return G.map((g, i) => g * (1 - y[i] * y[i]));
    case 'sigmoid':
      return G.map((g, i) => g * y[i] * (1 - y[i]));
    case 'softmax': {
      // ∂y_j/∂x_i = y_j(δ_ij − y_i): (Jᵀ G)_i = y_i (G_i − Σ_j y_j G_j).
      let dot = 0;
      for (let j = 0; j < y.length; j++) dot += y[j] * G[j];
      return G.map((g, i) => y[i] * (g - dot));
    }
    default:
      return Float64Array.from(G);
  }
}
