import { LrpError } from '../errors.js';
import { conv2dLayer, linearLayer, poolLayer, sequential, simpleLayer } from '../model/build.js';
import type { Layer, Model, Padding, PoolLayer, SimpleLayer } from '../model/layers.js';
import { TextModelLines } from './text-model-lines.js';

const INTEGER = /^\d+$/;

function headerInts(lines: TextModelLines, name: string, args: readonly string[], names: readonly string[]): number[] {
  if (args.length < names.length) {
    lines.fail(lines.line, `${name} needs ${names.length} integers (${names.join(' ')}), got ${args.length}`);
  }
  return names.map((n, i) => {
    const tok = args[i]!;
    const v = INTEGER.test(tok) ? Number(tok) : NaN;
    if (!Number.isSafeInteger(v) || v < 1) lines.fail(lines.line, `${name} ${n} must be a positive integer, got ${JSON.stringify(tok.slice(0, 40))}`);
    return v;
  });
}

function parsePadding(lines: TextModelLines, name: string, rest: readonly string[]): Padding {
  if (rest.length === 0 || (rest.length === 1 && rest[0] === 'valid')) return 'valid';
  if (rest.length === 1 && rest[0] === 'same') return 'same';
  if (rest[0] === 'pad' && rest.length === 5) {
    const p = rest.slice(1).map((tok) => (INTEGER.test(tok) ? Number(tok) : NaN));
    if (p.every((v) => Number.isSafeInteger(v))) {
      return p.every((v) => v === 0) ? 'valid' : [p[0]!, p[1]!, p[2]!, p[3]!];
    }
  }
  return lines.fail(lines.line, `${name}: unexpected ${JSON.stringify(rest.join(' ').slice(0, 60))} (padding is 'same', 'valid' or 'pad T B L R')`);
}

const POOLS: ReadonlyMap<string, PoolLayer['kind']> = new Map([
  ['SumPool', 'sumpool'],
  ['MaxPool', 'maxpool'],
  ['AvgPool', 'avgpool'],
]);
const SIMPLE: ReadonlyMap<string, SimpleLayer['kind']> = new Map([
  ['Rect', 'relu'],
  ['Tanh', 'tanh'],
  ['Sigmoid', 'sigmoid'],
  ['SoftMax', 'softmax'],
  ['Flatten', 'flatten'],
]);

/** Reads the lines of a `Linear m n` block (either variant) after its header line. */
function readLinear(lines: TextModelLines, args: readonly string[]): Layer {
  const header = lines.line;
  const where = `${lines.where}:${header}`;
  if (args.length !== 2) lines.fail(header, `Linear needs 2 integers (m n), got ${args.length}`);
  const [m, n] = headerInts(lines, 'Linear', args, ['m', 'n']) as [number, number];
  if (!lines.advance()) lines.fail(lines.line, `expected a line of ${m * n} weights, found the end of the model`);
  const first = lines.tryRow(m * n, 'weight');
  if (typeof first !== 'number') return linearLayer(m, n, first, lines.nextRow(n, 'bias'), where);
  if (m > 1 && first === n) {
    // Legacy variant: m lines of n weights, then the bias line; each row is read (and sized by
    // its own line) before the matrix is allocated.
    const follow = lines.linesFromHere(m + 1);
    if (follow < m + 1) {
      lines.fail(header, `legacy Linear ${m} ${n} needs ${m} weight lines and a bias line, only ${follow} lines follow`);
    }
    const rows = [lines.row(n, 'weight')];
    for (let r = 1; r < m; r++) rows.push(lines.nextRow(n, 'weight'));
    const bias = lines.nextRow(n, 'bias');
    const weights = new Float64Array(m * n);
    rows.forEach((row, r) => weights.set(row, r * n));
    return linearLayer(m, n, weights, bias, where);
  }
  return lines.fail(lines.line, `Linear ${m} ${n}: expected ${m * n} weights, got ${first}`);
}

