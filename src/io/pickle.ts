import { LrpError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { decodeRawUnicodeEscape, decodeStringRepr, latin1, parseDecimalInt, parsePyFloat } from './pickle-protocol0.js';

/** A class or function named by a pickle's `GLOBAL` opcode (only ever a name; nothing is imported). */
export class PickleGlobal {
  constructor(
    /** Module path, e.g. `modules.linear`. */
    readonly module: string,
    /** Name inside the module, e.g. `Linear`. */
    readonly name: string,
  ) {}

  /** `module name`, the form used in allow-lists and messages. */
  toString(): string {
    return `${this.module} ${this.name}`;
  }
}

/**
 * An object the pickle would have constructed: the callable or class (`cls`), its arguments and the
 * state later given to it by `BUILD` (a dict for plain instances, a tuple for ndarray/dtype).
 */
export class PickleObject {
  /** The `BUILD` state, `undefined` where none was given. */
  state: PickleValue | undefined = undefined;
  constructor(
    readonly cls: PickleGlobal,
    readonly args: readonly PickleValue[],
  ) {}
}

/** Dict keys lrpjs supports: strings (Python 2 `str` keys decoded as latin-1), numbers, bool, None. */
export type PickleKey = string | number | bigint | boolean | null;

/**
 * A plain JS value built from a pickle: `None` → `null`; `bool`; `int` → number (bigint beyond 2^53);
 * `float` → number; Python 2 `str` / Python 3 `bytes` → `Uint8Array`; `unicode` → string;
 * list → array; tuple → frozen array ({@link isPickleTuple}); dict → `Map`; classes → {@link PickleGlobal};
 * instances → {@link PickleObject}.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleKey, PickleValue>
  | PickleGlobal
  | PickleObject;

/** True for a tuple (a frozen array) as opposed to a list. */
export function isPickleTuple(v: PickleValue | undefined): v is PickleValue[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

/**
 * True where `bytes` look like a pickle: `PROTO` (0x80 then a protocol number 2–5) or a protocol-0/1
 * opening opcode (`(` MARK, `c` GLOBAL, `i` INST, `]` `}` `)` empty list/dict/tuple).
 */
export function looksLikePickle(bytes: Uint8Array): boolean {
  const b0 = bytes[0];
  if (b0 === 0x80) return bytes.length > 1 && bytes[1]! >= 2 && bytes[1]! <= 5;
  return b0 === 0x28 || b0 === 0x63 || b0 === 0x69 || b0 === 0x5d || b0 === 0x7d || b0 === 0x29;
}

/** Options of {@link readPickle}. */
export interface PickleOptions {
  /** Which `module name` globals may appear; every other `GLOBAL` is refused. */
  readonly allow: (module: string, name: string) => boolean;
  /** Source name for messages (default `pickle`). */
  readonly where?: string;
  /** Most nested `MARK`s (default 1000). */
  readonly maxMarks?: number;
  /** Most memo entries (default 2^20). */
  readonly maxMemo?: number;
  /** Most values on the stack (default 2^22). */
  readonly maxStack?: number;
}

/** Longest `LONG1`/`LONG4` integer in bytes; anything longer is refused. */
const MAX_LONG_BYTES = 256;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a Python pickle (protocols 0–5: Python 2's `cPickle` protocol 2 as in the LRP Toolbox, and
 * Python 3.8+'s protocols 3–5 with frames, `MEMOIZE`, `STACK_GLOBAL` and in-band `BYTEARRAY8`
 * buffers) **without executing anything**: the opcodes are interpreted into plain values
 * ({@link PickleValue}). `GLOBAL`/`STACK_GLOBAL`/`INST` are refused unless `options.allow` accepts
 * the `module name`; `REDUCE`, `OBJ`, `INST`, `NEWOBJ` record a {@link PickleObject} instead of calling
 * anything, except two pure built-ins evaluated here: `_codecs encode(str, 'latin1'|'utf-8')`
 * (Python 3's way of pickling bytes) and `copy_reg _reconstructor(cls, base, state)`.
 * Persistent ids, the extension registry, sets, out-of-band buffers (`NEXT_BUFFER`) and
 * `NEWOBJ_EX` keyword arguments are refused. Byte strings are views on `bytes` (no copies).
 *
 * Bounded: every length prefix is checked against the bytes left before anything is allocated,
 * integers are limited to 256 bytes, the mark/stack/memo depths are limited, the reader is an
 * iterative loop (no recursion), and each object may be `BUILD` once. Errors are `E_FORMAT`
 * {@link LrpError}s naming the byte offset of the offending opcode (`where` `name, byte N`).
 */
export function readPickle(bytes: Uint8Array, options: PickleOptions): PickleValue {
  const where = options.where ?? 'pickle';
  const maxMarks = options.maxMarks ?? 1000;
  const maxMemo = options.maxMemo ?? 1 << 20;
  const maxStack = options.maxStack ?? 1 << 22;
  const r = new ByteReader(bytes, where, true);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const memo = new Map<number, PickleValue>();
  const metastack: PickleValue[][] = [];
  let stack: PickleValue[] = [];
  let pos = 0;
  let op = 0;
  let encodeBudget = bytes.length;

  function fail(message: string): never {
    return r.fail(message, op);
  }
  const push = (v: PickleValue): void => {
    if (stack.length >= maxStack) fail(`stack deeper than ${maxStack}`);
    stack.push(v);
  };
  const pop = (): PickleValue => (stack.length > 0 ? stack.pop()! : fail('stack underflow'));
  const top = (): PickleValue => (stack.length > 0 ? stack[stack.length - 1]! : fail('stack underflow'));
  const popMark = (): PickleValue[] => {
    const items = stack;
    if (metastack.length === 0) fail('no MARK on the stack');
    stack = metastack.pop()!;
    return items;
  };
  const take = (n: number, what: string): Uint8Array => {
    r.need(pos, n, what);
    const out = bytes.subarray(pos, pos + n); // a view: byte strings share the pickle's memory
    pos += n;
    return out;
  };
  const u8 = (what: string): number => {
    r.need(pos, 1, what);
    return bytes[pos++]!;
  };
  const readLine = (what: string): Uint8Array => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`truncated: ${what} has no terminating newline`);
    const line = bytes.subarray(pos, end);
    pos = end + 1;
    return line;
  };
  const lineText = (what: string): string => {
    const t = latin1(readLine(what));
    return t.endsWith('\r') ? t.slice(0, -1) : t;
  };
  const length32 = (what: string, signed: boolean): number => {
    const n = signed ? r.i32(pos, what) : r.u32(pos, what);
    pos += 4;
    if (n < 0) fail(`${what} has a negative length ${n}`);
    return n;
  };
  const length64 = (what: string): number => {
    r.need(pos, 8, what);
    const n = view.getBigUint64(pos, true);
    pos += 8;
    if (n > BigInt(bytes.length)) fail(`${what} length ${n} exceeds the ${bytes.length - pos} bytes left`);
    return Number(n);
  };
  const decodeUtf8 = (b: Uint8Array): string => {
    try {
      return utf8.decode(b);
    } catch {
      return fail('unicode string is not valid UTF-8');
    }
  };
  const signedLong = (b: Uint8Array): number | bigint => {
    if (b.length > MAX_LONG_BYTES) fail(`integer of ${b.length} bytes is too long`);
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b.length > 0 && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  };
  const lookupGlobal = (module: string, name: string): PickleGlobal => {
    if (!options.allow(module, name)) {
      const full = `${module} ${name}`;
      fail(`global ${JSON.stringify(full.length > 80 ? `${full.slice(0, 80)}…` : full)} is not allowed; refusing to load`);
    }
    return new PickleGlobal(module, name);
  };
  const memoPut = (index: number): void => {
    if (!Number.isSafeInteger(index) || index < 0) fail(`bad memo index ${index}`);
    if (!memo.has(index) && memo.size >= maxMemo) fail(`more than ${maxMemo} memo entries`);
    memo.set(index, top());
  };
  const memoGet = (index: number): void => {
    const v = memo.get(index);
    if (v === undefined) fail(`memo entry ${index} was never stored`);
    push(v);
  };
  const key = (k: PickleValue): PickleKey => {
    if (k instanceof Uint8Array) return latin1(k);
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return k;
    return fail('unsupported dict key type');
  };
  const setItems = (dict: PickleValue, items: PickleValue[]): void => {
    if (!(dict instanceof Map)) fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(key(items[i]!), items[i + 1]!);
  };
  const appendItems = (list: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(list) || Object.isFrozen(list)) fail('APPEND(S) on something that is not a list');
    for (const it of items) list.push(it);
  };
  const tuple = (items: PickleValue[]): PickleValue[] => Object.freeze(items) as PickleValue[];
  const asArgs = (v: PickleValue, what: string): readonly PickleValue[] => (Array.isArray(v) ? v : fail(`${what} arguments are not a tuple`));
  const asGlobal = (v: PickleValue, what: string): PickleGlobal => (v instanceof PickleGlobal ? v : fail(`${what} of something that is not an allowed class`));
  const call = (fn: PickleGlobal, args: readonly PickleValue[]): PickleValue => {
    const name = fn.toString();
    if (name === '_codecs encode') {
      const [text, encoding = 'utf-8'] = args;
      if (typeof text !== 'string' || typeof encoding !== 'string') return fail('_codecs.encode expects (str, encoding)');
      encodeBudget -= text.length;
      if (encodeBudget < 0) fail('_codecs.encode produces more bytes than the file holds');
      const enc = encoding.toLowerCase().replace(/[-_]/g, '');
      if (enc === 'utf8') return new TextEncoder().encode(text);
      if (enc !== 'latin1' && enc !== 'iso88591') fail(`_codecs.encode with unsupported encoding ${JSON.stringify(encoding)}`);
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0xff) fail('_codecs.encode: character outside latin-1');
        out[i] = c;
      }
      return out;
    }
    if (name === 'copy_reg _reconstructor' || name === 'copyreg _reconstructor') {
      return new PickleObject(asGlobal(args[0] ?? null, '_reconstructor'), []);
    }
    return new PickleObject(fn, args);
  };

  for (;;) {
    op = pos;
    const code = u8('opcode');
    switch (code) {
      case 0x80: { // PROTO
        const v = u8('protocol');
        if (v > 5) fail(`unsupported pickle protocol ${v}`);
        break;
      }
      case 0x95: length64('FRAME'); break; // FRAME: framing is only a hint
      case 0x2e: return pop(); // STOP
      case 0x28: // MARK
        if (metastack.length >= maxMarks) fail(`nesting deeper than ${maxMarks} marks`);
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4b: push(u8('BININT1')); break;
      case 0x4d: push(r.u16(pos, 'BININT2')); pos += 2; break;
      case 0x4a: push(r.i32(pos, 'BININT')); pos += 4; break;
      case 0x8a: push(signedLong(take(u8('LONG1 length'), 'LONG1'))); break;
      case 0x8b: push(signedLong(take(length32('LONG4', true), 'LONG4'))); break;
      case 0x47: // BINFLOAT
        r.need(pos, 8, 'BINFLOAT');
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x49: { // INT (protocol 0; "00"/"01" are False/True)
        const t = lineText('INT');
        const v = t === '00' ? false : t === '01' ? true : parseDecimalInt(t);
        push(v ?? fail(`bad INT ${JSON.stringify(t.slice(0, 40))}`));
        break;
      }
      case 0x4c: { // LONG
        const t = lineText('LONG');
        push(parseDecimalInt(t) ?? fail(`bad LONG ${JSON.stringify(t.slice(0, 40))}`));
        break;
      }
      case 0x46: { // FLOAT
        const t = lineText('FLOAT');
        push(parsePyFloat(t) ?? fail(`bad FLOAT ${JSON.stringify(t.slice(0, 40))}`));
        break;
      }
      case 0x53: { // STRING
        let line = readLine('STRING');
        if (line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
        push(decodeStringRepr(line) ?? fail('badly quoted STRING'));
        break;
      }
      case 0x54: push(take(length32('BINSTRING', true), 'BINSTRING')); break;
      case 0x55: push(take(u8('SHORT_BINSTRING length'), 'SHORT_BINSTRING')); break;
      case 0x42: push(take(length32('BINBYTES', false), 'BINBYTES')); break;
      case 0x43: push(take(u8('SHORT_BINBYTES length'), 'SHORT_BINBYTES')); break;
      case 0x8e: push(take(length64('BINBYTES8'), 'BINBYTES8')); break;
      case 0x96: push(take(length64('BYTEARRAY8'), 'BYTEARRAY8')); break; // protocol 5 in-band buffer
      case 0x97: fail('out-of-band buffers (NEXT_BUFFER, pickle protocol 5 with a buffer_callback) are not supported; pickle without buffer_callback'); break;
      case 0x98: if (!(top() instanceof Uint8Array)) fail('READONLY_BUFFER on something that is not a buffer'); break;
      case 0x56: push(decodeRawUnicodeEscape(readLine('UNICODE')) ?? fail('bad raw-unicode-escape in UNICODE')); break;
      case 0x58: push(decodeUtf8(take(length32('BINUNICODE', false), 'BINUNICODE'))); break;
      case 0x8c: push(decodeUtf8(take(u8('SHORT_BINUNICODE length'), 'SHORT_BINUNICODE'))); break;
      case 0x8d: push(decodeUtf8(take(length64('BINUNICODE8'), 'BINUNICODE8'))); break;
      case 0x29: push(tuple([])); break; // EMPTY_TUPLE
      case 0x85: push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); push(tuple([pop(), b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); push(tuple([pop(), b, c])); break; } // TUPLE3
      case 0x74: push(tuple(popMark())); break; // TUPLE
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x6c: push(popMark()); break; // LIST
      case 0x7d: push(new Map()); break; // EMPTY_DICT
      case 0x64: { const d = new Map<PickleKey, PickleValue>(); setItems(d, popMark()); push(d); break; } // DICT
      case 0x61: { const v = pop(); appendItems(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x70: memoPut(Number(parseDecimalInt(lineText('PUT')) ?? fail('bad PUT index'))); break;
      case 0x71: memoPut(u8('BINPUT index')); break;
      case 0x72: memoPut(r.u32(pos, 'LONG_BINPUT index')); pos += 4; break;
      case 0x94: memoPut(memo.size); break; // MEMOIZE
      case 0x67: memoGet(Number(parseDecimalInt(lineText('GET')) ?? fail('bad GET index'))); break;
      case 0x68: memoGet(u8('BINGET index')); break;
      case 0x6a: memoGet(r.u32(pos, 'LONG_BINGET index')); pos += 4; break;
      case 0x63: { // GLOBAL
        const module = lineText('GLOBAL module');
        push(lookupGlobal(module, lineText('GLOBAL name')));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(lookupGlobal(module, name));
        break;
      }
      case 0x69: { // INST: class named inline, arguments since the mark
        const module = lineText('INST module');
        const cls = lookupGlobal(module, lineText('INST name'));
        push(new PickleObject(cls, tuple(popMark())));
        break;
      }
      case 0x6f: { // OBJ: class and arguments since the mark
        const items = popMark();
        if (items.length === 0) fail('OBJ without a class');
        push(new PickleObject(asGlobal(items[0]!, 'OBJ'), tuple(items.slice(1))));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = asArgs(pop(), 'NEWOBJ');
        push(new PickleObject(asGlobal(pop(), 'NEWOBJ'), args));
        break;
      }
      case 0x92: { // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs); only empty kwargs
        const kwargs = pop();
        const args = asArgs(pop(), 'NEWOBJ_EX');
        if (!(kwargs instanceof Map) || kwargs.size > 0) fail('NEWOBJ_EX with keyword arguments is not supported');
        push(new PickleObject(asGlobal(pop(), 'NEWOBJ_EX'), args));
        break;
      }
      case 0x52: { // REDUCE
        const args = asArgs(pop(), 'REDUCE');
        push(call(asGlobal(pop(), 'REDUCE'), args));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (!(obj instanceof PickleObject)) fail('BUILD on something that is not an object');
        if (obj.state !== undefined) fail(`object of ${obj.cls} is built twice`);
        obj.state = state;
        break;
      }
      case 0x50: case 0x51: fail('persistent ids are not supported'); break;
      case 0x82: case 0x83: case 0x84: fail('the copy_reg extension registry is not supported'); break;
      case 0x8f: case 0x90: case 0x91: fail('sets (EMPTY_SET, ADDITEMS, FROZENSET) are not supported'); break;
      default:
        fail(`unsupported or unknown opcode 0x${code.toString(16).padStart(2, '0')}`);
    }
  }
}
