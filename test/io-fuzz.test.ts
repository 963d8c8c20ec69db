import { readFileSync } from 'node:fs';
import { unzlibSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { dtypeOfArray } from '../src/io/byte-reader.js';
import { readMat, writeMat } from '../src/io/mat.js';
import { readMatrixText, writeMatrixText } from '../src/io/matrix-text.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { sizeOf, type NdArray } from '../src/tensor.js';
import { fixture } from './fixtures.js';
import { itWith, toolboxFixtures } from './support/requirements.js';
import { uniform } from './support/random-model.js';


type Rand = () => number;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
const EXTREME_U32 = [0, 1, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 1e9, 15, 14];

/** One random corruption of `src`: bit flips, byte smashes, random 32-bit numbers, truncation, splices. */
function mutate(src: Uint8Array, rand: Rand, hotEnd = src.length): Uint8Array {
  let b = src.slice();
  const at = (): number => (rand() < 0.7 ? int(rand, Math.min(hotEnd, b.length)) : int(rand, b.length));
  const kind = int(rand, 6);
  if (b.length === 0) return Uint8Array.from([int(rand, 256)]);
  if (kind === 0) {
    for (let k = 1 + int(rand, 8); k > 0; k--) b[at()]! ^= 1 << int(rand, 8);
  } else if (kind === 1) {
    for (let k = 1 + int(rand, 4); k > 0; k--) b[at()] = [0, 0xff, 0x7f, 0x80, int(rand, 256)][int(rand, 5)]!;
  } else if (kind === 2) {
    const i = at() & ~3;
    const v = rand() < 0.5 ? EXTREME_U32[int(rand, EXTREME_U32.length)]! : int(rand, 2 ** 32);
    if (i + 4 <= b.length) new DataView(b.buffer).setUint32(i, v >>> 0, rand() < 0.5);
  } else if (kind === 3) {
    b = b.slice(0, int(rand, b.length));
  } else if (kind === 4) {
    const i = at();
    const n = 1 + int(rand, 16);
    b = rand() < 0.5 ? new Uint8Array([...b.subarray(0, i), ...b.subarray(i + n)]) : new Uint8Array([...b.subarray(0, i), ...Array.from({ length: n }, () => int(rand, 256)), ...b.subarray(i)]);
  } else {
    const i = at();
    const j = at();
    b.copyWithin(i, j, j + 1 + int(rand, 8));
  }
  return b;
}

/** Checks one array read back: known dtype, matching typed array, shape of sizes whose product is the data length. */
function expectValidArray(a: NdArray): void {
  expect(dtypeOfArray(a.data)).toBe(a.dtype);
  expect(a.shape.every((d) => Number.isSafeInteger(d) && d >= 0)).toBe(true);
  expect(a.data.length).toBe(sizeOf(a.shape));
}

/**
 * Runs `read` on each case: it must return (then `check` it) or throw an `E_FORMAT` LrpError whose
 * message names the file and a position. Anything else fails the test with the case that caused it.
 */
function expectSafe<T>(cases: Iterable<Uint8Array>, read: (b: Uint8Array) => T, check: (v: T) => void, position: RegExp): { ok: number; refused: number } {
  let ok = 0;
  let refused = 0;
  for (const bytes of cases) {
    let value: T;
    try {
      value = read(bytes);
    } catch (e) {
      if (!(e instanceof LrpError) || e.code !== 'E_FORMAT' || !position.test(e.message)) {
        throw new Error(`unexpected failure on ${bytes.length} bytes [${Array.from(bytes.subarray(0, 64)).join(',')}...]: ${String(e)}${e instanceof Error ? `\n${e.stack}` : ''}`);
      }
      refused++;
      continue;
    }
    check(value);
    ok++;
  }
  return { ok, refused };
}

/** After {@link expectSafe}: checks the loop saw `count` cases and both outcomes happened at least `least` times each. */
function expectBothOutcomes(r: { ok: number; refused: number }, count: number, least = { ok: 1, refused: 1 }): void {
  expect(r.ok + r.refused).toBe(count);
  expect(r.ok).toBeGreaterThanOrEqual(least.ok);
  expect(r.refused).toBeGreaterThanOrEqual(least.refused);
}

function* mutations(seeds: readonly Uint8Array[], count: number, seed: number, hot: (b: Uint8Array) => number): Generator<Uint8Array> {
  const rand = uniform(seed);
  for (let i = 0; i < count; i++) {
    let b = seeds[i % seeds.length]!;
    for (let k = 1 + int(rand, 3); k > 0; k--) b = mutate(b, rand, hot(b));
    yield b;
  }
}

const f64 = (values: number[], shape: number[]): NdArray => ({ dtype: 'float64', data: Float64Array.from(values), shape });

describe('fuzzed .npy files', () => {
  const enc = new TextEncoder();
  const handMade = (dict: string, data: Uint8Array): Uint8Array => {
    const total = Math.ceil((11 + dict.length) / 64) * 64;
    const out = new Uint8Array(total + data.length).fill(0x20, 10, total);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, (total - 10) & 0xff, (total - 10) >> 8]);
    out.set(enc.encode(dict), 10);
    out[total - 1] = 10;
    out.set(data, total);
    return out;
  };
  const seeds = [
    writeNpy(f64([1, 2, 3, 4, 5, 6], [2, 3])),
    writeNpy({ dtype: 'int64', data: BigInt64Array.from([1n, -2n, 3n]), shape: [3] }),
    writeNpy({ dtype: 'uint16', data: Uint16Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2] }),
    writeNpy({ dtype: 'float32', data: new Float32Array(0), shape: [0, 4] }),
    handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 1L), }", new Uint8Array(24)),
    handMade("{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(24).map((_, i) => i)),
    handMade("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", Uint8Array.from([1])),
  ];

  it('reads or refuses 4000 mutated files, and refuses absurd shapes', () => {
    const headerEnd = (b: Uint8Array): number => Math.min(b.length, 128);
    const r = expectSafe(mutations(seeds, 4000, 1, headerEnd), (b) => readNpy(b, 'fuzz.npy'), expectValidArray, /^fuzz\.npy, byte \d+: /);
    expectBothOutcomes(r, 4000, { ok: 50, refused: 1000 });
    const rand = uniform(2);
    const shapes = function* (): Generator<Uint8Array> {
      for (let i = 0; i < 1000; i++) {
        const dims = Array.from({ length: int(rand, 5) }, () => [0, 1, 7, 1e12, 2 ** 31, 2 ** 53, 1e30, int(rand, 1e6)][int(rand, 8)]!);
        const dict = `{'descr': '${['<f8', '>i2', '|u1', '<u8', '<c8', 'O'][int(rand, 6)]}', 'fortran_order': ${rand() < 0.5 ? 'True' : 'False'}, 'shape': (${dims.map((d) => BigInt(d)).join('L, ')}${dims.length ? 'L,' : ''}), }`;
        yield handMade(dict, new Uint8Array(int(rand, 64)));
      }
    };
    expectBothOutcomes(expectSafe(shapes(), (b) => readNpy(b, 'fuzz.npy'), expectValidArray, /^fuzz\.npy, byte \d+: /), 1000);
  });
});

