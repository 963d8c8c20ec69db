import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import type { LinearLayer, Model } from '../src/model/layers.js';
import { parseModel } from '../src/io/model-file.js';
import { readNnModel } from '../src/io/nn-model.js';
import { readNpy } from '../src/io/npy.js';
import { readPickle } from '../src/io/pickle.js';
import { decodePickledArray } from '../src/io/pickled-ndarray.js';
import { projectRoot } from './fixtures.js';
import { expectLrpError } from './support/expect-error.js';

// Fixtures written by scripts/write-pickle-fixtures.py (python 3.11, numpy 2.x; numpy 1.x spelling
// by rewriting the numpy module names): tiny MLP and CNN models, pickled with protocols 2-5.
const DIR = join(projectRoot, 'test', 'data', 'pickles');
const MODELS = ['mlp', 'cnn'] as const;
const VARIANTS = ['np1', 'np2'] as const;
const PROTOCOLS = [2, 3, 4, 5] as const;
const cases = MODELS.flatMap((m) => VARIANTS.flatMap((v) => PROTOCOLS.map((p) => [m, v, p] as const)));

const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));
const npy = (name: string): { data: Float64Array; shape: number[] } => {
  const a = readNpy(bytes(name), name);
  return { data: Float64Array.from(a.data as Float64Array), shape: [...a.shape] };
};

async function forward(model: Model, x: { data: Float64Array; shape: number[] }): Promise<Float64Array> {
  const ex = await createExplainer(model, { backend: 'js', keepSoftmax: true });
  const pass = ex.forward(x);
  try {
    return Float64Array.from(pass.explain({}).output.data);
  } finally {
    pass.dispose();
    ex.dispose();
  }
}

describe("pickles of today's Python (3.8+, numpy 1.x and 2.x, protocols 2-5)", () => {
  it('the committed fixtures are all there', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.nn'));
    expect(files.sort()).toEqual(cases.map(([m, v, p]) => `${m}-${v}-p${p}.nn`).sort());
  });

  it.each(cases)('%s %s protocol %i loads and computes numpy\'s outputs', async (m, v, p) => {
    const name = `${m}-${v}-p${p}.nn`;
    const b = bytes(name);
    expect(b[0]).toBe(0x80);
    expect(b[1]).toBe(p);
    const model = parseModel(b, name);
    const y = await forward(model, npy(`${m}-input.npy`));
    const ref = npy(`${m}-output.npy`).data;
    expect(y.length).toBe(ref.length);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(y[i]! - ref[i]!)).toBeLessThan(1e-12);
  });

  it.each(MODELS)('%s: every protocol and numpy spelling gives bit-identical weights', (m) => {
    const ref = readNnModel(bytes(`${m}-np2-p2.nn`));
    for (const [mm, v, p] of cases) {
      if (mm !== m) continue;
      const other = readNnModel(bytes(`${m}-${v}-p${p}.nn`));
      expect(other.layers.map((l) => l.kind)).toEqual(ref.layers.map((l) => l.kind));
      other.layers.forEach((l, i) => {
        const r = ref.layers[i]!;
        if ('weights' in l) {
          expect(Array.from(l.weights)).toEqual(Array.from((r as LinearLayer).weights));
          expect(Array.from(l.bias)).toEqual(Array.from((r as LinearLayer).bias));
        }
      });
    }
  });

  it('the fixtures exercise what they should: frames, MEMOIZE, STACK_GLOBAL, BYTEARRAY8, _frombuffer, both numpy spellings', () => {
    const text = (name: string): string => Array.from(bytes(name), (c) => String.fromCharCode(c)).join('');
    const p5 = text('cnn-np2-p5.nn');
    expect(p5.charCodeAt(2)).toBe(0x95); // FRAME
    for (const op of [0x94, 0x93, 0x96]) expect(p5.includes(String.fromCharCode(op))).toBe(true);
    expect(p5).toContain('numpy._core.numeric');
    expect(p5).toContain('_frombuffer');
    expect(text('cnn-np1-p5.nn')).toContain('numpy.core.numeric');
    expect(text('cnn-np1-p2.nn')).toContain('numpy.core.multiarray\n_reconstruct');
    expect(text('cnn-np2-p3.nn')).toContain('numpy._core.multiarray\n_reconstruct');
  });

  it('refuses out-of-band buffers (NEXT_BUFFER) with the byte offset', () => {
    const e = expectLrpError(() => readPickle(Uint8Array.from([0x80, 5, 0x97, 0x2e]), { allow: () => false, where: 'oob.nn' }), 'E_FORMAT', /out-of-band/);
    expect(e.where).toBe('oob.nn, byte 2');
  });

  it('READONLY_BUFFER keeps an in-band buffer; sets and NEWOBJ_EX keyword arguments are refused', () => {
    const buf = readPickle(Uint8Array.from([0x80, 5, 0x96, 2, 0, 0, 0, 0, 0, 0, 0, 7, 8, 0x98, 0x2e]), { allow: () => false });
    expect(Array.from(buf as Uint8Array)).toEqual([7, 8]);
    expect(expectLrpError(() => readPickle(Uint8Array.from([0x80, 4, 0x8f, 0x2e]), { allow: () => false })).where).toBe('pickle, byte 2');
    const newobjEx = [0x80, 4, 0x8c, 5, ...Array.from('numpy', (c) => c.charCodeAt(0)), 0x8c, 5, ...Array.from('dtype', (c) => c.charCodeAt(0)), 0x93, 0x29, 0x7d, 0x4e, 0x4e, 0x73, 0x92, 0x2e];
    expectLrpError(() => readPickle(Uint8Array.from(newobjEx), { allow: () => true }), 'E_FORMAT', /keyword arguments/);
  });
});

