import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { OutputClosedError } from '../src/cli/context.js';
import { writeMat } from '../src/io/mat.js';
import { writeNpy } from '../src/io/npy.js';
import { writeTextModel } from '../src/io/text-model.js';
import { gaussian, randomArray, randomMlp } from './support/random-model.js';
import { cliBuilt, ended, runCli, spawnCli } from './support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-cli-edges-'));
const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
};
const model = file('mlp.txt', writeTextModel(randomMlp(11, [4, 3, 2])));
const x = file('x.npy', writeNpy({ dtype: 'float64', data: randomArray(gaussian(11), 8), shape: [2, 4] }));
const y = file('y.npy', writeNpy({ dtype: 'float64', data: new Float64Array([0, 1]), shape: [2] }));
const empty = {
  npy: file('empty.npy', writeNpy({ dtype: 'float64', data: new Float64Array(0), shape: [0, 4] })),
  mat: file('empty.mat', writeMat({ data: { dtype: 'float64', data: new Float64Array(0), shape: [0, 4] } })),
  txt: file('empty.txt', ''),
  'txt (comments only)': file('comments.txt', '# no rows\n\n'),
};
const hollow = file('hollow.npy', writeNpy({ dtype: 'float64', data: new Float64Array(0), shape: [2, 0] }));
const out = (name: string) => join(tmp, name);

/** One line `lrp: E_CODE ...`, exit 2, no internal error and no stack trace. */
function expectUsageLine(r: { code: number; err: string; out: string }, code?: string): void {
  expect(r.err).toMatch(/^lrp: E_[A-Z]+ [^\n]+\n$/);
  if (code) expect(r.err.startsWith(`lrp: ${code} `)).toBe(true);
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
  expect(r.code).toBe(2);
}

describe('inputs without samples are one E_SHAPE error in every command and format', () => {
  const cases = Object.entries(empty).flatMap(([format, path]) => [
    [`explain --input (${format})`, ['explain', '--model', model, '--input', path], '--input', path],
    [`forward --input (${format})`, ['forward', '--model', model, '--input', path], '--input', path],
    [`explain --init (${format})`, ['explain', '--model', model, '--input', x, '--init', path], '--init', path],
    [`train --input (${format})`, ['train', '--arch', 'linear2', '--input', path, '--labels', y, '--out', out('m.txt')], '--input', path],
    [`train --labels (${format})`, ['train', '--arch', 'linear2', '--input', x, '--labels', path, '--out', out('m.txt')], '--labels', path],
    [`train --val-input (${format})`, ['train', '--arch', 'linear2', '--input', x, '--labels', y, '--val-input', path, '--val-labels', y, '--out', out('m.txt')], '--val-input', path],
    [`render --relevance (${format})`, ['render', '--relevance', path, '--out', out('r.png')], '--relevance', path],
  ] as const);
  it.each(cases)('%s', async (_, argv, flag, path) => {
    const r = await runCli(...argv);
    expectUsageLine(r, 'E_SHAPE');
    expect(r.err).toContain(`${path}: ${flag} has no samples (shape [0, `);
  });

  it.each([
    ['explain', ['explain', '--model', model, '--input', hollow]],
    ['forward', ['forward', '--model', model, '--input', hollow]],
    ['render', ['render', '--relevance', hollow, '--out', out('r.png')]],
  ])('%s refuses samples that hold no values ([2, 0])', async (_, argv) => {
    const r = await runCli(...argv);
    expectUsageLine(r, 'E_SHAPE');
    expect(r.err).toContain(`${hollow}: `);
    expect(r.err).toContain('samples hold no values (shape [2, 0])');
  });
});

