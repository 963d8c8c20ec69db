import { describe, expect, it } from 'vitest';
import { isPickleTuple, looksLikePickle, PickleGlobal, PickleObject, readPickle, type PickleValue } from '../src/io/pickle.js';
import { expectLrpError } from './support/expect-error.js';

// One opcode at a time: the value each pickle opcode produces, as CPython's pickle documents it
// (Lib/pickletools.py), and the refusal, with the opcode's byte offset, for each malformed use.

type Part = number | string | readonly number[];
/** Pickle bytes from opcode characters (latin-1 strings), single bytes and byte lists. */
function pk(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const ch of p) out.push(ch.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
const u32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
const u64 = (n: number): number[] => [...u32(n), 0, 0, 0, 0];
const f64be = (x: number): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, false);
  return [...b];
};
const any = { allow: (): boolean => true, where: 'p.pkl' };
const load = (...parts: Part[]): PickleValue => readPickle(pk(...parts), any);
const refuse = (pattern: RegExp, ...parts: Part[]) => expectLrpError(() => load(...parts), 'E_FORMAT', pattern);
const text = (v: PickleValue): string => new TextDecoder('latin1').decode(v as Uint8Array);

describe('pickle detection', () => {
  it('recognises PROTO 2-5 and the protocol-0/1 openings only', () => {
    expect([2, 3, 4, 5].map((v) => looksLikePickle(pk(0x80, v)))).toEqual([true, true, true, true]);
    expect([0, 1, 6].map((v) => looksLikePickle(pk(0x80, v)))).toEqual([false, false, false]);
    expect(looksLikePickle(pk(0x80))).toBe(false);
    expect(['(', 'c', 'i', ']', '}', ')'].map((c) => looksLikePickle(pk(c)))).toEqual([true, true, true, true, true, true]);
    expect(['x', 'L', '{', '0'].map((c) => looksLikePickle(pk(c)))).toEqual([false, false, false, false]);
    expect(looksLikePickle(new Uint8Array(0))).toBe(false);
  });

  it('tells tuples from lists', () => {
    expect(isPickleTuple(load(')', '.'))).toBe(true);
    expect(isPickleTuple(load(']', '.'))).toBe(false);
    expect(isPickleTuple(undefined)).toBe(false);
  });
});

describe('pickle scalar opcodes', () => {
  it('reads the integer forms, signed and unsigned as documented', () => {
    expect(load('K', 255, '.')).toBe(255);
    expect(load('M', 0x34, 0x12, '.')).toBe(0x1234);
    expect(load('M', 0xff, 0xff, '.')).toBe(65535);
    expect(load('J', 0xff, 0xff, 0xff, 0xff, '.')).toBe(-1);
    expect(load(0x8a, 2, 0xff, 0x00, '.')).toBe(255);
    expect(load(0x8a, 1, 0xff, '.')).toBe(-1);
    expect(load(0x8a, 0, '.')).toBe(0);
    expect(load(0x8a, 9, [0, 0, 0, 0, 0, 0, 0, 0, 1], '.')).toBe(1n << 64n);
    expect(load(0x8b, u32(2), 0x00, 0x80, '.')).toBe(-32768);
    refuse(/byte 0: LONG4 has a negative length -1/, 0x8b, [0xff, 0xff, 0xff, 0xff]);
    refuse(/byte 0: integer of 257 bytes is too long/, 0x8b, u32(257), new Array(257).fill(1), '.');
  });

  it('reads protocol-0 INT, LONG, FLOAT lines (and INT 00/01 as booleans), with or without \\r', () => {
    expect(load('I00\n.')).toBe(false);
    expect(load('I01\n.')).toBe(true);
    expect(load('I-42\r\n.')).toBe(-42);
    expect(load('L12345678901234567890L\n.')).toBe(12345678901234567890n);
    expect(load('F1.5\n.')).toBe(1.5);
    expect(load('G', f64be(-2.25), '.')).toBe(-2.25);
    refuse(/^p\.pkl, byte 0: bad INT "x1"$/, 'Ix1\n.');
    refuse(/^p\.pkl, byte 0: bad LONG "zz"$/, 'Lzz\n.');
    refuse(/^p\.pkl, byte 0: bad FLOAT "one"$/, 'Fone\n.');
    refuse(/^p\.pkl, byte 0: truncated: INT has no terminating newline$/, 'I12');
    refuse(/byte 1: truncated: BINFLOAT needs 8 bytes/, 'G', [0, 0, 0]);
  });

  it('reads None and the booleans', () => {
    expect(load('N.')).toBeNull();
    expect(load(0x88, '.')).toBe(true);
    expect(load(0x89, '.')).toBe(false);
  });
});

