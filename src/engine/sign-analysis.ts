import { nodeSources } from '../model/graph.js';
import type { Layer, Model } from '../model/layers.js';

/** Whether a node's output is ≥ 0 given whether each of its inputs is. */
function outputNonNegative(layer: Layer, inputs: readonly boolean[]): boolean {
  switch (layer.kind) {
    case 'relu': case 'sigmoid': case 'softmax': case 'relu6':
      return true;
    case 'clip':
      return layer.min >= 0 || inputs.every((v) => v);
    case 'leakyrelu':
      return inputs.every((v) => v);
    case 'maxpool': case 'sumpool': case 'avgpool': case 'flatten': case 'reshape': case 'pad': case 'identity':
    case 'globalavgpool': case 'globalmaxpool': case 'add': case 'concat':
      return inputs.every((v) => v);
    // Stryker disable next-line ConditionalExpression: equivalent, undefined is as falsy as false everywhere it is read
    default:
      return false;
  }
}

/**
 * Which nodes certainly receive non-negative inputs, from the model's structure alone: outputs of
 * ReLU, ReLU6, sigmoid and SoftMax are ≥ 0, and pooling, reshapes, padding, sums and concatenations
 * of non-negative inputs stay so. The model input is not assumed to be non-negative. Where `x ≥ 0`,
 * the rules' `x⁻` terms vanish exactly and `x⁺ = x`, so the LRP step skips them (α-β does half the
 * products). `result[i]`: every input of node i is non-negative.
 */
export function nonNegativeInputs(model: Model): boolean[] {
  const sources = nodeSources(model);
  const outputs: boolean[] = [];
  // Stryker disable next-line ConditionalExpression: equivalent, outputs[-1] is undefined
  const at = (j: number): boolean => (j < 0 ? false : outputs[j]!);
  return model.layers.map((layer, i) => {
    const inputs = sources[i]!.map(at);
    outputs.push(outputNonNegative(layer, inputs));
    return inputs.every((v) => v);
  });
}
