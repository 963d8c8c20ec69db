import { LrpError } from '../errors.js';
import { conv2dLayer, linearLayer, poolLayer, sequential, simpleLayer } from '../model/build.js';
import type { Layer, Model, Padding, PoolLayer, SimpleLayer } from '../model/layers.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const INTEGER = /^\d+$/;

/** Line-oriented cursor over the part of a text model before its first empty line. */
class Lines {
  readonly lines: string[];
  constructor(text: string, readonly where: string) {
    const all = text.replace(/^\uFEFF/, '').split('\n');
    const end = all.findIndex((l) => l.trim() === '');
    this.lines = end < 0 ? all : all.slice(0, end);
  }

  fail(index: number, message: string): never {
    throw new LrpError('E_FORMAT', message, `${this.where}:${index + 1}`);
  }

  tokens(index: number, what: string): string[] {
    const line = this.lines[index];
    if (line === undefined) this.fail(index, `expected ${what}, found the end of the model`);
    const t = line.trim();
    return t === '' ? [] : t.split(/\s+/);
  }

  /** Parses the tokens of line `index` as finite float64 numbers; `count` was checked before. */
  numbers(index: number, tokens: readonly string[], what: string): Float64Array {
    const out = new Float64Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (!NUMBER.test(tok)) {
        if (NON_FINITE.test(tok)) this.fail(index, `${what} ${i} is ${tok}: NaN/Inf values are not allowed`);
        this.fail(index, `${what} ${i} is not a number: ${JSON.stringify(tok.slice(0, 40))}`);
      }
      const v = Number(tok);
      if (!Number.isFinite(v)) this.fail(index, `${what} ${i} (${tok.slice(0, 40)}) overflows float64`);
      out[i] = v;
    }
    return out;
  }

  /** Reads line `index` as exactly `count` numbers, checking the count before allocating. */
  vector(index: number, count: number, what: string): Float64Array {
    const plural = what === 'bias' ? 'biases' : `${what}s`;
    const tokens = this.tokens(index, `a line of ${count} ${plural}`);
    if (tokens.length !== count) this.fail(index, `expected ${count} ${plural}, got ${tokens.length}`);
    return this.numbers(index, tokens, what);
  }
}

function headerInts(lines: Lines, index: number, name: string, args: readonly string[], names: readonly string[]): number[] {
  if (args.length < names.length) {
    lines.fail(index, `${name} needs ${names.length} integers (${names.join(' ')}), got ${args.length}`);
  }
  return names.map((n, i) => {
    const tok = args[i]!;
    const v = INTEGER.test(tok) ? Number(tok) : NaN;
    if (!Number.isSafeInteger(v) || v < 1) lines.fail(index, `${name} ${n} must be a positive integer, got ${JSON.stringify(tok.slice(0, 40))}`);
    return v;
  });
}

