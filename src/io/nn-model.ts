import { LrpError } from '../errors.js';
import { conv2dLayer, linearLayer, poolLayer, sequential, simpleLayer } from '../model/build.js';
import type { Layer, Model } from '../model/layers.js';
import { PickleObject, type PickleKey, type PickleValue, looksLikePickle, readPickle } from './pickle.js';
import { type ArrayBudget, decodePickledArray, intList } from './pickled-ndarray.js';

/** Toolbox module classes (python/modules/*.py) by class name → file name. */
const TOOLBOX_CLASSES: ReadonlyMap<string, string> = new Map([
  ['Sequential', 'sequential'],
  ['Linear', 'linear'],
  ['Convolution', 'convolution'],
  ['SumPool', 'sumpool'],
  ['MaxPool', 'maxpool'],
  ['Rect', 'rect'],
  ['Tanh', 'tanh'],
  ['SoftMax', 'softmax'],
  ['Flatten', 'flatten'],
]);

/** numpy and Python built-ins a pickled toolbox model may name (Python 2 and 3 spellings). */
const OTHER_GLOBALS: ReadonlySet<string> = new Set([
  'numpy.core.multiarray _reconstruct',
  'numpy._core.multiarray _reconstruct',
  'numpy.core.numeric _frombuffer',
  'numpy._core.numeric _frombuffer',
  'numpy ndarray',
  'numpy dtype',
  'copy_reg _reconstructor',
  'copyreg _reconstructor',
  '__builtin__ object',
  'builtins object',
  '_codecs encode',
]);

/**
 * The allow-list of globals in a pickled toolbox model, as `module name` strings: the toolbox module
 * classes as `modules.<file> <Class>` (e.g. `modules.linear Linear`, as in `LeNet-5.nn`) or
 * `<file> <Class>`, plus {@link OTHER_GLOBALS} (numpy's `_reconstruct` and protocol 5's
 * `_frombuffer`, from `numpy.core` (numpy 1.x) or `numpy._core` (numpy 2.x), `ndarray`, `dtype`,
 * `copy_reg _reconstructor`, `object`, `_codecs encode`). Nothing else is ever accepted.
 */
export const TOOLBOX_PICKLE_GLOBALS: ReadonlySet<string> = new Set([
  ...[...TOOLBOX_CLASSES].flatMap(([cls, file]) => [`modules.${file} ${cls}`, `${file} ${cls}`]),
  ...OTHER_GLOBALS,
]);

/**
 * True where `module`.`name` is in {@link TOOLBOX_PICKLE_GLOBALS} (exact, case-sensitive match;
 * names holding white space never match). The pickle reader refuses every other global.
 */
export function isToolboxPickleGlobal(module: string, name: string): boolean {
  return !/\s/.test(module) && !/\s/.test(name) && TOOLBOX_PICKLE_GLOBALS.has(`${module} ${name}`);
}

function fail(message: string, where: string): never {
  throw new LrpError('E_FORMAT', message, where);
}

/** The attribute dict of a pickled instance (its `BUILD` state, or `(dict, slots)`). */
function attributes(obj: PickleObject, where: string): Map<PickleKey, PickleValue> {
  const s = obj.state;
  if (s === undefined || s === null) return new Map();
  if (s instanceof Map) return s;
  if (Array.isArray(s) && s.length === 2 && (s[0] instanceof Map || s[0] === null)) return s[0] ?? new Map();
  return fail(`${obj.cls} has unexpected state`, where);
}

/** A `(h, w)` pair such as `stride` or `pool`; a single integer means both. */
function pair(v: PickleValue | undefined, what: string, where: string): [number, number] {
  const p = intList(typeof v === 'number' ? [v, v] : v, what, where);
  if (p.length !== 2) fail(`${what} must have 2 entries, got ${p.length}`, where);
  return [p[0]!, p[1]!];
}