/**
 * Parses a model in the LRP Toolbox text format (shared with its Matlab part; written by
 * {@link writeTextModel}) from its bytes (UTF-8) or text.
 *
 * One header line per layer, in order:
 * - `Linear m n`, then one line of `m·n` weights (`W[m, n]`, C order), then one line of `n` biases;
 * - `Convolution hf wf df nf sh sw`, then one line of `hf·wf·df·nf` weights (HWIO, C order), then
 *   one line of `nf` biases;
 * - `SumPool hp wp sh sw`, `MaxPool hp wp sh sw`;
 * - `Rect`, `Tanh`, `SoftMax`, `Flatten`.
 *
 * Blank (or whitespace-only) lines between layers are skipped, so they never end a model early:
 * every line up to the end of the file is read, and anything after the last layer that is not a
 * layer is an error naming its line. The lines of a layer's numbers follow its header directly (a
 * blank line there is a line of 0 numbers). Trailing whitespace, CRLF line ends and a byte-order
 * mark are tolerated. The toolbox's legacy variant of `Linear m n` (m lines of n weights, then the
 * bias line) is detected and read too.
 *
 * Numbers are read straight from the bytes by a byte-level decimal parser (no string per value),
 * bit-identical to `Number()` (and Python's `float()`) on every token.
 *
 * lrpjs extensions, written only where a model needs them so that toolbox models stay toolbox files:
 * - `AvgPool hp wp sh sw` (mean pooling) and `Sigmoid`;
 * - a padding suffix on `Convolution`, `SumPool`, `MaxPool` and `AvgPool` headers: `same`
 *   (e.g. `Convolution 3 3 1 8 1 1 same`), `pad top bottom left right`
 *   (e.g. `MaxPool 3 3 1 1 pad 1 1 1 1`) or an explicit `valid` (the default). Explicit all-zero
 *   padding is written as nothing and reads back as `'valid'`.
 *
 * Errors are `E_FORMAT` {@link LrpError}s whose `where` is `${where}:${line}`: unknown
 * layer names (also trailing text after the last layer), wrong counts of numbers (expected vs got,
 * checked before anything is allocated), non-numeric tokens, NaN/Inf values, non-positive or
 * non-integer sizes, an empty model.
 */
export function readTextModel(source: string | Uint8Array, where = 'model'): Model {
  const lines = new TextModelLines(typeof source === 'string' ? new TextEncoder().encode(source) : source, where);
  const layers: Layer[] = [];
  while (lines.advanceToContent()) {
    const [name = '', ...args] = lines.words();
    const at = `${where}:${lines.line}`;
    if (name === 'Linear') {
      layers.push(readLinear(lines, args));
    } else if (name === 'Convolution') {
      const [hf, wf, df, nf, sh, sw] = headerInts(lines, name, args, ['hf', 'wf', 'df', 'nf', 'sh', 'sw']) as number[] as [
        number, number, number, number, number, number,
      ];
      const padding = parsePadding(lines, name, args.slice(6));
      const weights = lines.nextRow(hf * wf * df * nf, 'weight');
      const bias = lines.nextRow(nf, 'bias');
      layers.push(conv2dLayer([hf, wf, df, nf], [sh, sw], weights, bias, padding, at));
    } else if (POOLS.has(name)) {
      const [hp, wp, sh, sw] = headerInts(lines, name, args, ['hp', 'wp', 'sh', 'sw']) as [number, number, number, number];
      const padding = parsePadding(lines, name, args.slice(4));
      layers.push(poolLayer(POOLS.get(name)!, [hp, wp], [sh, sw], padding, at));
    } else if (SIMPLE.has(name)) {
      if (args.length > 0) lines.fail(lines.line, `${name} takes no parameters, got ${JSON.stringify(args.join(' ').slice(0, 60))}`);
      layers.push(simpleLayer(SIMPLE.get(name)!));
    } else {
      const after = layers.length > 0 ? ` after layer ${layers.length - 1}` : '';
      lines.fail(lines.line, `unknown layer ${JSON.stringify(name.slice(0, 40))}${after} (expected Linear, Convolution, SumPool, MaxPool, AvgPool, Rect, Tanh, Sigmoid, SoftMax or Flatten)`);
    }
  }
  return sequential(layers, `${where}:1`);
}