describe('pickle strings and bytes', () => {
  it('reads each byte-string opcode as bytes and each unicode opcode as text', () => {
    expect(text(load("S'ab\\'c'\n."))).toBe("ab'c");
    expect(text(load("S'ab'\r\n."))).toBe('ab');
    expect(text(load('T', u32(2), 'hi', '.'))).toBe('hi');
    expect(text(load('U', 3, 'abc', '.'))).toBe('abc');
    expect(text(load('B', u32(1), 'z', '.'))).toBe('z');
    expect(text(load('C', 2, 'zz', '.'))).toBe('zz');
    expect(text(load(0x8e, u64(3), 'xyz', '.'))).toBe('xyz');
    expect(text(load(0x96, u64(2), 'qq', '.'))).toBe('qq');
    expect(load('V', 'caf\\u00e9\n.')).toBe('café');
    expect(load('X', u32(3), [0xe2, 0x82, 0xac], '.')).toBe('€');
    expect(load(0x8c, 2, 'ok', '.')).toBe('ok');
    expect(load(0x8d, u64(2), 'ok', '.')).toBe('ok');
  });

  it('refuses malformed strings at the opcode', () => {
    refuse(/^p\.pkl, byte 0: badly quoted STRING$/, 'Sabc\n.');
    refuse(/^p\.pkl, byte 0: unicode string is not valid UTF-8$/, 'X', u32(1), [0xff], '.');
    refuse(/^p\.pkl, byte 2: BINBYTES8 length 4294967296 exceeds the 0 bytes left$/, 'N', '0', 0x8e, [0, 0, 0, 0, 1, 0, 0, 0]);
    refuse(/byte 2: truncated: SHORT_BINSTRING needs 5 bytes/, 'U', 5, 'ab');
    refuse(/byte 0: out-of-band buffers/, 0x97);
    refuse(/^p\.pkl, byte 1: READONLY_BUFFER on something that is not a buffer$/, 'N', 0x98);
    expect(text(load('C', 1, 'r', 0x98, '.'))).toBe('r');
  });
});

