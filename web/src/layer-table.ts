/** The rows of the page's layer table: what each node of a model is, what it outputs, its parameters. Pure. */
import { layerName, type Model, nodeInputs } from '../../src/model/layers.js';
import { nodeSampleShape } from '../../src/model/layout.js';
import { inferShapes, parameterCount } from '../../src/model/shapes.js';
import { showShape, sizeOf } from '../../src/tensor.js';

/** One row of the layer table. */
export interface LayerRow {
  readonly index: number;
  /** The toolbox's module name (`Convolution`, `Rect`, ...), with the node's own name where the file gives one. */
  readonly name: string;
  /** Inputs of a graph node (`-1` is the model input), as text; empty for a chain's previous node. */
  readonly inputs: string;
  /** Output shape per sample, as the engine runs it (channels last). */
  readonly output: string;
  /** Output values per sample. */
  readonly outputSize: number;
  readonly parameters: number;
}

/** The rows for `model` given one sample of `sampleShape` (the model's input, in its layout). */
export function layerRows(model: Model, sampleShape: readonly number[]): LayerRow[] {
  const shapes = inferShapes(model, nodeSampleShape(model, sampleShape));
  return model.layers.map((layer, i) => {
    const from = nodeInputs(layer, i);
    const chained = from.length === 1 && from[0] === i - 1;
    return {
      index: i,
      name: layer.name ? `${layerName(layer)} (${layer.name})` : layerName(layer),
      inputs: chained ? '' : from.map((j) => (j < 0 ? 'input' : String(j))).join(', '),
      output: showShape(shapes[i + 1]!),
      outputSize: sizeOf(shapes[i + 1]!),
      parameters: parameterCount(layer),
    };
  });
}