/** Shortest decimal that reads back as exactly `v` (float64 round trip), keeping the sign of -0. */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new LrpError('E_INPUT', `cannot write non-finite value ${v} to a text model`);
  return Object.is(v, -0) ? '-0' : String(v);
}

function formatVector(a: Float64Array): string {
  const parts = new Array<string>(a.length);
  for (let i = 0; i < a.length; i++) parts[i] = formatNumber(a[i]!);
  return parts.join(' ');
}

function formatPadding(p: Padding): string {
  if (p === 'valid') return '';
  if (p === 'same') return ' same';
  return p.every((v) => v === 0) ? '' : ` pad ${p.join(' ')}`;
}

/**
 * Writes a model in the toolbox text format. Numbers are written as the shortest decimal that
 * reads back bit-identically (JavaScript's `String(number)`, `-0` kept), so write → read is exact.
 * lrpjs extensions (`AvgPool`, `Sigmoid`, padding suffixes) appear only for layers that need them.
 * Non-finite weights are refused with `E_INPUT`. `variant: 'legacy'` writes `Linear m n` the old
 * way (m lines of n weights, then the bias line), for older toolbox readers. Graphs (nodes reading
 * other than the node before them), dilated convolutions and the graph node kinds are refused
 * (`E_INPUT`): the format holds chains of its layers only.
 */
export function writeTextModel(model: Model, options: { readonly variant?: 'current' | 'legacy' } = {}): string {
  const out: string[] = [];
  const edge = model.layers.findIndex((l, i) => l.from !== undefined && !(l.from.length === 1 && l.from[0] === i - 1));
  if (edge >= 0) throw new LrpError('E_INPUT', `layer ${edge} reads node(s) ${model.layers[edge]!.from!.join(', ')}: a graph has no toolbox text form (a chain only)`);
  for (const l of model.layers) {
    if (l.kind === 'conv2d' && l.dilation && (l.dilation[0] !== 1 || l.dilation[1] !== 1)) {
      throw new LrpError('E_INPUT', `a dilated convolution (${l.dilation.join('x')}) has no toolbox text form`);
    }
    switch (l.kind) {
      case 'linear':
        out.push(`Linear ${l.inputs} ${l.outputs}`);
        if (options.variant === 'legacy') {
          for (let i = 0; i < l.inputs; i++) out.push(formatVector(l.weights.subarray(i * l.outputs, (i + 1) * l.outputs)));
        } else out.push(formatVector(l.weights));
        out.push(formatVector(l.bias));
        break;
      case 'conv2d':
        out.push(`Convolution ${l.filter.join(' ')} ${l.stride.join(' ')}${formatPadding(l.padding)}`, formatVector(l.weights), formatVector(l.bias));
        break;
      case 'sumpool':
      case 'maxpool':
      case 'avgpool': {
        const name = l.kind === 'sumpool' ? 'SumPool' : l.kind === 'maxpool' ? 'MaxPool' : 'AvgPool';
        out.push(`${name} ${l.pool.join(' ')} ${l.stride.join(' ')}${formatPadding(l.padding)}`);
        break;
      }
      case 'relu': out.push('Rect'); break;
      case 'tanh': out.push('Tanh'); break;
      case 'sigmoid': out.push('Sigmoid'); break;
      case 'softmax': out.push('SoftMax'); break;
      case 'flatten': out.push('Flatten'); break;
      default: throw new LrpError('E_INPUT', `layer kind ${(l as Layer).kind} has no toolbox text form`);
    }
  }
  return out.join('\n') + '\n';
}