describe('pickle containers, memo and stack', () => {
  it('builds tuples in order and lists, dicts with bytes keys read as latin-1', () => {
    expect(load('K', 1, 0x85, '.')).toEqual([1]);
    expect(load('K', 1, 'K', 2, 0x86, '.')).toEqual([1, 2]);
    expect(load('K', 1, 'K', 2, 'K', 3, 0x87, '.')).toEqual([1, 2, 3]);
    expect(load('(K', 1, 'K', 2, 't.')).toEqual([1, 2]);
    expect(load('(K', 1, 'l.')).toEqual([1]);
    expect(load(']K', 1, 'a(K', 2, 'K', 3, 'e.')).toEqual([1, 2, 3]);
    const d = load('}C', 1, 'k', 'K', 7, 's(N', 'K', 8, 0x88, 'K', 9, 'u.') as Map<unknown, unknown>;
    expect([...d]).toEqual([
      ['k', 7],
      [null, 8],
      [true, 9],
    ]);
    expect([...(load('(K', 1, 'K', 2, 'd.') as Map<unknown, unknown>)]).toEqual([[1, 2]]);
  });

  it('refuses misuse of containers', () => {
    refuse(/^p\.pkl, byte 4: SETITEMS with an odd number of items$/, '}(K', 1, 'u.');
    refuse(/^p\.pkl, byte 5: SETITEM\(S\) on something that is not a dict$/, ']K', 1, 'K', 2, 's.');
    refuse(/^p\.pkl, byte 3: APPEND\(S\) on something that is not a list$/, ')K', 1, 'a.');
    refuse(/^p\.pkl, byte 4: unsupported dict key type$/, '})K', 1, 's.');
    refuse(/^p\.pkl, byte 0: no MARK on the stack$/, 't.');
    refuse(/^p\.pkl, byte 0: stack underflow$/, '.');
    refuse(/^p\.pkl, byte 0: stack underflow$/, '2');
  });

  it('POP, POP_MARK and DUP move the stack as documented', () => {
    expect(load('K', 1, 'K', 2, '0.')).toBe(1);
    expect(load('K', 1, '(K', 2, 'K', 3, '1.')).toBe(1);
    expect(load('K', 5, '2', 0x86, '.')).toEqual([5, 5]);
  });

  it('memo: PUT/GET lines, BINPUT/BINGET, LONG_BINPUT/LONG_BINGET, MEMOIZE', () => {
    expect(load('K', 4, 'p7\n0g7\n.')).toBe(4);
    expect(load('K', 4, 'q', 3, '0h', 3, '.')).toBe(4);
    expect(load('K', 4, 'r', u32(70000), '0j', u32(70000), '.')).toBe(4);
    expect(load('K', 4, 0x94, 'K', 5, 0x94, '0h', 1, '.')).toBe(5);
    refuse(/^p\.pkl, byte 0: memo entry 9 was never stored$/, 'h', 9, '.');
    refuse(/^p\.pkl, byte 1: bad PUT index$/, 'Np-\n.');
    refuse(/^p\.pkl, byte 0: bad GET index$/, 'gx\n.');
    refuse(/^p\.pkl, byte 1: bad memo index -1$/, 'Np-1\n.');
    expectLrpError(() => readPickle(pk('K', 1, 'q', 0, 'q', 1, '.'), { ...any, maxMemo: 1 }), 'E_FORMAT', /byte 4: more than 1 memo entries/);
    expect(readPickle(pk('K', 1, 'q', 0, 'q', 0, '.'), { ...any, maxMemo: 1 })).toBe(1);
    expectLrpError(() => readPickle(pk('K', 1, 'K', 2, '.'), { ...any, maxStack: 1 }), 'E_FORMAT', /byte 2: stack deeper than 1/);
    expectLrpError(() => readPickle(pk('((.'), { ...any, maxMarks: 1 }), 'E_FORMAT', /byte 1: nesting deeper than 1 marks/);
  });

  it('refuses protocols above 5, persistent ids, the extension registry, sets and unknown opcodes', () => {
    refuse(/^p\.pkl, byte 0: unsupported pickle protocol 6$/, 0x80, 6);
    expect(load(0x80, 5, 0x95, u64(1), 'N.')).toBeNull();
    refuse(/byte 0: persistent ids are not supported/, 'P1\n');
    refuse(/byte 0: persistent ids are not supported/, 'Q');
    for (const op of [0x82, 0x83, 0x84]) refuse(/byte 0: the copy_reg extension registry is not supported/, op);
    for (const op of [0x8f, 0x90, 0x91]) refuse(/byte 0: sets \(EMPTY_SET, ADDITEMS, FROZENSET\) are not supported/, op);
    refuse(/^p\.pkl, byte 1: unsupported or unknown opcode 0x0a$/, 'N', 0x0a);
  });
});

