import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../src/io/model-file.js';
import { isToolboxPickleGlobal, readNnModel } from '../src/io/nn-model.js';
import { PickleGlobal, isPickleTuple, readPickle } from '../src/io/pickle.js';
import { decodeRawUnicodeEscape, decodeStringRepr } from '../src/io/pickle-protocol0.js';
import { readTextModel } from '../src/io/text-model.js';
import type { Model } from '../src/model/layers.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';
import { expectLrpError } from './support/expect-error.js';

// ---------------------------------------------------------------------------------------------
// A tiny pickler for tests: Python values described as JS data, emitted in protocol 0 or 2.
type Py =
  | null
  | boolean
  | number
  | { float: number }
  | { str: Uint8Array }
  | { uni: string }
  | { tuple: Py[] }
  | { list: Py[] }
  | { dict: [Py, Py][] }
  | { global: [string, string] }
  | { reduce: [Py, Py[]] }
  | { build: [Py, Py] }
  | { newobj: [Py, Py[]] }
  | { inst: [string, string, Py[]] };

const bytesOf = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const str = (s: string): Py => ({ str: Uint8Array.from(bytesOf(s)) });
const le32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

function pickle(v: Py, protocol: 0 | 2): Uint8Array {
  const out: number[] = protocol === 2 ? [0x80, 2] : [];
  const memo = new Map<string, number>();
  const emit = (x: Py): void => {
    const o = (s: string | number[]): void => void out.push(...(typeof s === 'string' ? bytesOf(s) : s));
    if (x === null) o('N');
    else if (typeof x === 'boolean') o(protocol === 2 ? [x ? 0x88 : 0x89] : x ? 'I01\n' : 'I00\n');
    else if (typeof x === 'number') {
      if (protocol === 0) o(`I${x}\n`);
      else if (x >= 0 && x < 256) o([0x4b, x]);
      else o([0x4a, ...le32(x)]);
    } else if ('float' in x) {
      if (protocol === 0) o(`F${x.float}\n`);
      else {
        const b = new DataView(new ArrayBuffer(8));
        b.setFloat64(0, x.float, false);
        o([0x47, ...new Uint8Array(b.buffer)]);
      }
    } else if ('str' in x) {
      if (protocol === 2) o(x.str.length < 256 ? [0x55, x.str.length, ...x.str] : [0x54, ...le32(x.str.length), ...x.str]);
      else {
        o("S'");
        for (const c of x.str) o(c === 0x27 || c === 0x5c ? [0x5c, c] : c >= 0x20 && c < 0x7f ? [c] : `\\x${c.toString(16).padStart(2, '0')}`);
        o("'\n");
      }
    } else if ('uni' in x) {
      if (protocol === 2) {
        const u = new TextEncoder().encode(x.uni);
        o([0x58, ...le32(u.length), ...u]);
      } else {
        o('V');
        for (const ch of x.uni) {
          const cp = ch.codePointAt(0)!;
          o(cp > 0xff || cp === 0x5c || cp === 0x0a ? `\\u${cp.toString(16).padStart(4, '0')}` : [cp]);
        }
        o('\n');
      }
    } else if ('tuple' in x) {
      if (protocol === 2 && x.tuple.length <= 3) {
        x.tuple.forEach(emit);
        o([[0x29], [0x85], [0x86], [0x87]][x.tuple.length]!);
      } else {
        o('(');
        x.tuple.forEach(emit);
        o('t');
      }
    } else if ('list' in x) {
      o(protocol === 2 ? ']' : '(l');
      if (protocol === 2 && x.list.length > 0) {
        o('(');
        x.list.forEach(emit);
        o('e');
      } else for (const it of x.list) (emit(it), o('a'));
    } else if ('dict' in x) {
      o(protocol === 2 ? '}(' : '(d');
      for (const [k, v] of x.dict) (emit(k), emit(v), protocol === 0 && o('s'));
      if (protocol === 2) o('u');
      else o('');
    } else if ('global' in x) {
      const name = x.global.join('\n');
      const id = memo.get(name);
      if (id !== undefined) o(protocol === 2 ? [0x68, id] : `g${id}\n`);
      else {
        memo.set(name, memo.size);
        o(`c${name}\n`);
        o(protocol === 2 ? [0x71, memo.size - 1] : `p${memo.size - 1}\n`);
      }
    } else if ('reduce' in x) (emit(x.reduce[0]), emit({ tuple: x.reduce[1] }), o('R'));
    else if ('build' in x) (emit(x.build[0]), emit(x.build[1]), o('b'));
    else if ('newobj' in x) (emit(x.newobj[0]), emit({ tuple: x.newobj[1] }), o([0x81]));
    else (o('('), x.inst[2].forEach(emit), o(`i${x.inst[0]}\n${x.inst[1]}\n`));
  };
  emit(v);
  out.push(0x2e);
  return Uint8Array.from(out);
}

