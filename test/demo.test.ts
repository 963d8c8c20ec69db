import { spawnSync } from 'node:child_process';
import { runCli as lrp } from './support/run-cli.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_FILES, findModelsDir } from '../src/demo/models-dir.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { decodePng } from '../src/render/png.js';
import { projectRoot } from './fixtures.js';
import { deno, denoPath, describeWith, requirement } from './support/requirements.js';
import { randomCnn, randomInput, randomMlp } from './support/random-model.js';

/** Runs the CLI in-process, capturing its streams. */
const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-demo-'));
const shippedDir = join(projectRoot, 'models');
const shipped = existsSync(join(shippedDir, DEMO_FILES.cnn)) && existsSync(join(shippedDir, DEMO_FILES.digits));
const shippedModels = requirement('models', shipped, `the shipped models (${shippedDir}/${DEMO_FILES.cnn}, ${DEMO_FILES.digits}) are missing`);

const methods = ['epsilon', 'alphabeta', 'epsilon-plus-flat', 'gradient'];

/** Prediction rows of the report: [digit, label, predicted]. */
const rows = (out: string) => [...out.matchAll(/^ {2}(\d+)\s+(\d+|\?)\s+(\d+)\s+-?\d+\.\d{3}\s+\d\.\d{4}/gm)].map((m) => [m[1], m[2], m[3]]);

/** Expected strip of n input | heatmap pairs of h × w maps at ×3 with 2-px gaps. */
const stripSize = (n: number, h: number, w: number) => [2 * n * w * 3 + (2 * n - 1) * 2, h * 3];

/** A models/ folder with a random CNN and MLP, made by the test itself. */
function syntheticModels(): { dir: string; inShape: number[] } {
  const dir = join(tmp, 'synthetic', 'models');
  mkdirSync(dir, { recursive: true });
  const { model, inShape } = randomCnn(11, { softmax: true });
  writeFileSync(join(dir, DEMO_FILES.cnn), writeTextModel(model));
  writeFileSync(join(dir, DEMO_FILES.mlp), writeTextModel(randomMlp(12, [inShape.reduce((a, b) => a * b), 8, 3])));
  writeFileSync(join(dir, DEMO_FILES.digits), writeNpy({ dtype: 'float64', data: Float64Array.from(randomInput(13, 5, inShape).data), shape: [5, ...inShape] }));
  // One-hot rows (class indices [N] or [N, 1] work too).
  const oneHot = Float64Array.from([0, 1, 2, 0, 1].flatMap((c) => [0, 1, 2].map((k) => Number(k === c))));
  writeFileSync(join(dir, DEMO_FILES.labels), writeNpy({ dtype: 'float64', data: oneHot, shape: [5, 3] }));
  return { dir, inShape };
}