describe('a closed stdout ends the command quietly', () => {
  it('in-process: the first write to a closed stdout stops the command with status 0 and no message', async () => {
    let err = '';
    let writes = 0;
    const code = await main(['explain', '--model', model, '--input', x], {
      out: () => {
        writes++;
        throw new OutputClosedError();
      },
      err: (t) => (err += t),
      errIsTty: false,
    });
    expect(code).toBe(0);
    expect(writes).toBe(1);
    expect(err).toBe('');
  });

  it.skipIf(!cliBuilt).each([
    ['explain', ['explain', '--model', 'M', '--input', 'X']],
    ['forward', ['forward', '--model', 'M', '--input', 'X']],
    ['help', ['help']],
  ])('lrp %s | head -c 1: exit 0, nothing on stderr', async (_, template) => {
    const bigModel = file('wide.txt', writeTextModel(randomMlp(12, [32, 8, 4])));
    const big = file('big.npy', writeNpy({ dtype: 'float32', data: Float32Array.from(randomArray(gaussian(12), 20000 * 32)), shape: [20000, 32] }));
    const child = spawnCli(template.map((a) => (a === 'M' ? bigModel : a === 'X' ? big : a)));
    child.stdout!.once('data', () => child.stdout!.destroy());
    const r = await ended(child);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('contradictory, duplicate, ignored and out-of-range options are E_USAGE', () => {
  const ex = ['explain', '--model', model, '--input', x];
  const fw = ['forward', '--model', model, '--input', x];
  const tr = ['train', '--arch', 'linear2', '--input', x, '--labels', y, '--out', out('t.txt')];
  const rd = ['render', '--relevance', x, '--out', out('r.png')];
  it.each([
    [[...ex, '--layer-rule', '0:flat', '--layer-rule', '0:ww'], /--layer-rule: layer 0 is given two rules/],
    [[...ex, '--init', x, '--target', '1'], /--init\/--target: /],
    [[...ex, '--rule', 'zbox=1,0'], /--rule: the box's low bound 1 is above its high bound 0/],
    [[...ex, '--layer-rule', '0:zbox=2,-2'], /--layer-rule 0:zbox=2,-2: the box's low bound 2/],
    [[...ex, '--composite', 'EpsilonGammaBox', '--low', '1', '--high', '0'], /--low\/--high: the box's low bound 1/],
    [[...ex, '--batch-size', String(2 ** 31)], /--batch-size needs an integer from 1 to 2147483647, got '2147483648'/],
    [[...ex, '--batch-size', '0'], /--batch-size needs an integer from 1/],
    [[...ex, '--batch-size', '1.5'], /--batch-size needs an integer/],
    [[...fw, '--batch-size', '-5'], /--batch-size needs an integer from 1/],
    [[...fw, '--batch-size', '1e400'], /--batch-size needs an integer/],
    [[...ex, '--relevance-at', '1e12'], /--relevance-at needs an integer from 0/],
    [[...ex, '--method', 'integrated-gradients', '--steps', '1e12'], /--steps needs an integer from 1 to 2147483647/],
    [[...ex, '--method', 'smoothgrad', '--seed', String(2 ** 32)], /--seed needs an integer from 0 to 4294967295/],
    [[...ex, '--rule', 'simple', '--epsilon', '0.1'], /--epsilon: only applies with --composite or --formula/],
    [[...ex, '--steps', '4'], /--steps: only applies with --method integrated-gradients/],
    [[...ex, '--method', 'gradient', '--noise', '0.1'], /--noise: only applies with --method smoothgrad/],
    [[...ex, '--beta', '1'], /--beta: only applies with --formula/],
    [[...ex, '--dtype', 'f64'], /--dtype: only applies with --out/],
    [[...fw, '--dtype', 'f64'], /--dtype: only applies with --out/],
    [[...ex, '--epsilon', 'NaN', '--composite', 'EpsilonPlus'], /--epsilon needs a number, got 'NaN'/],
    [[...ex, '--out', ''], /option --out needs a value, got an empty one/],
    [[...ex, '--out=', '--rule', 'flat'], /option --out needs a value, got an empty one/],
    [['explain', '--model', '', '--input', x], /option --model needs a value/],
    [[...ex, '--out', '--dtype', 'f64'], /option --out needs a value \(got the option --dtype\)/],
    [[...ex, '--rule', 'flat', '--rule', 'ww'], /option --rule given twice/],
    [[...ex, '--keep-softmax=yes'], /option --keep-softmax takes no value/],
    [[...ex, '--heatmap'], /option --heatmap needs a value/],
    [[...tr, '--batch-size', String(2 ** 31)], /--batch-size needs an integer from 1 to 2147483647/],
    [[...tr, '--iters', '-1'], /--iters needs an integer from 1/],
    [[...tr, '--seed', '-1'], /--seed needs an integer from 0/],
    [[...tr, '--lrate', 'Infinity'], /--lrate needs a number/],
    [['train', '--model', model, '--init', 'he', '--input', x, '--labels', y, '--out', out('t.txt')], /--init: .*--arch/],
    [[...rd, '--scale', '65'], /--scale needs an integer from 1 to 64/],
    [[...rd, '--percentile', '-1'], /--percentile must lie in/],
    [['demo', '--count', String(2 ** 31)], /--count needs an integer from 1 to 2147483647/],
    [['demo', '--count', ''], /option --count needs a value/],
    [['info', '--model', model, '--input-shape', '0,1'], /--input-shape needs positive integers/],
  ].map(([argv, message]) => [(argv as string[]).map((a) => a.replace(tmp, '')).join(' '), argv, message] as const))('lrp %s', async (_, argv, message) => {
    const r = await runCli(...(argv as string[]));
    expectUsageLine(r, 'E_USAGE');
    expect(r.err).toMatch(message as RegExp);
  });
});

describe('hostile values never end in an internal error or a stack trace', () => {
  const hostile = ['NaN', '-1', '1e400', '-1e400', String(2 ** 31), String(2 ** 53 + 1), '', ' ', '0x10', '1,2', '--', '-0', 'abc'];
  const perCommand: Record<string, { base: string[]; options: string[] }> = {
    explain: {
      base: ['explain', '--model', model, '--input', x],
      options: ['--target', '--rule', '--layer-rule', '--composite', '--formula', '--epsilon', '--relevance-at', '--batch-size', '--method', '--backend', '--dtype', '--out'],
    },
    forward: { base: ['forward', '--model', model, '--input', x], options: ['--batch-size', '--backend', '--out'] },
    info: { base: ['info', '--model', model], options: ['--input-shape'] },
    render: { base: ['render', '--relevance', x, '--out', out('h.png')], options: ['--scale', '--percentile', '--cmap', '--reduce', '--normalize'] },
    train: {
      base: ['train', '--arch', 'linear2', '--input', x, '--labels', y, '--out', out('h.txt'), '--iters', '1', '--batch-size', '1'],
      options: ['--lrate', '--momentum', '--decay', '--status', '--convergence', '--select', '--arch', '--input-shape', '--lfactor'],
    },
    demo: { base: ['demo'], options: ['--count', '--backend'] },
  };
  const cases = Object.entries(perCommand).flatMap(([command, { base, options }]) =>
    options.flatMap((opt) => hostile.map((v) => [command, opt, v, base] as const)));
  it.each(cases)('%s %s %j', async (_, opt, value, base) => {
    const argv = [...base.filter((a, i) => a !== opt && base[i - 1] !== opt), opt, value];
    const r = await runCli(...argv);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    if (r.code !== 0) expectUsageLine(r);
  });
});
