import { LrpError } from '../errors.js';
import { conv2dLayer, linearLayer, poolLayer, sequential, simpleLayer } from '../model/build.js';
import type { Layer, Model } from '../model/layers.js';
import { columnMajorToRowMajor } from './column-major.js';
import { PickleObject, type PickleKey, type PickleValue, looksLikePickle, readPickle } from './pickle.js';
import { latin1 } from './pickle-protocol0.js';

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
  'numpy ndarray',
  'numpy dtype',
  'copy_reg _reconstructor',
  'copyreg _reconstructor',
  '__builtin__ object',
  'builtins object',
  '_codecs encode',
]);

/**
 * The allow-list of globals in a pickled toolbox model: the toolbox module classes as
 * `modules.<file> <Class>` (e.g. `modules.linear Linear`, as in `LeNet-5.nn`) or `<file> <Class>`,
 * plus {@link OTHER_GLOBALS} (numpy's `_reconstruct`, `ndarray`, `dtype`, `copy_reg _reconstructor`,
 * `object`, `_codecs encode`). Everything else is refused.
 */
export function isToolboxPickleGlobal(module: string, name: string): boolean {
  const file = TOOLBOX_CLASSES.get(name);
  if (file !== undefined && (module === `modules.${file}` || module === file)) return true;
  return OTHER_GLOBALS.has(`${module} ${name}`);
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

function text(v: PickleValue | undefined): string | undefined {
  return v instanceof Uint8Array ? latin1(v) : typeof v === 'string' ? v : undefined;
}

function intList(v: PickleValue | undefined, what: string, where: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0)) {
    return fail(`${what} is not a tuple of non-negative integers`, where);
  }
  return v as number[];
}

/** A `(h, w)` pair such as `stride` or `pool`; a single integer means both. */
function pair(v: PickleValue | undefined, what: string, where: string): [number, number] {
  const p = intList(typeof v === 'number' ? [v, v] : v, what, where);
  if (p.length !== 2) fail(`${what} must have 2 entries, got ${p.length}`, where);
  return [p[0]!, p[1]!];
}

/** Decoding state shared by the arrays of one file: bytes decoded so far may not exceed the file size. */
interface Budget {
  left: number;
}

/**
 * A float64 C-order copy of a pickled numpy array: `_reconstruct(ndarray, (0,), 'b')` built with
 * `(version, shape, dtype, is_fortran, rawdata)` (or the 4-tuple without version). dtype `f8` or
 * `f4`, either byte order; raw data as bytes or a latin-1 string; Fortran order is reordered.
 */
function ndarray(v: PickleValue | undefined, what: string, where: string, budget: Budget): { data: Float64Array; shape: number[] } {
  const at = `${where}, ${what}`;
  if (!(v instanceof PickleObject) || (v.cls.name !== '_reconstruct' && v.cls.name !== 'ndarray')) fail('is not a numpy array', at);
  const st = v.state;
  if (!Array.isArray(st) || (st.length !== 5 && st.length !== 4)) return fail('numpy array has no (version, shape, dtype, fortran, data) state', at);
  const [shapeV, dtypeV, fortranV, raw] = st.length === 5 ? st.slice(1) : st;
  const shape = intList(shapeV, 'array shape', at);
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(dtypeV instanceof PickleObject) || dtypeV.cls.name !== 'dtype') return fail('numpy array has no dtype', at);
  const kind = text(dtypeV.args[0]);
  const item = kind === 'f8' ? 8 : kind === 'f4' ? 4 : fail(`numpy dtype ${JSON.stringify(kind)} is not supported (need f8 or f4)`, at);
  const dstate = dtypeV.state;
  const order = Array.isArray(dstate) ? text(dstate[1]) ?? '<' : '<';
  if (!['<', '>', '|', '='].includes(order)) fail(`numpy byte order ${JSON.stringify(order)} is not supported`, at);
  const bytes = raw instanceof Uint8Array ? raw : typeof raw === 'string' ? latinBytes(raw, at) : fail('numpy array data is not a byte string', at);
  if (!Number.isSafeInteger(size * item) || bytes.length !== size * item) {
    fail(`numpy array of shape (${shape.join(', ')}) needs ${size * item} bytes of data, got ${bytes.length}`, at);
  }
  budget.left -= bytes.length;
  if (budget.left < 0) fail('arrays add up to more bytes than the file holds (shared arrays are not supported)', at);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = order !== '>';
  let data: Float64Array = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = item === 8 ? view.getFloat64(8 * i, little) : view.getFloat32(4 * i, little);
  if (fortranV === true || fortranV === 1) data = columnMajorToRowMajor(data, shape) as Float64Array;
  return { data, shape };
}

function latinBytes(s: string, where: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) fail('numpy array data holds a character outside latin-1', where);
    out[i] = c;
  }
  return out;
}

/** Maps one pickled toolbox module to a layer. */
function toLayer(m: PickleValue, where: string, budget: Budget): Layer {
  if (!(m instanceof PickleObject) || !TOOLBOX_CLASSES.has(m.cls.name) || m.cls.name === 'Sequential') {
    return fail(`is not a toolbox layer module (${m instanceof PickleObject ? m.cls.toString() : typeof m})`, where);
  }
  const at = `${where} (${m.cls})`;
  const attrs = attributes(m, at);
  switch (m.cls.name) {
    case 'Linear': {
      const W = ndarray(attrs.get('W'), 'W', at, budget);
      if (W.shape.length !== 2) fail(`W must be 2-D [m, n], got shape (${W.shape.join(', ')})`, at);
      const B = ndarray(attrs.get('B'), 'B', at, budget);
      return linearLayer(W.shape[0]!, W.shape[1]!, W.data, B.data, at);
    }
    case 'Convolution': {
      const W = ndarray(attrs.get('W'), 'W', at, budget);
      if (W.shape.length !== 4) fail(`W must be 4-D [hf, wf, df, nf], got shape (${W.shape.join(', ')})`, at);
      const B = ndarray(attrs.get('B'), 'B', at, budget);
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
 * Reads a pickled LRP Toolbox model (`.nn`, Python 2 protocol 2, e.g. `LeNet-5.nn`) with the safe
 * {@link readPickle}: the root must be a `modules.sequential Sequential` whose `modules` list holds
 * `Linear` (W `[m, n]`, B), `Convolution` (W `[hf, wf, df, nf]`, B, `stride`), `SumPool`/`MaxPool`
 * (`pool`, `stride`), `Rect`, `Tanh`, `SoftMax`, `Flatten`; arrays are numpy float64 (float32 is
 * widened), either byte order, C or Fortran order. Globals outside {@link isToolboxPickleGlobal},
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
  const budget: Budget = { left: bytes.length };
  const layers = modules.map((m, i) => toLayer(m, `${where}, modules[${i}]`, budget));
  return sequential(layers, where);
}
