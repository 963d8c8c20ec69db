import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { runCli } from './support/run-cli.js';
import { ZENNIT_DIR, fixture, transposeImage, zennitModels, zennitVersions } from './support/zennit-fixtures.js';

// `lrp explain --compat zennit` on the Zennit reference CNN with sum, average and max pooling,
// written as a toolbox text model (NHWC): the CLI's relevance is Zennit's (scripts/zennit-reference.py).

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-cli-zennit-'));
const modelPath = join(tmp, 'pools.txt');
writeFileSync(modelPath, writeTextModel(zennitModels.pools()));
const x = fixture('pools.input');
const [n, c, h, w] = x.shape as [number, number, number, number];
const inputPath = join(tmp, 'x.npy');
writeFileSync(inputPath, writeNpy({ data: transposeImage(x.data, x.shape), shape: [n, h, w, c], dtype: 'float64' }));
const r0Path = join(tmp, 'r0.npy');
writeFileSync(r0Path, writeNpy({ ...fixture('pools.r0'), dtype: 'float64' }));

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

async function explain(out: string, ...flags: string[]): Promise<Float64Array> {
  const run = await runCli('explain', '--model', modelPath, '--input', inputPath, '--init', r0Path, '--out', out, ...flags);
  expect(run.err).toMatch(/^wrote relevance \[2, 8, 8, 2\] to /);
  expect(run.code).toBe(0);
  const r = readNpy(readFileSync(out));
  return transposeImage(Float64Array.from(r.data as Float64Array), r.shape, true);
}

describe('lrp explain --compat zennit', () => {
  const { low, high } = zennitVersions;
  const cases: [string, string[]][] = [
    ['composite-EpsilonGammaBox', ['--composite', 'EpsilonGammaBox', '--low', String(low), '--high', String(high)]],
    ['composite-EpsilonAlpha2Beta1Flat', ['--composite', 'epsilon-alpha2-beta1-flat']],
    ['rule-epsilon', ['--rule', 'epsilon']],
    ['rule-ww', ['--rule', 'ww']],
    ['rule-gamma-0.25', ['--rule', 'simple', '--layer-rule', '0:gamma=0.25', '--layer-rule', '3:gamma=0.25', '--layer-rule', '6:gamma=0.25', '--layer-rule', '10:gamma=0.25']],
  ];
  for (const [name, flags] of cases) {
    it(`${flags.join(' ')}: Zennit's ${name} (js ≤ 1e-6, wasm ≤ 1e-3)`, async () => {
      const expected = fixture(`pools.${name}`).data;
      expect(maxRelError(await explain(join(tmp, `${name}-js.npy`), ...flags, '--compat', 'zennit', '--backend', 'js', '--dtype', 'f64'), expected)).toBeLessThan(1e-6);
      expect(maxRelError(await explain(join(tmp, `${name}-wasm.npy`), ...flags, '--compat', 'zennit', '--backend', 'wasm'), expected)).toBeLessThan(1e-3);
    });
  }

  it('the done-when model as PyTorch exported it: lrp explain --model dwcnn.onnx (NCHW in and out) gives Zennit\'s numbers', async () => {
    const files = { x: join(tmp, 'dw-x.npy'), r0: join(tmp, 'dw-r0.npy') };
    writeFileSync(files.x, writeNpy({ ...fixture('dwcnn.input'), dtype: 'float64' }));
    writeFileSync(files.r0, writeNpy({ ...fixture('dwcnn.r0'), dtype: 'float64' }));
    const onnx = ['explain', '--model', `${ZENNIT_DIR}dwcnn.onnx`, '--input', files.x, '--init', files.r0, '--compat', 'zennit'];
    const runs: [string, string[]][] = [
      ['composite-EpsilonGammaBox', ['--composite', 'EpsilonGammaBox', '--low', String(low), '--high', String(high)]],
      ['composite-EpsilonPlusFlat', ['--composite', 'EpsilonPlusFlat']],
      ['method-integrated-gradients', ['--method', 'integrated-gradients', '--steps', String(zennitVersions.ig_steps)]],
    ];
    for (const [name, flags] of runs) {
      for (const [backend, tol] of [['js', 1e-6], ['wasm', 1e-3]] as const) {
        const out = join(tmp, `dw-${name}-${backend}.npy`);
        const run = await runCli(...onnx, ...flags, '--backend', backend, '--dtype', 'f64', '--out', out);
        expect([run.code, run.err]).toEqual([0, `wrote relevance [2, 3, 8, 8] to ${out}\n`]);
        const r = readNpy(readFileSync(out));
        expect(maxRelError(r.data as Float64Array, fixture(`dwcnn.${name}`).data), `${name} ${backend}`).toBeLessThan(tol);
      }
    }
    // Without --init: lrpjs's default initial relevance (the argmax logit, one-hot) is the one Zennit got.
    const out = join(tmp, 'dw-default-r0.npy');
    const run = await runCli(...onnx.filter((a) => a !== '--init' && a !== files.r0), '--composite', 'EpsilonPlus', '--backend', 'js', '--dtype', 'f64', '--out', out);
    expect(run.code).toBe(0);
    expect(maxRelError(readNpy(readFileSync(out)).data as Float64Array, fixture('dwcnn.composite-EpsilonPlus').data)).toBeLessThan(1e-6);
  });

  it("without --compat the toolbox's definitions give other numbers", async () => {
    const toolbox = await explain(join(tmp, 'toolbox.npy'), '--rule', 'ww', '--backend', 'js', '--dtype', 'f64');
    expect(maxRelError(toolbox, fixture('pools.rule-ww').data)).toBeGreaterThan(1e-3);
  });

  it('refuses an unknown name and the toolbox formula codes, naming --compat', async () => {
    const unknown = await runCli('explain', '--model', modelPath, '--input', inputPath, '--compat', 'keras');
    expect([unknown.code, unknown.err]).toEqual([2, "lrp: E_USAGE --compat: unknown compat 'keras' (known: toolbox, zennit)\n"]);
    const formula = await runCli('explain', '--model', modelPath, '--input', inputPath, '--compat', 'zennit', '--formula', '0');
    expect([formula.code, formula.err]).toEqual([2, "lrp: E_USAGE --compat: --compat zennit applies to --rule and --composite, not to the toolbox's --formula codes\n"]);
    const toolbox = await runCli('explain', '--model', modelPath, '--input', inputPath, '--compat', 'Toolbox', '--formula', '0', '--out', join(tmp, 'f0.npy'));
    expect(toolbox.code).toBe(0);
  });

  it('lrp explain --help and -h describe --compat', async () => {
    for (const flag of ['--help', '-h']) {
      const help = await runCli('explain', flag);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/--compat NAME\s+whose rule definitions: toolbox \(default, lrpjs's own\) or zennit/);
      expect(help.out).toMatch(/^Compat: toolbox \(default\) or zennit: Zennit 1\.0's definitions/m);
    }
  });
});