describe('lrp demo (models made by the test)', () => {
  const { dir, inShape } = syntheticModels();

  it('explains every model under every method and writes one PNG strip each', async () => {
    const out = join(tmp, 'synthetic-out');
    const r = await lrp('demo', '--models', dir, '--out', out, '--count', '4', '--backend', 'js');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^lrp demo: explaining 4 held-out digits \(backend js\)/);
    expect(r.out).toMatch(/cnn \(.*mnist-cnn\.txt\): \d\/4 correct/);
    expect(r.out).toMatch(/mlp \(.*mnist-mlp\.txt\): \d\/4 correct/);
    const labels = [0, 1, 2, 3].map((i) => [String(i), String([0, 1, 2, 0][i])]);
    expect(rows(r.out).map((row) => row.slice(0, 2))).toEqual([...labels, ...labels]); // cnn, then mlp
    const files = readdirSync(out).sort();
    expect(files).toEqual(['cnn', 'mlp'].flatMap((m) => methods.map((k) => `${m}-${k}.png`)).sort());
    const [h, w] = inShape;
    for (const f of files) {
      const img = decodePng(new Uint8Array(readFileSync(join(out, f))));
      expect([img.width, img.height]).toEqual(stripSize(4, h!, w!));
      expect(r.out).toContain(join(out, f));
    }
  });

  it('rejects bad options with one line', async () => {
    for (const [argv, code] of [
      [['--count', '0'], 'E_USAGE'],
      [['--backend', 'cuda'], 'E_BACKEND'],
      [['--models', join(tmp, 'nowhere')], 'E_IO'],
    ] as const) {
      const r = await lrp('demo', '--out', join(tmp, 'bad-out'), ...(argv[0] === '--models' ? argv : ['--models', dir, ...argv]));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^lrp: ${code} [^\\n]*\\n$`));
    }
  });
});

describe('findModelsDir', () => {
  const pkg = join(tmp, 'pkg');
  mkdirSync(join(pkg, 'models'), { recursive: true });
  mkdirSync(join(pkg, 'dist', 'chunks'), { recursive: true });
  writeFileSync(join(pkg, 'models', DEMO_FILES.cnn), '');

  it('finds the package models/ from the bundle, a chunk and the sources', async () => {
    for (const from of [join(pkg, 'dist', 'cli.js'), join(pkg, 'dist', 'chunks', 'demo-abc.js'), join(pkg, 'src', 'demo', 'models-dir.ts')]) {
      expect(await findModelsDir(pathToFileURL(from))).toBe(join(pkg, 'models'));
    }
  });

  it('names the folders it looked in when the models are missing', async () => {
    await expect(findModelsDir(pathToFileURL(join(tmp, 'a', 'b', 'empty', 'dist', 'cli.js')))).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining(join(tmp, 'a', 'b', 'empty', 'models')) });
  });
});

describeWith(shippedModels, 'lrp demo (shipped models)', () => {
  it('finds models/ by itself, prints the predictions and writes valid PNG strips', async () => {
    const digits = readNpy(readFileSync(join(shippedDir, DEMO_FILES.digits)));
    const n = Math.min(10, digits.shape[0]!); // the demo's default --count
    const [h, w] = digits.shape.length === 2 ? [Math.sqrt(digits.shape[1]!), Math.sqrt(digits.shape[1]!)] : digits.shape.slice(1, 3);
    const out = join(tmp, 'shipped-out');
    const r = await lrp('demo', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`explaining ${n} held-out digits`);
    expect(r.out).toMatch(new RegExp(`cnn \\(.*mnist-cnn\\.txt\\): \\d+/${n} correct`));
    const predictions = rows(r.out);
    expect(predictions.length).toBeGreaterThanOrEqual(n);
    const cnn = predictions.slice(0, n);
    expect(cnn.filter(([, label, predicted]) => label === predicted).length).toBeGreaterThanOrEqual(n - 1);
    const files = readdirSync(out);
    for (const k of methods) expect(files).toContain(`cnn-${k}.png`);
    for (const f of files) {
      const img = decodePng(new Uint8Array(readFileSync(join(out, f))));
      expect([img.width, img.height]).toEqual(stripSize(n, h!, w!));
    }
  });
});

const cli = join(projectRoot, 'dist', 'cli.js');
const cliMain = join(projectRoot, 'dist', 'cli-main.cjs'); // the bin's code (dist/cli.js is its ESM shell)
const builtWithDemo = requirement('dist', existsSync(cli) && existsSync(cliMain) && readFileSync(cliMain, 'utf8').includes('lrp demo'), 'dist/cli.js missing or without the demo (run npm run build)');

describeWith([deno, builtWithDemo], 'lrp demo under Deno', () => {
  it('runs the built CLI with read access and write access to the output folder only', () => {
    const out = join(tmp, 'deno-out');
    const models = shipped ? [] : ['--models', syntheticModels().dir];
    const r = spawnSync(denoPath!, ['run', '--no-prompt', '--allow-read', `--allow-write=${out}`, cli, 'demo', '--out', out, '--count', '2', ...models], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cnn \(.*\): \d\/2 correct/);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['cnn', 'mlp'].flatMap((m) => methods.map((k) => `${m}-${k}.png`)).sort());
    for (const f of files) expect(decodePng(new Uint8Array(readFileSync(join(out, f)))).width).toBeGreaterThan(0);
  });
});
