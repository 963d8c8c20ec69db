// Streaming .npy: the CLI reads large inputs a chunk at a time and writes the relevance file as the
// chunks finish. The reader must give exactly what readNpy gives (every dtype, byte order, bool),
// the writer exactly what writeNpy writes, and both refuse bad files and bad totals cleanly.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { openNpySamples, writeNpyChunks } from '../src/io/npy-stream.js';
import { parseNpyHeader, readNpy, writeNpy } from '../src/io/npy.js';
import { toFloat64 } from '../src/tensor.js';
import { expectLrpError } from './support/expect-error.js';
import { npyBytes } from './support/npy-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'lrp-npy-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (bytes: Uint8Array): string => {
  const path = join(dir, `f${files++}.npy`);
  writeFileSync(path, bytes);
  return path;
};

async function rejects(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LrpError);
  expect((e as LrpError).code).toBe(code);
  if (pattern) expect((e as LrpError).message).toMatch(pattern);
}

describe('openNpySamples', () => {
  const arrays = [
    { dtype: 'float32', data: Float32Array.from({ length: 7 * 6 }, (_, i) => (i - 9) / 7), shape: [7, 2, 3] },
    { dtype: 'float64', data: Float64Array.from({ length: 5 * 4 }, (_, i) => Math.sin(i)), shape: [5, 4] },
    { dtype: 'uint8', data: Uint8Array.from({ length: 9 * 5 }, (_, i) => (i * 37) & 255), shape: [9, 5] },
    { dtype: 'int16', data: Int16Array.from({ length: 4 * 3 }, (_, i) => i * 999 - 5000), shape: [4, 3] },
  ] as const;
  for (const a of arrays) {
    it(`${a.dtype} ${a.shape.join('x')}: every range of samples equals the slice readNpy gives`, async () => {
      const bytes = writeNpy(a);
      const whole = toFloat64(readNpy(bytes));
      const reader = (await openNpySamples(file(bytes)))!;
      expect(reader.shape).toEqual(a.shape);
      const n = a.shape[0];
      const per = whole.data.length / n;
      for (const [from, to] of [[0, n], [0, 1], [n - 1, n], [1, Math.min(n, 4)], [2, 2]]) {
        const t = await reader.read(from!, to!);
        expect(t.shape).toEqual([to! - from!, ...a.shape.slice(1)]);
        expect(Array.from(t.data)).toEqual(Array.from(whole.data.subarray(from! * per, to! * per)));
      }
      await rejects(reader.read(0, n + 1), 'E_RANGE', /outside/);
      await reader.close();
    });
  }

  it('big-endian and bool data are read as readNpy reads them', async () => {
    const be = new Uint8Array(6 * 4);
    const view = new DataView(be.buffer);
    for (let i = 0; i < 6; i++) view.setFloat32(i * 4, i * 1.5 - 2, false);
    const beBytes = npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (3, 2), }", be);
    const r1 = (await openNpySamples(file(beBytes)))!;
    expect(Array.from((await r1.read(1, 3)).data)).toEqual(Array.from(toFloat64(readNpy(beBytes)).data.subarray(2)));
    await r1.close();
    const boolBytes = npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3), }", Uint8Array.from([0, 2, 1, 0, 0, 255]));
    const r2 = (await openNpySamples(file(boolBytes)))!;
    expect(Array.from((await r2.read(0, 2)).data)).toEqual([0, 1, 1, 0, 0, 1]);
    await r2.close();
  });

  it('Fortran order and 1-d arrays are not cut by rows (null: read them whole)', async () => {
    expect(await openNpySamples(file(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", new Uint8Array(32))))).toBeNull();
    expect(await openNpySamples(file(writeNpy({ dtype: 'float64', data: new Float64Array(3), shape: [3] })))).toBeNull();
  });

  it('a truncated or corrupt file is E_FORMAT naming it (checked against the file size, nothing read), a missing one E_IO', async () => {
    const bytes = writeNpy({ dtype: 'float32', data: new Float32Array(40), shape: [10, 4] });
    const cut = file(bytes.subarray(0, bytes.length - 4));
    await rejects(openNpySamples(cut), 'E_FORMAT', /truncated: shape \(10, 4\) of float32 needs 160 data bytes but only 156 are present/);
    const bad = Uint8Array.from(bytes);
    bad[0] = 0;
    await rejects(openNpySamples(file(bad)), 'E_FORMAT', /bad magic/);
    await rejects(openNpySamples(join(dir, 'missing.npy')), 'E_IO', /ENOENT/);
    expectLrpError(() => parseNpyHeader(bytes.subarray(0, 8), 'x.npy'), 'E_FORMAT', /x\.npy/);
  });
});

describe('writeNpyChunks', () => {
  async function* chunksOf(data: Float64Array, shape: number[], size: number) {
    const per = data.length / shape[0]!;
    for (let from = 0; from < shape[0]!; from += size) {
      const to = Math.min(shape[0]!, from + size);
      yield { data: data.subarray(from * per, to * per), shape: [to - from, ...shape.slice(1)] };
    }
  }
  const data = Float64Array.from({ length: 11 * 6 }, (_, i) => Math.cos(i) * 1e3);

  it('writes the bytes writeNpy writes, for float32 and float64, whatever the chunk size', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const want = writeNpy(dtype === 'float32' ? { dtype, data: Float32Array.from(data), shape: [11, 2, 3] } : { dtype, data, shape: [11, 2, 3] });
      for (const size of [1, 4, 11]) {
        const path = join(dir, `w-${dtype}-${size}.npy`);
        await writeNpyChunks(path, dtype, [11, 2, 3], chunksOf(data, [11, 2, 3], size));
        expect(Buffer.compare(readFileSync(path), want)).toBe(0);
      }
    }
  });

  it('chunks that do not add up to the shape, or a failing producer, are refused and leave no file', async () => {
    const path = join(dir, 'short.npy');
    await rejects(writeNpyChunks(path, 'float32', [12, 6], chunksOf(data, [11, 6], 5)), 'E_SHAPE', /66 values written, the shape \(12, 6\) needs 72/);
    await rejects(writeNpyChunks(path, 'float32', [10, 6], chunksOf(data, [11, 6], 5)), 'E_SHAPE', /more values than the shape/);
    async function* failing() {
      yield { data: new Float64Array(6), shape: [1, 6] };
      throw new LrpError('E_INPUT', 'the producer failed');
    }
    await rejects(writeNpyChunks(path, 'float32', [2, 6], failing()), 'E_INPUT', /the producer failed/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