interface ArrayStyle {
  fortran?: boolean;
  big?: boolean;
  f4?: boolean;
  /** Python 3 writes bytes in protocol 2 as `_codecs.encode(unicode, 'latin1')`. */
  codecs?: boolean;
}

function ndarray(data: Float64Array, shape: number[], s: ArrayStyle = {}): Py {
  const item = s.f4 ? 4 : 8;
  const raw = new Uint8Array(data.length * item);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) {
    // Fortran order: the first index varies fastest.
    let at = 0;
    for (let k = shape.length - 1, rest = i; k >= 0; k--) {
      const stride = shape.slice(0, k).reduce((a, b) => a * b, 1);
      at += (rest % shape[k]!) * (s.fortran ? stride : data.length / shape.slice(0, k + 1).reduce((a, b) => a * b, 1));
      rest = Math.floor(rest / shape[k]!);
    }
    if (s.f4) view.setFloat32(at * 4, data[i]!, !s.big);
    else view.setFloat64(at * 8, data[i]!, !s.big);
  }
  const rawPy: Py = s.codecs
    ? { reduce: [{ global: ['_codecs', 'encode'] }, [{ uni: String.fromCharCode(...raw) }, { uni: 'latin1' }]] }
    : { str: raw };
  const dtype: Py = {
    build: [{ reduce: [{ global: ['numpy', 'dtype'] }, [str(s.f4 ? 'f4' : 'f8'), 0, 1]] }, { tuple: [3, str(s.big ? '>' : '<'), null, null, null, -1, -1, 0] }],
  };
  return {
    build: [
      { reduce: [{ global: ['numpy.core.multiarray', '_reconstruct'] }, [{ global: ['numpy', 'ndarray'] }, { tuple: [0] }, str('b')]] },
      { tuple: [1, { tuple: shape }, dtype, !!s.fortran, rawPy] },
    ],
  };
}

type ObjStyle = 'inst' | 'newobj' | 'reconstructor';

function instance(cls: string, file: string, attrs: [string, Py][], style: ObjStyle): Py {
  const dict: Py = { dict: attrs.map(([k, v]) => [str(k), v]) };
  const g: Py = { global: [`modules.${file}`, cls] };
  const obj: Py =
    style === 'inst' ? { inst: [`modules.${file}`, cls, []] }
    : style === 'newobj' ? { newobj: [g, []] }
    : { reduce: [{ global: ['copy_reg', '_reconstructor'] }, [g, { global: ['__builtin__', 'object'] }, null]] };
  return { build: [obj, dict] };
}

/** A toolbox-style pickled Sequential of `model` (linear, conv, pools, activations). */
function pickleModel(model: Model, protocol: 0 | 2, arrays: ArrayStyle = {}, style: ObjStyle = 'inst'): Uint8Array {
  const modules = model.layers.map((l): Py => {
    switch (l.kind) {
      case 'linear': return instance('Linear', 'linear', [['m', l.inputs], ['n', l.outputs], ['W', ndarray(l.weights, [l.inputs, l.outputs], arrays)], ['B', ndarray(l.bias, [l.outputs], arrays)]], style);
      case 'conv2d': return instance('Convolution', 'convolution', [['W', ndarray(l.weights, [...l.filter], arrays)], ['B', ndarray(l.bias, [l.filter[3]], arrays)], ['stride', { tuple: [...l.stride] }], ['lrp_var', null]], style);
      case 'sumpool': return instance('SumPool', 'sumpool', [['pool', { tuple: [...l.pool] }], ['stride', { tuple: [...l.stride] }]], style);
      case 'maxpool': return instance('MaxPool', 'maxpool', [['pool', { tuple: [...l.pool] }], ['stride', { tuple: [...l.stride] }]], style);
      case 'relu': return instance('Rect', 'rect', [], style);
      case 'tanh': return instance('Tanh', 'tanh', [['lrp_param', { float: 1 }]], style);
      case 'softmax': return instance('SoftMax', 'softmax', [], style);
      case 'flatten': return instance('Flatten', 'flatten', [['inputshape', { list: [] }]], style);
      default: throw new Error(`no toolbox class for ${l.kind}`);
    }
  });
  return pickle(instance('Sequential', 'sequential', [['modules', { list: modules }], ['lrp_param', { float: 1 }]], style), protocol);
}
// ---------------------------------------------------------------------------------------------