describe('pickle objects without calling anything', () => {
  it('_codecs.encode turns text into latin-1 or UTF-8 bytes', () => {
    const enc = (s: string, e: string): PickleValue => {
      const utf8 = [...new TextEncoder().encode(s)];
      return load('c_codecs\nencode\n', 0x8c, utf8.length, utf8, 0x8c, e.length, e, 0x86, 'R.');
    };
    expect(Array.from(enc('\u00e9', 'latin1') as Uint8Array)).toEqual([0xe9]);
    expect(Array.from(enc('\u00e9', 'ISO-8859-1') as Uint8Array)).toEqual([0xe9]);
    expect(Array.from(enc('ab', 'UTF_8') as Uint8Array)).toEqual([0x61, 0x62]);
    expect(Array.from(load('c_codecs\nencode\n', 'X', u32(2), [0xc3, 0xa9], 0x85, 'R.') as Uint8Array)).toEqual([0xc3, 0xa9]);
    refuse(/byte \d+: _codecs\.encode with unsupported encoding "cp1252"/, 'c_codecs\nencode\n', 0x8c, 1, 'a', 0x8c, 6, 'cp1252', 0x86, 'R.');
    refuse(/byte \d+: _codecs\.encode: character outside latin-1/, 'c_codecs\nencode\n', 'X', u32(3), [0xe2, 0x82, 0xac], 0x8c, 6, 'latin1', 0x86, 'R.');
    refuse(/byte \d+: _codecs\.encode expects \(str, encoding\)/, 'c_codecs\nencode\n', 'K', 1, 0x85, 'R.');
  });

  it('records REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST and BUILD as objects', () => {
    const reduce = load('cm\nC\n', 'K', 1, 0x85, 'R}b.') as PickleObject;
    expect(reduce).toBeInstanceOf(PickleObject);
    expect(reduce.cls).toEqual(new PickleGlobal('m', 'C'));
    expect(reduce.args).toEqual([1]);
    expect(reduce.state).toEqual(new Map());
    const newobj = load('cm\nC\n', ')', 0x81, '.') as PickleObject;
    expect(newobj.cls.toString()).toBe('m C');
    expect((load('cm\nC\n', ')}', 0x92, '.') as PickleObject).args).toEqual([]);
    expect((load('(cm\nC\n', 'K', 3, 'o.') as PickleObject).args).toEqual([3]);
    expect((load('(K', 4, 'im\nC\n.') as PickleObject).args).toEqual([4]);
    const rec = load('ccopy_reg\n_reconstructor\n', '(cm\nC\n', 'c__builtin__\nobject\n', 'Nt', 'R.') as PickleObject;
    expect(rec.cls.toString()).toBe('m C');
    expect(rec.args).toEqual([]);
    expect(0 + (load(0x8c, 1, 'm', 0x8c, 1, 'C', 0x93, '.') as PickleGlobal).toString().length).toBe(3);
  });

  it('refuses misused object opcodes', () => {
    refuse(/^p\.pkl, byte 2: BUILD on something that is not an object$/, 'NN', 'b.');
    refuse(/object of m C is built twice/, 'cm\nC\n', ')', 0x81, 'NbNb.');
    refuse(/^p\.pkl, byte 2: OBJ without a class$/, 'N(o.');
    refuse(/^p\.pkl, byte 3: OBJ of something that is not an allowed class$/, '(K', 1, 'o.');
    refuse(/^p\.pkl, byte \d+: NEWOBJ arguments are not a tuple$/, 'cm\nC\n', 'K', 1, 0x81, '.');
    refuse(/^p\.pkl, byte \d+: NEWOBJ_EX with keyword arguments is not supported$/, 'cm\nC\n', ')}K', 1, 'K', 2, 's', 0x92, '.');
    refuse(/^p\.pkl, byte \d+: REDUCE of something that is not an allowed class$/, 'K', 1, ')R.');
    refuse(/^p\.pkl, byte 4: STACK_GLOBAL needs two strings$/, 'K', 1, 'K', 2, 0x93, '.');
    const err = expectLrpError(() => readPickle(pk(`c${'m'.repeat(100)}\nC\n.`), { allow: () => false }), 'E_FORMAT');
    expect(err.message).toBe(`pickle, byte 0: global "${'m'.repeat(80)}…" is not allowed; refusing to load`);
    expectLrpError(
      () => readPickle(pk('cos\nsystem\n.'), { allow: () => false }),
      'E_FORMAT',
      /^pickle, byte 0: global "os system" is not allowed; refusing to load$/,
    );
  });
});