function parsePadding(lines: Lines, index: number, name: string, rest: readonly string[]): Padding {
  if (rest.length === 0 || (rest.length === 1 && rest[0] === 'valid')) return 'valid';
  if (rest.length === 1 && rest[0] === 'same') return 'same';
  if (rest[0] === 'pad' && rest.length === 5) {
    const p = rest.slice(1).map((tok) => (INTEGER.test(tok) ? Number(tok) : NaN));
    if (p.every((v) => Number.isSafeInteger(v))) {
      return p.every((v) => v === 0) ? 'valid' : [p[0]!, p[1]!, p[2]!, p[3]!];
    }
  }
  return lines.fail(index, `${name}: unexpected ${JSON.stringify(rest.join(' ').slice(0, 60))} (padding is 'same', 'valid' or 'pad T B L R')`);
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

/** Reads a `Linear m n` block at `index` (either variant); returns the layer and the next line index. */
function readLinear(lines: Lines, index: number, args: readonly string[]): [Layer, number] {
  const where = `${lines.where}:${index + 1}`;
  if (args.length !== 2) lines.fail(index, `Linear needs 2 integers (m n), got ${args.length}`);
  const [m, n] = headerInts(lines, index, 'Linear', args, ['m', 'n']) as [number, number];
  const first = lines.tokens(index + 1, `a line of ${m * n} weights`);
  if (first.length === m * n) {
    const weights = lines.numbers(index + 1, first, 'weight');
    const bias = lines.vector(index + 2, n, 'bias');
    return [linearLayer(m, n, weights, bias, where), index + 3];
  }
  if (m > 1 && first.length === n) {
    // Legacy variant: m lines of n weights, then the bias line.
    if (lines.lines.length - (index + 1) < m + 1) {
      lines.fail(index, `legacy Linear ${m} ${n} needs ${m} weight lines and a bias line, only ${lines.lines.length - index - 1} lines follow`);
    }
    const weights = new Float64Array(m * n);
    for (let r = 0; r < m; r++) weights.set(lines.vector(index + 1 + r, n, 'weight'), r * n);
    const bias = lines.vector(index + 1 + m, n, 'bias');
    return [linearLayer(m, n, weights, bias, where), index + 2 + m];
  }
  return lines.fail(index + 1, `Linear ${m} ${n}: expected ${m * n} weights, got ${first.length}`);
}

/**
 * Parses a model in the LRP Toolbox text format (shared with its Matlab part; written by
 * {@link writeTextModel}).
 *
 * One header line per layer, in order:
 * - `Linear m n`, then one line of `m·n` weights (`W[m, n]`, C order), then one line of `n` biases;
 * - `Convolution hf wf df nf sh sw`, then one line of `hf·wf·df·nf` weights (HWIO, C order), then
 *   one line of `nf` biases;
 * - `SumPool hp wp sh sw`, `MaxPool hp wp sh sw`;
 * - `Rect`, `Tanh`, `SoftMax`, `Flatten`.
 *
 * Reading stops at the first empty (or whitespace-only) line; trailing whitespace and CRLF line
 * ends are tolerated. The toolbox's legacy variant of `Linear m n` (m lines of n weights, then the
 * bias line) is detected and read too.
 *
 * lrpjs extensions, written only where a model needs them so that toolbox models stay toolbox files:
 * - `AvgPool hp wp sh sw` (mean pooling) and `Sigmoid`;
 * - a padding suffix on `Convolution`, `SumPool`, `MaxPool` and `AvgPool` headers: `same`
 *   (e.g. `Convolution 3 3 1 8 1 1 same`), `pad top bottom left right`
 *   (e.g. `MaxPool 3 3 1 1 pad 1 1 1 1`) or an explicit `valid` (the default). Explicit all-zero
 *   padding is written as nothing and reads back as `'valid'`.
 *
 * Errors are `E_FORMAT` {@link LrpError}s whose `where` is `${where}:${line}`: unknown
 * layer names, wrong counts of numbers (expected vs got, checked before anything is allocated),
 * non-numeric tokens, NaN/Inf values, non-positive or non-integer sizes, an empty model.
 */
export function readTextModel(text: string, where = 'model'): Model {
  const lines = new Lines(text, where);
  const layers: Layer[] = [];
  let i = 0;
  while (i < lines.lines.length) {
    const [name = '', ...args] = lines.tokens(i, 'a layer header');
    const at = `${where}:${i + 1}`;
    if (name === 'Linear') {
      const [layer, next] = readLinear(lines, i, args);
      layers.push(layer);
      i = next;
    } else if (name === 'Convolution') {
      const [hf, wf, df, nf, sh, sw] = headerInts(lines, i, name, args, ['hf', 'wf', 'df', 'nf', 'sh', 'sw']) as number[] as [
        number, number, number, number, number, number,
      ];
      const padding = parsePadding(lines, i, name, args.slice(6));
      const weights = lines.vector(i + 1, hf * wf * df * nf, 'weight');
      const bias = lines.vector(i + 2, nf, 'bias');
      layers.push(conv2dLayer([hf, wf, df, nf], [sh, sw], weights, bias, padding, at));
      i += 3;
    } else if (POOLS.has(name)) {
      const [hp, wp, sh, sw] = headerInts(lines, i, name, args, ['hp', 'wp', 'sh', 'sw']) as [number, number, number, number];
      const padding = parsePadding(lines, i, name, args.slice(4));
      layers.push(poolLayer(POOLS.get(name)!, [hp, wp], [sh, sw], padding, at));
      i += 1;
    } else if (SIMPLE.has(name)) {
      if (args.length > 0) lines.fail(i, `${name} takes no parameters, got ${JSON.stringify(args.join(' ').slice(0, 60))}`);
      layers.push(simpleLayer(SIMPLE.get(name)!));
      i += 1;
    } else {
      lines.fail(i, `unknown layer ${JSON.stringify(name.slice(0, 40))} (expected Linear, Convolution, SumPool, MaxPool, AvgPool, Rect, Tanh, Sigmoid, SoftMax or Flatten)`);
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
 * way (m lines of n weights, then the bias line), for older toolbox readers.
 */
export function writeTextModel(model: Model, options: { readonly variant?: 'current' | 'legacy' } = {}): string {
  const out: string[] = [];
  for (const l of model.layers) {
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
