import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { DEFAULT_MAX_INPUT_BYTES, inputSizeCap, readFileBytes } from '../src/io/file-system.js';
import { loadModel } from '../src/io/load-model.js';
import { readTensor } from '../src/io/tensor-files.js';
import { writeNpy } from '../src/io/npy.js';
import { projectRoot } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-cap-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  rmSync(tmp, { recursive: true, force: true });
});

async function rangeError(p: Promise<unknown>): Promise<LrpError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LrpError);
    expect((e as LrpError).code).toBe('E_RANGE');
    return e as LrpError;
  }
  throw new Error('expected E_RANGE');
}

/** A FIFO fed `bytes` bytes of zeros by a shell child (which dies of SIGPIPE when the reader stops). */
function fifoOf(name: string, bytes: number): string {
  const path = join(tmp, name);
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  const child = spawn('sh', ['-c', `head -c ${bytes} /dev/zero > '${path}'`], { stdio: 'ignore' });
  children.push(child);
  return path;
}

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0;

describe('inputs are read with a size cap', () => {
  it('the default cap is 2 GiB, overridable by option and by LRPJS_MAX_INPUT_BYTES', () => {
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(2 ** 31);
    expect(inputSizeCap({ maxBytes: 5 })).toBe(5);
    const saved = process.env.LRPJS_MAX_INPUT_BYTES;
    try {
      process.env.LRPJS_MAX_INPUT_BYTES = '1234';
      expect(inputSizeCap()).toBe(1234);
      process.env.LRPJS_MAX_INPUT_BYTES = 'lots';
      expect(() => inputSizeCap()).toThrow(/LRPJS_MAX_INPUT_BYTES: the input size cap must be a positive integer/);
      delete process.env.LRPJS_MAX_INPUT_BYTES;
      expect(inputSizeCap()).toBe(2 ** 31);
    } finally {
      if (saved === undefined) delete process.env.LRPJS_MAX_INPUT_BYTES;
      else process.env.LRPJS_MAX_INPUT_BYTES = saved;
    }
    expect(() => inputSizeCap({ maxBytes: 0 })).toThrow(LrpError);
  });

  it('a regular file over the cap is refused by its size, naming the file and the cap; at the cap it is read', async () => {
    const path = join(tmp, 'ten.bin');
    writeFileSync(path, Uint8Array.from({ length: 10 }, (_, i) => i));
    const e = await rangeError(readFileBytes(path, { maxBytes: 9 }));
    expect(e.where).toBe(path);
    expect(e.message).toMatch(/the file holds 10 bytes, over the input size cap of 9 bytes/);
    expect(Array.from(await readFileBytes(path, { maxBytes: 10 }))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('an endless device is read up to the cap, then refused (no hang, no unbounded memory)', async () => {
    if (!existsSync('/dev/zero')) return;
    const e = await rangeError(readFileBytes('/dev/zero', { maxBytes: 100_000 }));
    expect(e.message).toMatch(/more than 100000 bytes arrived, over the input size cap of 100000 bytes/);
    expect(e.where).toBe('/dev/zero');
  });

  it.runIf(hasMkfifo)('a FIFO longer than the cap is refused; a short one is read whole', async () => {
    const e = await rangeError(readFileBytes(fifoOf('long.fifo', 1_000_000), { maxBytes: 200_000 }));
    expect(e.where).toMatch(/long\.fifo$/);
    const short = await readFileBytes(fifoOf('short.fifo', 150_000), { maxBytes: 200_000 });
    expect(short.length).toBe(150_000);
  });

  it('readTensor and loadModel pass the cap on; directories and missing files stay E_IO', async () => {
    const npy = join(tmp, 'x.npy');
    writeFileSync(npy, writeNpy({ dtype: 'float64', data: new Float64Array(100), shape: [10, 10] }));
    await rangeError(readTensor(npy, { maxBytes: 500 }));
    expect((await readTensor(npy, { maxBytes: 10_000 })).shape).toEqual([10, 10]);
    const model = join(tmp, 'm.txt');
    writeFileSync(model, `Linear 2 2\n1 0 0 1\n0 0\n`);
    await rangeError(loadModel(model, { maxBytes: 10 }));
    expect((await loadModel(model, { maxBytes: 100 })).layers.length).toBe(1);
    await expect(readFileBytes(tmp)).rejects.toMatchObject({ code: 'E_IO' });
    await expect(readFileBytes(join(tmp, 'nope'))).rejects.toMatchObject({ code: 'E_IO', message: expect.stringMatching(/ENOENT/) });
  });

  it('the CLI refuses a stdin stream over LRPJS_MAX_INPUT_BYTES with one E_RANGE line, exit 2', () => {
    const cli = join(projectRoot, 'dist', 'cli.js');
    if (!existsSync(cli)) return;
    // A shell pipe (node's own stdio pipes are socket pairs, which /dev/stdin cannot reopen).
    const r = spawnSync('sh', ['-c', `head -c 100000 /dev/zero | '${process.execPath}' '${cli}' info --model /dev/stdin`], {
      encoding: 'utf8',
      env: { ...process.env, LRPJS_MAX_INPUT_BYTES: '4096' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lrp: E_RANGE \/dev\/stdin: more than 4096 bytes arrived, over the input size cap of 4096 bytes/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
