import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, watch, chmodSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { isTemporaryName, pendingTemporaryFiles, writeFileAtomic } from '../src/io/atomic-write.js';
import { matrixTextChunks, writeMatrixText } from '../src/io/matrix-text.js';
import { writeNpy } from '../src/io/npy.js';
import { writeTensor } from '../src/io/tensor-files.js';
import { writeTextModel } from '../src/io/text-model.js';
import { gaussian, randomArray, randomMlp } from './support/random-model.js';
import { cliBuilt, ended, runCli, spawnCli } from './support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-cli-files-'));
const freshDir = (name: string) => {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
};

describe('writeFileAtomic', () => {
  it('writes to a temporary file beside the target while the target keeps its old content', async () => {
    const dir = freshDir('midway');
    const target = join(dir, 'r.txt');
    writeFileSync(target, 'old\n');
    const seen: { names: string[]; content: string }[] = [];
    function* chunks(): Generator<string> {
      yield 'new 1\n';
      seen.push({ names: readdirSync(dir), content: readFileSync(target, 'utf8') });
      yield 'new 2\n';
    }
    await writeFileAtomic(target, chunks());
    expect(seen[0].content).toBe('old\n');
    const temps = seen[0].names.filter((n) => n !== 'r.txt');
    expect(temps).toHaveLength(1);
    expect(isTemporaryName(temps[0])).toBe(true);
    expect(temps[0]).toMatch(new RegExp(`^\\.r\\.txt\\.${process.pid}\\.`));
    expect(readFileSync(target, 'utf8')).toBe('new 1\nnew 2\n');
    expect(readdirSync(dir)).toEqual(['r.txt']);
    expect(pendingTemporaryFiles()).toEqual([]);
  });

  it('a write that fails midway keeps the previous file and leaves no temporary file', async () => {
    const dir = freshDir('fails');
    const target = join(dir, 'r.txt');
    writeFileSync(target, 'old\n');
    function* chunks(): Generator<string> {
      yield 'new 1\n';
      throw new LrpError('E_INPUT', 'cannot format row 2');
    }
    await expect(writeFileAtomic(target, chunks())).rejects.toMatchObject({ code: 'E_INPUT' });
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['r.txt']);
    expect(pendingTemporaryFiles()).toEqual([]);
  });

  it('a target that is a folder fails with E_IO naming it and leaves no temporary file', async () => {
    const dir = freshDir('folder');
    mkdirSync(join(dir, 'r.npy'));
    const e = await writeFileAtomic(join(dir, 'r.npy'), 'x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LrpError);
    expect((e as LrpError).code).toBe('E_IO');
    expect((e as LrpError).message).toMatch(/r\.npy: cannot write: E/);
    expect(readdirSync(dir)).toEqual(['r.npy']);
  });

  it('a parent that is a file fails with E_IO saying so', async () => {
    const dir = freshDir('parent-file');
    writeFileSync(join(dir, 'm.txt'), 'model');
    await expect(writeFileAtomic(join(dir, 'm.txt', 'r.npy'), 'x')).rejects.toThrow(/m\.txt\/r\.npy: cannot write: .*m\.txt is not a folder/);
    expect(readdirSync(dir)).toEqual(['m.txt']);
  });

  it('keeps an existing file\'s permission bits and writes through a symbolic link', async () => {
    const dir = freshDir('mode');
    const real = join(dir, 'real.txt');
    writeFileSync(real, 'old');
    chmodSync(real, 0o640);
    symlinkSync('real.txt', join(dir, 'link.txt'));
    await writeFileAtomic(join(dir, 'link.txt'), new TextEncoder().encode('new'));
    expect(lstatSync(join(dir, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['link.txt', 'real.txt']);
  });
});

describe('streamed .txt output', () => {
  const rand = gaussian(7);
  const a = { dtype: 'float64' as const, data: randomArray(rand, 3000 * 16), shape: [3000, 16] };

  it('comes in several chunks of whole rows that join to writeMatrixText\'s bytes', () => {
    const chunks = [...matrixTextChunks(a)];
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
    expect(chunks.join('')).toBe(new TextDecoder().decode(writeMatrixText(a)));
  });

  it('writeTensor streams .txt to the same bytes, and an empty batch to an empty file', async () => {
    const path = join(tmp, 'streamed.txt');
    await writeTensor(path, { data: a.data, shape: [3000, 4, 4] });
    expect(readFileSync(path).equals(writeMatrixText(a))).toBe(true);
    await writeTensor(path, { data: new Float64Array(0), shape: [0, 4] });
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});

describe('outputs never overwrite inputs', () => {
  const dir = freshDir('guard');
  const model = join(dir, 'mlp.txt');
  writeFileSync(model, writeTextModel(randomMlp(3, [4, 3, 2])));
  const input = join(dir, 'x.npy');
  writeFileSync(input, writeNpy({ dtype: 'float64', data: randomArray(gaussian(3), 8), shape: [2, 4] }));
  const labels = join(dir, 'y.npy');
  writeFileSync(labels, writeNpy({ dtype: 'float64', data: new Float64Array([0, 1]), shape: [2] }));
  symlinkSync('x.npy', join(dir, 'x-link.npy'));
  linkSync(input, join(dir, 'x-hard.npy'));
  symlinkSync('x.npy', join(dir, 'x-link.png'));
  symlinkSync('mlp.txt', join(dir, 'm-link.txt'));
  const heatmaps = freshDir('guard/heatmaps');
  symlinkSync('../x.npy', join(heatmaps, '1_heatmap.png'));
  const before = () => [model, input, labels].map((p) => readFileSync(p).toString('base64'));
  const original = before();

  const explain = ['explain', '--model', model, '--input', input];
  it.each([
    ['the same name', [...explain, '--out', input], '--out'],
    ['another spelling', [...explain, '--out', join(dir, '.', '..', 'guard', 'x.npy')], '--out'],
    ['a relative spelling', [...explain, '--out', resolve(input).replace(process.cwd(), '.')], '--out'],
    ['a symbolic link', [...explain, '--out', join(dir, 'x-link.npy')], '--out'],
    ['a hard link', [...explain, '--out', join(dir, 'x-hard.npy')], '--out'],
    ['the model', [...explain, '--out', join(dir, 'm-link.txt')], '--out'],
    ['the --init file', ['explain', '--model', model, '--input', join(dir, 'x-hard.npy'), '--init', labels, '--out', labels], '--out'],
    ['a heatmap file', [...explain, '--heatmap', heatmaps], '--heatmap'],
    ['forward --out', ['forward', '--model', model, '--input', input, '--out', join(dir, 'x-link.npy')], '--out'],
    ['train --out (labels)', ['train', '--arch', 'linear2', '--input', input, '--labels', labels, '--out', labels], '--out'],
    ['train --out (initial model)', ['train', '--model', model, '--input', input, '--labels', labels, '--out', join(dir, 'm-link.txt')], '--out'],
    ['render --out', ['render', '--relevance', input, '--out', join(dir, 'x-link.png')], '--out'],
  ])('%s is refused with E_USAGE and every input stays as it was', async (_, argv, flag) => {
    const r = await runCli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^lrp: E_USAGE ${flag}: '[^']+' is the --[a-z]+ file '[^']+'; refusing to overwrite an input\\n$`));
    // biome-ignore lint/suspicious/noDuplicateTestHooks: before() is this suite's snapshot of the inputs, not a hook
    expect(before()).toEqual(original);
  });

  it('an output beside the inputs is still written', async () => {
    const r = await runCli(...explain, '--out', join(dir, 'r.npy'));
    expect(r.code).toBe(0);
    expect(readdirSync(dir).filter(isTemporaryName)).toEqual([]);
  });
});

describe.skipIf(!cliBuilt)('an interrupted lrp explain leaves the previous output intact', () => {
  const dir = freshDir('kill');
  const model = join(dir, 'mlp.txt');
  writeFileSync(model, writeTextModel(randomMlp(5, [64, 16, 2])));
  const input = join(dir, 'x.npy');
  // 40000 × 64 relevances: about 50 MB of text, long enough to interrupt mid-write
  writeFileSync(input, writeNpy({ dtype: 'float32', data: Float32Array.from(randomArray(gaussian(5), 40000 * 64)), shape: [40000, 64] }));

  /** Runs explain into OUT/R.txt (holding `old`), sends `signal` on the first change in OUT. */
  async function interrupt(name: string, signal: NodeJS.Signals) {
    const out = freshDir(name);
    const target = join(out, 'R.txt');
    writeFileSync(target, 'old\n');
    const child = spawnCli(['explain', '--model', model, '--input', input, '--backend', 'js', '--out', target]);
    const done = ended(child);
    let first: string | null = null;
    const watcher = watch(out, (_, file) => {
      if (first !== null) return;
      first = String(file);
      child.kill(signal);
    });
    const result = await done;
    watcher.close();
    return { out, target, first: first as string | null, result };
  }

  it('SIGKILL while writing: the target still holds its old content', async () => {
    const { target, first, result } = await interrupt('sigkill', 'SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    expect(first !== null && isTemporaryName(first)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
  });

  it('SIGTERM while writing: old content kept, the temporary file removed, status 143', async () => {
    const { out, target, first, result } = await interrupt('sigterm', 'SIGTERM');
    expect(first !== null && isTemporaryName(first)).toBe(true);
    expect(result.code).toBe(143);
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(readdirSync(out)).toEqual(['R.txt']);
  });
});
