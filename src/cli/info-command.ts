import { LrpError } from '../errors.js';
import { loadModel } from '../io/load-model.js';
import { layerName } from '../model/layers.js';
import { inferShapes, parameterCount } from '../model/shapes.js';
import { showShape } from '../tensor.js';
import { type OptionSpec, option, parseArgs, required } from './args.js';
import type { CliIo } from './context.js';
import type { Layer } from '../model/layers.js';

const specs: readonly OptionSpec[] = [
  { name: 'model', value: true },
  { name: 'input-shape', value: true },
];

function attrs(layer: Layer): string {
  switch (layer.kind) {
    case 'linear': return `${layer.inputs}→${layer.outputs}`;
    case 'conv2d': return `${layer.filter.join('x')} stride ${layer.stride.join('x')}${layer.padding === 'valid' ? '' : ` pad ${String(layer.padding)}`}`;
    case 'sumpool': case 'avgpool': case 'maxpool':
      return `${layer.pool.join('x')} stride ${layer.stride.join('x')}${layer.padding === 'valid' ? '' : ` pad ${String(layer.padding)}`}`;
    default: return '';
  }
}

/** Guesses the per-sample input shape: a first Linear fixes it; otherwise `--input-shape` is needed. */
function inputShape(first: Layer, given: string | undefined): number[] | null {
  if (given !== undefined) {
    const dims = given.split(/[,x ]+/).map(Number);
    if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new LrpError('E_USAGE', `--input-shape needs positive integers like 32,32,1, got '${given}'`);
    return dims;
  }
  return first.kind === 'linear' ? [first.inputs] : null;
}

/** `lrp info --model M [--input-shape H,W,C]`: the layer table (index, kind, output shape, parameters). */
export async function infoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, specs);
  const path = required(args, 'model');
  const model = await loadModel(path);
  const inShape = inputShape(model.layers[0], option(args, 'input-shape'));
  const shapes = inShape ? inferShapes(model, inShape) : null;
  const rows = model.layers.map((layer, i) => [String(i), layerName(layer), shapes ? showShape(shapes[i + 1]) : '?', String(parameterCount(layer)), attrs(layer)]);
  const head = ['index', 'kind', 'output', 'params', 'attributes'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd() + '\n';
  io.out(`${path}: ${model.layers.length} layers, ${model.layers.reduce((a, l) => a + parameterCount(l), 0)} parameters, input ${inShape ? showShape(inShape) : '? (give --input-shape)'}\n`);
  io.out(line(head));
  for (const r of rows) io.out(line(r));
  return 0;
}