describe('pickled float64 weights are viewed, not copied, where alignment allows', () => {
  // A `_frombuffer(bytearray, dtype('f8'), (2, 2), order)` object as the pickle reader builds it.
  const pickled = (raw: Uint8Array, order: 'C' | 'F', kind = 'f8', byteOrder = '<') => {
    const dtypeState = [3, byteOrder, null, null, null, -1, -1, 0];
    const body = [
      0x80, 5, 0x8c, 19, ...Array.from('numpy._core.numeric', (c) => c.charCodeAt(0)), 0x8c, 11, ...Array.from('_frombuffer', (c) => c.charCodeAt(0)), 0x93,
      0x28, 0x96, ...[raw.length, 0, 0, 0, 0, 0, 0, 0], ...raw,
      0x8c, 5, ...Array.from('numpy', (c) => c.charCodeAt(0)), 0x8c, 5, ...Array.from('dtype', (c) => c.charCodeAt(0)), 0x93,
      0x8c, 2, ...Array.from(kind, (c) => c.charCodeAt(0)), 0x89, 0x88, 0x87, 0x52,
      0x28, 0x4b, dtypeState[0] as number, 0x8c, 1, byteOrder.charCodeAt(0), 0x4e, 0x4e, 0x4e, 0x4a, 255, 255, 255, 255, 0x4a, 255, 255, 255, 255, 0x4b, 0, 0x74, 0x62,
      0x4b, 2, 0x4b, 2, 0x86, 0x8c, 1, order.charCodeAt(0), 0x74, 0x52, 0x2e,
    ];
    return Uint8Array.from(body);
  };
  const values = [1.5, -2.25, 3, 4e-300];
  const f8 = new Uint8Array(Float64Array.from(values).buffer);
  const rawAt = 2 + 21 + 13 + 1 + 1 + 9; // offset of the BYTEARRAY8 data in `pickled`

  /** The pickle placed in a buffer so that its array data starts at a multiple of 8 plus `misalign`. */
  function placed(p: Uint8Array, misalign: number): Uint8Array {
    const shift = (8 - (rawAt % 8) + misalign) % 8;
    const buffer = new Uint8Array(p.length + 16);
    buffer.set(p, shift);
    return buffer.subarray(shift, shift + p.length);
  }
  const decode = (b: Uint8Array) => decodePickledArray(readPickle(b, { allow: () => true }), 'W', 'x.nn', { left: b.length });

  it('aligned, host order, C order: a Float64Array view on the file bytes', () => {
    const b = placed(pickled(f8, 'C'), 0);
    const a = decode(b);
    expect(Array.from(a.data)).toEqual(values);
    expect(a.data.buffer).toBe(b.buffer);
    expect(a.data.byteOffset).toBe(b.byteOffset + rawAt);
  });

  it.each([1, 3, 4])('misaligned by %i: a copy with the same values', (k) => {
    const b = placed(pickled(f8, 'C'), k);
    const a = decode(b);
    expect(Array.from(a.data)).toEqual(values);
    expect(a.data.buffer).not.toBe(b.buffer);
  });

  it('Fortran order, big-endian and float32 arrays are converted (same numbers as numpy)', () => {
    expect(Array.from(decode(placed(pickled(f8, 'F'), 0)).data)).toEqual([1.5, 3, -2.25, 4e-300]);
    const be = new Uint8Array(32);
    const view = new DataView(be.buffer);
    values.forEach((v, i) => view.setFloat64(8 * i, v, false));
    expect(Array.from(decode(placed(pickled(be, 'C', 'f8', '>'), 0)).data)).toEqual(values);
    const f4 = new Uint8Array(Float32Array.from([1.5, -2.25, 3, 0.1]).buffer);
    expect(Array.from(decode(placed(pickled(f4, 'C', 'f4'), 0)).data)).toEqual(Array.from(Float32Array.from([1.5, -2.25, 3, 0.1])));
  });

  it('a model read from aligned weights shares the file buffer', () => {
    // Find a fixture whose first Linear W happens to be aligned; reading it must not copy.
    let shared = 0;
    for (const [m, v, p] of cases) {
      const b = bytes(`${m}-${v}-p${p}.nn`);
      for (const l of readNnModel(b).layers) if ('weights' in l && l.weights.buffer === b.buffer) shared++;
    }
    expect(shared).toBeGreaterThan(0);
  });
});