function expectSameModel(a: Model, b: Model, map: (x: number) => number = (x) => x): void {
  expect(a.layers.map((l) => ({ ...l, weights: undefined, bias: undefined }))).toEqual(b.layers.map((l) => ({ ...l, weights: undefined, bias: undefined })));
  a.layers.forEach((l, i) => {
    const m = b.layers[i]!;
    if ('weights' in l && 'weights' in m) {
      expect(Array.from(l.weights)).toEqual(Array.from(m.weights, map));
      expect(Array.from(l.bias)).toEqual(Array.from(m.bias, map));
    }
  });
}

function expectBitIdentical(a: Float64Array, b: Float64Array): void {
  expect(a).toBeInstanceOf(Float64Array);
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

const formatError = (f: () => unknown) => expectLrpError(f);

const XOR = `Linear 2 3
-2.01595799878 -2.05379403106 0.688953420218 1.20338836267 -1.7518249173 -1.90515935663
-0.519917325831 0.400368842573 0.0699950389094
Tanh
Linear 3 2
1.10940574175 0.26799513777 2.51842248017 -1.5497671807 -0.606042655911 -0
-0.115832556216 0.115832556216
SoftMax
`;
const CNN = `Convolution 2 2 1 2 1 1
0.5 -0.25 1e-300 3 0.125 -7 2 1
0.1 -0.2
MaxPool 2 2 1 1
SumPool 2 1 1 1
Rect
Flatten
`;


describeWith(toolboxFixtures, 'LeNet-5.nn from the toolbox', () => {
  it('gives the same layers and bit-identical weights as LeNet-5.txt', () => {
    const nn = readNnModel(new Uint8Array(readFileSync(fixture('toolbox/models/LeNet-5.nn'))), 'LeNet-5.nn');
    const txt = readTextModel(readFileSync(fixture('toolbox/models/LeNet-5.txt'), 'utf8'), 'LeNet-5.txt');
    expect(nn.layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'sumpool', 'conv2d', 'relu', 'sumpool', 'conv2d', 'relu', 'sumpool', 'conv2d', 'flatten']);
    expect(nn.layers.length).toBe(txt.layers.length);
    nn.layers.forEach((l, i) => {
      const t = txt.layers[i]!;
      expect({ ...l, weights: undefined, bias: undefined }).toEqual({ ...t, weights: undefined, bias: undefined });
      if ('weights' in l && 'weights' in t) {
        expectBitIdentical(l.weights, t.weights);
        expectBitIdentical(l.bias, t.bias);
      }
    });
  });

  it('uses only allow-listed globals, and parseModel picks the format by content', () => {
    const bytes = new Uint8Array(readFileSync(fixture('toolbox/models/LeNet-5.nn')));
    const seen: string[] = [];
    readPickle(bytes, { allow: (m, n) => (seen.push(`${m} ${n}`), isToolboxPickleGlobal(m, n)) });
    expect(new Set(seen)).toEqual(new Set([
      'modules.sequential Sequential', 'modules.convolution Convolution', 'modules.rect Rect', 'modules.sumpool SumPool',
      'modules.flatten Flatten', 'numpy.core.multiarray _reconstruct', 'numpy ndarray', 'numpy dtype',
    ]));
    expect(parseModel(bytes, 'model').layers.length).toBe(11);
    expect(parseModel(new Uint8Array(readFileSync(fixture('toolbox/models/LeNet-5.txt'))), 'x.bin').layers.length).toBe(11);
  });
});

