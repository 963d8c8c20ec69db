import { spawnSync } from 'node:child_process';
import { runCli as lrp } from './support/run-cli.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { readDataFile } from '../src/io/data-file.js';
import { readNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { toFloat64 } from '../src/tensor.js';
import { fixture, projectRoot } from './fixtures.js';
import { built, describeWith, itWith, toolboxFixtures } from './support/requirements.js';
import { caseModel, caseRuleOptions, caseTensor, referenceCases } from './support/reference-cases.js';
import { randomMlp, relError } from './support/random-model.js';
import { writeNpy } from '../src/io/npy.js';


/** Runs the CLI in-process, capturing its streams. */
const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-cli-'));
const readOut = (p: string) => toFloat64(readNpy(readFileSync(p)));

describeWith(toolboxFixtures, 'lrp explain reproduces every toolbox reference case', () => {
  const cases = referenceCases.flatMap((c) => [
    [c.name, c, true] as const,
    ...(c.target === 'argmax' ? [[c.name, c, false] as const] : []),
  ]);
  it.each(cases)('%s (with --init: %s) within 1e-9', async (name, c, withInit) => {
    const out = join(tmp, `${name}-${withInit}.npy`);
    const dir = fixture('reference', 'cases', name);
    const args = ['explain', '--model', fixture('reference', c.model), '--input', join(dir, 'X.npy'), ...c.flags, '--backend', 'js', '--dtype', 'f64', '--out', out];
    if (withInit) args.push('--init', join(dir, 'R0.npy'));
    if (c.softmax === 'keep') args.push('--keep-softmax');
    const r = await lrp(...args);
    expect(r.err).toContain('wrote relevance');
    expect(r.code).toBe(0);
    expect(relError(readOut(out).data, caseTensor(c, 'R').data)).toBeLessThan(1e-9);
  });

  it.each(referenceCases.map((c) => [c.name, c] as const))('%s on the wasm backend within 1e-4', async (name, c) => {
    const out = join(tmp, `${name}-wasm.npy`);
    const dir = fixture('reference', 'cases', name);
    const args = ['explain', '--model', fixture('reference', c.model), '--input', join(dir, 'X.npy'), '--init', join(dir, 'R0.npy'), ...c.flags, '--out', out];
    if (c.softmax === 'keep') args.push('--keep-softmax');
    expect((await lrp(...args)).code).toBe(0);
    expect(relError(readOut(out).data, caseTensor(c, 'R').data)).toBeLessThan(1e-4);
  });

  it('writes .npy, .mat and .txt by extension, each holding the library\'s numbers (float32 by default, float64 with --dtype f64)', async () => {
    const c = referenceCases.find((k) => k.name === 'xor-epsilon')!;
    const X = caseTensor(c, 'X');
    const base = ['explain', '--model', fixture('reference', c.model), '--input', fixture('reference', 'cases', c.name, 'X.npy'), ...c.flags];
    for (const [backend, dtype, expectedDtype] of [['wasm', 'f32', 'float32'], ['js', 'f64', 'float64']] as const) {
      const ex = await createExplainer(caseModel(c), { backend });
      const lib = ex.explain(X, caseRuleOptions(c)).relevance;
      const want = dtype === 'f32' ? Array.from(Float32Array.from(lib.data)) : Array.from(lib.data);
      ex.dispose();
      for (const ext of ['npy', 'mat', 'txt'] as const) {
        const out = join(tmp, `r-${backend}.${ext}`);
        const r = await lrp(...base, '--backend', backend, ...(dtype === 'f64' ? ['--dtype', 'f64'] : []), '--out', out);
        expect(r.err, `${backend} .${ext}`).toContain('wrote relevance');
        expect(r.code).toBe(0);
        const back = readDataFile(readFileSync(out), out);
        expect(back.shape, `.${ext}`).toEqual([4, 2]);
        // .txt is written as float64 text at full precision; the binary formats keep the dtype.
        if (ext !== 'txt') expect(back.dtype, `.${ext}`).toBe(expectedDtype);
        expect(Array.from(toFloat64(back).data), `${backend} .${ext}`).toEqual(want);
        expect(relError(toFloat64(back).data, caseTensor(c, 'R').data)).toBeLessThan(dtype === 'f32' ? 1e-4 : 1e-9);
      }
      // The text file is one sample per row, its numbers parse back exactly with Number().
      const rows = readFileSync(join(tmp, `r-${backend}.txt`), 'utf8').trim().split('\n');
      expect(rows.flatMap((row) => row.trim().split(/\s+/).map(Number))).toEqual(want);
      expect(rows).toHaveLength(4);
    }
  });

  it('lrp info prints the layer table of LeNet-5', async () => {
    const r = await lrp('info', '--model', fixture('toolbox', 'models', 'LeNet-5.txt'), '--input-shape', '32,32,1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0\s+Convolution\s+\[28, 28, 10\]\s+260/);
    expect(r.out).toMatch(/10\s+Flatten\s+\[10\]/);
  });

  it('lrp forward prints the predicted class per sample', async () => {
    const c = referenceCases.find((k) => k.name === 'lenet5-simple')!;
    const r = await lrp('forward', '--model', fixture('reference', c.model), '--input', fixture('reference', 'cases', c.name, 'X.npy'));
    expect(r.code).toBe(0);
    const predicted = r.out.trim().split('\n').map((l) => Number(l.split('\t')[0]));
    expect(predicted).toEqual(Array.from(caseTensor(c, 'target').data));
  });
});

describe('lrp error handling', () => {
  const model = join(tmp, 'mlp.txt');
  writeFileSync(model, writeTextModel(randomMlp(1, [4, 3, 2])));
  const input = join(tmp, 'x.npy');
  writeFileSync(input, writeNpy({ dtype: 'float64', data: new Float64Array(8).fill(0.5), shape: [2, 4] }));

  it.each([
    [['explain', '--model', model], 'E_USAGE missing --input'],
    [['explain', '--model', model, '--input', input, '--rule', 'nonsense'], "E_RULE --rule: unknown rule 'nonsense'"],
    [['explain', '--model', model, '--input', input, '--layer-rule', '9:flat'], 'E_RANGE'],
    [['explain', '--model', model, '--input', input, '--target', '7'], 'E_RANGE'],
    [['explain', '--model', model, '--input', input, '--formula', '77'], 'E_RULE --formula: unknown formula code 77'],
    [['explain', '--model', model, '--input', join(tmp, 'missing.npy')], 'E_IO'],
    [['explain', '--model', model, '--input', model], 'E_FORMAT'],
    [['explain', '--model', model, '--input', input, '--bogus'], 'E_USAGE unknown option --bogus'],
    [['explain', '--model', model, '--input', input, '--rule', 'simple', '--composite', 'EpsilonPlus'], 'E_USAGE give only one'],
    [['frobnicate'], 'E_USAGE unknown command'],
  ])('%j fails with exit 2 and one line naming the cause', async (argv, expected) => {
    const r = await lrp(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`lrp: ${expected}`);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('rejects an input without a batch dimension naming the file and its shape', async () => {
    const flat = join(tmp, 'flat.npy');
    writeFileSync(flat, writeNpy({ dtype: 'float64', data: new Float64Array(4), shape: [4] }));
    for (const command of ['explain', 'forward']) {
      const r = await lrp(command, '--model', model, '--input', flat);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/E_SHAPE .*flat\.npy: shape \[4\] has no batch dimension: samples go first, \[N, \.\.\.\] \(e\.g\. \[1, 4\] for one sample\)/);
    }
  });

  it('rejects NaN input with E_INPUT naming the element', async () => {
    const bad = join(tmp, 'nan.npy');
    writeFileSync(bad, writeNpy({ dtype: 'float64', data: new Float64Array([0, 1, NaN, 2]), shape: [1, 4] }));
    const r = await lrp('explain', '--model', model, '--input', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_INPUT input: element 2 is NaN/);
  });

  it("rejects an input of the wrong shape naming the file, the model's input, the layer and both shapes", async () => {
    const bad = join(tmp, 'wide.npy');
    writeFileSync(bad, writeNpy({ dtype: 'float64', data: new Float64Array(10), shape: [2, 5] }));
    const r = await lrp('explain', '--model', model, '--input', bad);
    expect(r.err).toBe(`lrp: E_SHAPE ${bad}: the model expects input [4] per sample, --input has [5]; layer 0 (Linear): expects input [4] per sample, got [5]\n`);
  });

  itWith(built('cli.js'), 'the built binary exits 2 without a stack trace', () => {
    const r = spawnSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'explain', '--model', join(tmp, 'nope.txt'), '--input', input], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lrp: E_IO .*nope\.txt: cannot read: ENOENT\n$/);
  });
});
