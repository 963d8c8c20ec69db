import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { builtPackage, type Consumer, consumerProject, devBinary, expectSameResult, readmeSnippet, runIn } from './support/packed-package.js';
import { deno, denoPath, describeWith, itWith } from './support/requirements.js';

// The README's install snippets, verbatim, in every runtime it names, from the packed tarball
// installed in a temporary project: Node 20 (this one), 22 and 24 (npm `node` packages), Deno, Bun.
// Each prints `backend predicted-class total-relevance`; all must print the same backend and class,
// and the same total within float32 rounding: engines with relaxed SIMD (Node ≥ 22, Deno, Bun) run
// the fused-multiply-add build, Node 20 the plain SIMD build (bitwise different, see README Speed).

// test/runtimes is a separate manifest: the npm `node` package links a `node` bin, which in the root
// project would replace the Node that runs npm test (.ci/run: npm ci --prefix test/runtimes)
const runtimes = 'test/runtimes/node_modules';
const node22 = devBinary('node22', [`${runtimes}/node22/bin/node`], 'npm ci --prefix test/runtimes installs it');
const node24 = devBinary('node24', [`${runtimes}/node24/bin/node`], 'npm ci --prefix test/runtimes installs it');
const bun = devBinary('bun', ['node_modules/bun/bin/bun.exe', 'node_modules/@oven/bun-linux-x64/bin/bun'], 'npm ci installs the bun dev dependency');

let c: Consumer;
let expected: string;

/** Runs the README's ESM and CommonJS snippets and the installed `lrp` bin with a Node binary. */
function runNode(binary: string): void {
  for (const file of ['app.mjs', 'app.cjs']) {
    const r = runIn(c.dir, binary, [file]);
    expect(r.stderr, `${binary} ${file}`).toBe('');
    expectSameResult(r.stdout, expected, `${binary} ${file}`);
  }
  const bin = runIn(c.dir, binary, ['node_modules/.bin/lrp', 'info', '--model', 'node_modules/lrpjs/models/mnist-mlp.txt', '--input-shape', '28,28,1']);
  expect(bin.stderr, `${binary} lrp info`).toBe('');
  expect(bin.stdout).toMatch(/^node_modules\/lrpjs\/models\/mnist-mlp\.txt: 7 layers, 109386 parameters, input \[28, 28, 1\]\n/);
}

describeWith(builtPackage, 'the README snippets from the packed tarball on Node', () => {
  beforeAll(async () => {
    c = await consumerProject();
    writeFileSync(join(c.dir, 'app.mjs'), readmeSnippet('node-app'));
    writeFileSync(join(c.dir, 'app.cjs'), readmeSnippet('node-cjs'));
    const r = runIn(c.dir, process.execPath, ['app.mjs']);
    expect(r.stderr).toBe('');
    expected = r.stdout;
  }, 300_000);

  it(`Node ${process.version} (the full suite's Node): ESM and CommonJS print the same wasm result; the lrp bin runs`, () => {
    expect(expected).toMatch(/^wasm [0-9] -?\d+(\.\d+)?(e-?\d+)?\n$/);
    runNode(process.execPath);
  });
  itWith(node22.need, 'Node 22 (smoke): ESM, CommonJS and the lrp bin', () => runNode(node22.path!));
  itWith(node24.need, 'Node 24 (smoke): ESM, CommonJS and the lrp bin', () => runNode(node24.path!));
  itWith(deno, 'Deno: deno run --allow-read app.mjs', () => {
    const r = runIn(c.dir, denoPath!, ['run', '--allow-read', 'app.mjs']);
    expect(r.stderr).toBe('');
    expectSameResult(r.stdout, expected, 'deno');
  });
  itWith(bun.need, 'Bun: bun app.mjs (and the CommonJS app)', () => {
    for (const file of ['app.mjs', 'app.cjs']) {
      const r = runIn(c.dir, bun.path!, [file]);
      expect(r.stderr, file).toBe('');
      expectSameResult(r.stdout, expected, `bun ${file}`);
    }
  });
});