describe('pickled toolbox models in every encoding', () => {
  const models = { xor: readTextModel(XOR), cnn: readTextModel(CNN) };
  const variants: [string, 0 | 2, ArrayStyle, ObjStyle][] = [
    ['protocol 2, old-style classes (OBJ/INST)', 2, {}, 'inst'],
    ['protocol 0, old-style classes, STRING data with escapes', 0, {}, 'inst'],
    ['protocol 2, new-style classes (NEWOBJ)', 2, {}, 'newobj'],
    ['protocol 0, copy_reg._reconstructor', 0, {}, 'reconstructor'],
    ['protocol 2, Python 3 bytes as _codecs.encode(latin-1 unicode)', 2, { codecs: true }, 'newobj'],
    ['protocol 0, unicode data (raw-unicode-escape)', 0, { codecs: true }, 'inst'],
    ['Fortran order', 2, { fortran: true }, 'inst'],
    ['big-endian', 2, { big: true }, 'inst'],
  ];
  for (const [name, model] of Object.entries(models)) {
    it.each(variants)(`${name}: %s`, (_, protocol, arrays, style) => {
      expectSameModel(readNnModel(pickleModel(model, protocol, arrays, style), `${name}.nn`), model);
    });
  }

  it('widens float32 arrays', () => {
    const m = models.xor;
    expectSameModel(readNnModel(pickleModel(m, 2, { f4: true })), m, Math.fround);
  });

  it('parseModel reads a protocol-0 pickle by content', () => {
    expectSameModel(parseModel(pickleModel(models.cnn, 0), 'upload'), models.cnn);
  });

  it('parseModel refuses bytes that are neither format', () => {
    expect(formatError(() => parseModel(new TextEncoder().encode('hello world\n'), 'x.bin')).where).toBe('x.bin');
    expect(formatError(() => parseModel(new TextEncoder().encode('hello\n'), 'x.txt')).where).toBe('x.txt:1');
    expect(formatError(() => parseModel(new TextEncoder().encode('hello\n'), 'x.nn')).message).toMatch(/not a pickled model/);
    expect(formatError(() => parseModel(new Uint8Array(0), 'empty')).where).toBe('empty');
  });
});

describe('protocol-0 literals', () => {
  it('decodes Python 2 string escapes', () => {
    const dec = (s: string) => Array.from(decodeStringRepr(Uint8Array.from(bytesOf(s))) ?? []);
    expect(dec(String.raw`'a\x00\xff\n\t\\\'\101\0q\z'`)).toEqual([97, 0, 255, 10, 9, 92, 39, 65, 0, 113, 92, 122]);
    expect(dec(`"it's"`)).toEqual(bytesOf("it's"));
    expect(decodeStringRepr(Uint8Array.from(bytesOf(String.raw`'\x4'`)))).toBeUndefined();
    expect(decodeStringRepr(Uint8Array.from(bytesOf(`'abc`)))).toBeUndefined();
  });

  it('decodes raw-unicode-escape', () => {
    expect(decodeRawUnicodeEscape(Uint8Array.from(bytesOf(String.raw`a\u00e9\\u0041\U0001F600\xff`)))).toBe('aé\\\\u0041😀\\xff');
  });
});

const ALLOW_NOTHING = { allow: () => false, where: 'evil.pkl' };