describe('fuzzed .mat files', () => {
  const vars: Record<string, NdArray> = {
    data: f64([1, 2, 3, 4, 5, 6], [2, 3]),
    i8: { dtype: 'int8', data: Int8Array.from([1, -2, 3]), shape: [3] },
    u64: { dtype: 'uint64', data: BigUint64Array.from([5n]), shape: [1, 1] },
    cube: { dtype: 'float32', data: new Float32Array(8).fill(0.5), shape: [2, 2, 2] },
  };
  const plain = writeMat(vars);
  const packed = writeMat(vars, { compress: true });
  /** Mutations inside the compressed payload: inflate, corrupt the element, deflate again. */
  function* insideCompressed(count: number, seed: number): Generator<Uint8Array> {
    const rand = uniform(seed);
    const elements: Uint8Array[] = [];
    for (let pos = 128; pos < packed.length; ) {
      const n = new DataView(packed.buffer).getUint32(pos + 4, true);
      elements.push(unzlibSync(packed.subarray(pos + 8, pos + 8 + n)));
      pos += 8 + n;
    }
    for (let i = 0; i < count; i++) {
      const inner = mutate(elements[i % elements.length]!, rand, 64);
      const z = zlibSync(inner);
      const out = new Uint8Array(136 + z.length);
      out.set(packed.subarray(0, 128));
      new DataView(out.buffer).setUint32(128, 15, true);
      new DataView(out.buffer).setUint32(132, z.length, true);
      out.set(z, 136);
      yield out;
    }
  }
  const checkVars = (m: Map<string, NdArray>): void => m.forEach(expectValidArray);
  const position = /^fuzz\.mat(, byte \d+| \(compressed variable at byte \d+, inflated\), byte \d+)?: /;

  it('reads or refuses 3000 mutated plain and compressed files', () => {
    const r = expectSafe(mutations([plain, packed], 3000, 3, (b) => Math.min(b.length, 200)), (b) => readMat(b, 'fuzz.mat'), checkVars, position);
    expectBothOutcomes(r, 3000, { ok: 100, refused: 500 });
  });

  it('reads or refuses 3000 files with corrupted elements inside valid zlib streams', () => {
    const r = expectSafe(insideCompressed(3000, 4), (b) => readMat(b, 'fuzz.mat'), checkVars, position);
    expectBothOutcomes(r, 3000, { ok: 1, refused: 500 });
  });

  itWith(toolboxFixtures, 'reads or refuses mutations of the toolbox test_images.mat', () => {
    const real = readFileSync(fixture('toolbox', 'data', 'test_images.mat'));
    const r = expectSafe(mutations([real], 12, 5, () => 400), (b) => readMat(b, 'fuzz.mat'), checkVars, position);
    expect(r.ok + r.refused).toBe(12);
    expect(r.refused).toBeGreaterThan(0);
  });
});

describe('fuzzed .txt files', () => {
  const seeds = [
    writeMatrixText(f64([1, -2.5, 3e-7, 4, 5, 6.125], [2, 3])),
    writeMatrixText(f64([0.1, 1 / 3, NaN, -Infinity], [4, 1])),
    new TextEncoder().encode('# header\n1 2\n\n3 4\r\n'),
  ];
  const alphabet = '0123456789.eE+-  \n\t#xnaif,';

  it('reads or refuses 3000 mutated files, naming the line', () => {
    const rand = uniform(6);
    const textMutations = function* (): Generator<Uint8Array> {
      for (const b of mutations(seeds, 1500, 7, (x) => x.length)) yield b;
      for (let i = 0; i < 1500; i++) {
        const b = seeds[i % seeds.length]!.slice();
        for (let k = 1 + int(rand, 4); k > 0; k--) b[int(rand, b.length)] = alphabet.charCodeAt(int(rand, alphabet.length));
        yield b;
      }
    };
    const r = expectSafe(textMutations(), (b) => readMatrixText(b, 'fuzz.txt'), (a) => {
      expectValidArray(a);
      expect(a.shape).toHaveLength(2);
    }, /^fuzz\.txt, line \d+: /);
    expectBothOutcomes(r, 3000, { ok: 100, refused: 500 });
  });
});