/** Maps one pickled toolbox module to a layer. */
function toLayer(m: PickleValue, where: string, budget: ArrayBudget): Layer {
  if (!(m instanceof PickleObject) || !TOOLBOX_CLASSES.has(m.cls.name) || m.cls.name === 'Sequential') {
    return fail(`is not a toolbox layer module (${m instanceof PickleObject ? m.cls.toString() : typeof m})`, where);
  }
  const at = `${where} (${m.cls})`;
  const attrs = attributes(m, at);
  switch (m.cls.name) {
    case 'Linear': {
      const W = decodePickledArray(attrs.get('W'), 'W', at, budget);
      if (W.shape.length !== 2) fail(`W must be 2-D [m, n], got shape (${W.shape.join(', ')})`, at);
      const B = decodePickledArray(attrs.get('B'), 'B', at, budget);
      return linearLayer(W.shape[0]!, W.shape[1]!, W.data, B.data, at);
    }
    case 'Convolution': {
      const W = decodePickledArray(attrs.get('W'), 'W', at, budget);
      if (W.shape.length !== 4) fail(`W must be 4-D [hf, wf, df, nf], got shape (${W.shape.join(', ')})`, at);
      const B = decodePickledArray(attrs.get('B'), 'B', at, budget);
      const filter = W.shape as [number, number, number, number];
      return conv2dLayer(filter, pair(attrs.get('stride'), 'stride', at), W.data, B.data, 'valid', at);
    }
    case 'SumPool':
    case 'MaxPool':
      return poolLayer(m.cls.name === 'SumPool' ? 'sumpool' : 'maxpool', pair(attrs.get('pool'), 'pool', at), pair(attrs.get('stride'), 'stride', at), 'valid', at);
    case 'Rect': return simpleLayer('relu');
    case 'Tanh': return simpleLayer('tanh');
    case 'SoftMax': return simpleLayer('softmax');
    default: return simpleLayer('flatten');
  }
}

/**
 * Reads a pickled LRP Toolbox model (`.nn`) with the safe {@link readPickle}: Python 2's protocol 2
 * (e.g. `LeNet-5.nn`) and what `model_io` writes under Python 3.8+ with numpy 1.x or 2.x
 * (protocols 2–5: `numpy.core`/`numpy._core` `_reconstruct` and `_frombuffer` with in-band
 * `BYTEARRAY8` buffers, frames, `STACK_GLOBAL`, `MEMOIZE`). The root must be a `modules.sequential Sequential` whose the root must be a `modules.sequential Sequential` whose `modules` list holds
 * `Linear` (W `[m, n]`, B), `Convolution` (W `[hf, wf, df, nf]`, B, `stride`), `SumPool`/`MaxPool`
 * (`pool`, `stride`), `Rect`, `Tanh`, `SoftMax`, `Flatten`; arrays are numpy float64 (float32 is
 * widened), either byte order, C or Fortran order; aligned float64 data is viewed, not copied
 * (see {@link decodePickledArray}), so the weights may share memory with `bytes`. Globals outside {@link isToolboxPickleGlobal},
 * malformed pickles and inconsistent modules are `E_FORMAT` {@link LrpError}s naming `where`, the
 * module index and the attribute or byte offset. Per-module rule presets (`lrp_var`, `lrp_param`)
 * are ignored.
 */
export function readNnModel(bytes: Uint8Array, where = 'model.nn'): Model {
  if (!looksLikePickle(bytes)) fail('not a pickled model (a pickle starts with 0x80 0x02 or a protocol-0 opcode such as "(")', where);
  const root = readPickle(bytes, { allow: isToolboxPickleGlobal, where });
  if (!(root instanceof PickleObject) || root.cls.name !== 'Sequential') {
    return fail(`the pickle holds ${root instanceof PickleObject ? root.cls.toString() : 'no object'}, not a toolbox Sequential`, where);
  }
  const modules = attributes(root, where).get('modules');
  if (!Array.isArray(modules)) fail('the Sequential has no modules list', where);
  const budget: ArrayBudget = { left: bytes.length };
  const layers = modules.map((m, i) => toLayer(m, `${where}, modules[${i}]`, budget));
  return sequential(layers, where);
}