describe('malicious pickles are refused without executing or allocating', () => {
  it.each([
    ['os.system via GLOBAL/REDUCE', '\x80\x02cos\nsystem\nq\x00U\x08echo pwnq\x01\x85R.', 2, /global "os system" is not allowed/],
    ['posix.system', '\x80\x02cposix\nsystem\nU\x02id\x85R.', 2, /"posix system"/],
    ['protocol-0 eval', "c__builtin__\neval\n(S'1+1'\ntR.", 0, /"__builtin__ eval"/],
    ['INST subprocess', "(S'ls'\nisubprocess\ncall\n.", 7, /"subprocess call"/],
    ['STACK_GLOBAL', '\x80\x04\x8c\x02os\x8c\x06system\x93.', 14, /"os system"/],
    ['a look-alike of a toolbox class', '\x80\x02cos\nLinear\n.', 2, /"os Linear"/],
  ])('%s', (_, text, offset, message) => {
    const bytes = Uint8Array.from(bytesOf(text));
    const e = formatError(() => readNnModel(bytes, 'evil.nn'));
    expect(e.message).toMatch(message);
    expect(e.where).toBe(`evil.nn, byte ${offset}`);
  });

  it.each([
    ['huge BINSTRING length', [0x80, 2, 0x54, 0xff, 0xff, 0xff, 0x7f, 0x41], /truncated/],
    ['negative BINSTRING length', [0x80, 2, 0x54, 0xff, 0xff, 0xff, 0xff], /negative length/],
    ['huge BINUNICODE length', [0x80, 2, 0x58, 0xff, 0xff, 0xff, 0xff], /truncated/],
    ['huge BINBYTES8 length', [0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10], /exceeds/],
    ['huge LONG4', [0x80, 2, 0x8b, 0, 0, 0, 0x40], /truncated/],
    ['long LONG4', [0x80, 2, 0x8b, 0, 4, 0, 0, ...new Array(1024).fill(1), 0x2e], /too long/],
    ['huge memo index', [0x80, 2, 0x4e, 0x72, 0xff, 0xff, 0xff, 0xff, 0x6a, 0, 0, 0, 0, 0x2e], /never stored/],
    ['unknown opcode 0xff', [0x80, 2, 0xff], /unknown opcode 0xff/],
    ['unknown opcode 0x00', [0x00], /unknown opcode 0x00/],
    ['persistent id', [0x80, 2, 0x4e, 0x51, 0x2e], /persistent/],
    ['extension registry', [0x80, 2, 0x82, 1, 0x2e], /extension registry/],
    ['protocol 9', [0x80, 9, 0x4e, 0x2e], /protocol 9/],
    ['no STOP', [0x80, 2, 0x4e], /truncated/],
    ['stack underflow', [0x80, 2, 0x85, 0x2e], /underflow/],
    ['APPEND to a tuple', [0x80, 2, 0x29, 0x4e, 0x61, 0x2e], /not a list/],
    ['deep MARK nesting', [...new Array(100000).fill(0x28)], /nesting deeper than 1000/],
    ['REDUCE on a non-class', [0x80, 2, 0x4e, 0x29, 0x52, 0x2e], /not an allowed class/],
  ])('%s', (_, bytes, message) => {
    expect(formatError(() => readPickle(Uint8Array.from(bytes as number[]), ALLOW_NOTHING)).message).toMatch(message);
  });

  it('deep list nesting is read iteratively, then refused as a model', () => {
    const n = 200000;
    const bytes = Uint8Array.from([0x80, 2, ...new Array(n).fill(0x5d), ...new Array(n - 1).fill(0x61), 0x2e]);
    let v = readPickle(bytes, ALLOW_NOTHING);
    let depth = 1;
    while (Array.isArray(v) && v.length === 1) (v = v[0]!, depth++);
    expect(depth).toBe(n);
    expect(formatError(() => readNnModel(bytes)).message).toMatch(/not a toolbox Sequential/);
  });

  it('refuses arrays shared between layers that would decode to more than the file holds', () => {
    // The pickler memoizes globals only, so share by hand: the modules list "](" … "e" becomes one
    // memoized Linear (BINPUT 255) followed by 99 BINGETs of it.
    const one = pickleModel(readTextModel(`Linear 64 64\n${'0 '.repeat(4096)}\n${'0 '.repeat(64)}\n`), 2);
    const text = Array.from(one, (c) => String.fromCharCode(c)).join('');
    const start = text.indexOf('](') + 2;
    const end = text.lastIndexOf('e');
    const module = text.slice(start, end);
    const shared = text.slice(0, start) + module + 'q\xff' + 'h\xff'.repeat(99) + text.slice(end);
    const e = formatError(() => readNnModel(Uint8Array.from(bytesOf(shared)), 'shared.nn'));
    expect(e.message).toMatch(/more bytes than the file holds/);
  });

  it('refuses inconsistent toolbox modules naming the module and attribute', () => {
    const m = readTextModel(XOR);
    const p = Array.from(pickleModel(m, 0), (c) => String.fromCharCode(c)).join('');
    const bad = p.replace("S'f8'", "S'i8'");
    expect(formatError(() => readNnModel(Uint8Array.from(bytesOf(bad)), 'x.nn')).where).toBe('x.nn, modules[0] (modules.linear Linear), W');
    const short = p.replace('I1\n(I2\nI3\nt', 'I1\n(I2\nI4\nt');
    expect(formatError(() => readNnModel(Uint8Array.from(bytesOf(short)), 'x.nn')).message).toMatch(/shape \(2, 4\) needs 64 bytes of data, got 48/);
  });

  it('BUILD twice is refused', () => {
    const bytes = Uint8Array.from([0x80, 2, ...bytesOf('cnumpy\ndtype\n'), 0x29, 0x52, 0x4e, 0x62, 0x4e, 0x62, 0x2e]);
    expect(formatError(() => readPickle(bytes, { allow: isToolboxPickleGlobal })).message).toMatch(/built twice/);
  });

  it('plain values come back as JS data', () => {
    const v = readPickle(pickle({ tuple: [1, { float: 2.5 }, str('ab'), { uni: 'é' }, { list: [true, null] }, { dict: [[str('k'), 70000]] }] }, 2), ALLOW_NOTHING);
    expect(isPickleTuple(v)).toBe(true);
    const [a, b, c, d, e, f] = v as unknown[];
    expect([a, b, Array.from(c as Uint8Array), d, e]).toEqual([1, 2.5, [97, 98], 'é', [true, null]]);
    expect(f).toEqual(new Map([['k', 70000]]));
    expect(readPickle(Uint8Array.from([0x80, 2, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x2e]), ALLOW_NOTHING)).toBe(-(2n ** 71n));
    expect(readPickle(pickle({ global: ['numpy', 'dtype'] }, 2), { allow: isToolboxPickleGlobal })).toBeInstanceOf(PickleGlobal);
  });
});
