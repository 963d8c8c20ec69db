import type { Model } from '../model/layers.js';

/**
 * Which layers certainly receive non-negative inputs, from the model's structure alone: outputs of
 * ReLU, sigmoid and SoftMax are ≥ 0, and pooling and Flatten keep the sign of what they get. The
 * model input is not assumed to be non-negative. Where `x ≥ 0`, the rules' `x⁻` terms vanish
 * exactly and `x⁺ = x`, so the LRP step skips them (α-β does half the products).
 */
export function nonNegativeInputs(model: Model): boolean[] {
  const out: boolean[] = [];
  let nonNegative = false;
  for (const layer of model.layers) {
    out.push(nonNegative);
    switch (layer.kind) {
      case 'relu': case 'sigmoid': case 'softmax':
        nonNegative = true;
        break;
      case 'maxpool': case 'sumpool': case 'avgpool': case 'flatten':
        break;
      default:
        nonNegative = false;
    }
  }
  return out;
}
