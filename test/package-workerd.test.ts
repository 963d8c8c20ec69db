import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { builtPackage, type Consumer, consumerProject, devBinary, readmeSnippet, runIn } from './support/packed-package.js';
import { describeWith } from './support/requirements.js';

// The README's edge worker, verbatim, bundled from the installed tarball the way wrangler does
// (esbuild, conditions workerd/worker/browser, the .wasm import left to the runtime) and served by
// workerd (npm `workerd`), which refuses to compile WebAssembly from bytes. With init({ module })
// it explains on wasm; a copy without init falls back to js with one warning naming init({ module }).

const workerd = devBinary(
  'workerd',
  ['node_modules/@cloudflare/workerd-linux-64/bin/workerd', 'node_modules/workerd/bin/workerd'],
  'npm ci installs the workerd dev dependency',
);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** esbuild as wrangler runs it for a worker. */
function bundleWorker(dir: string, entry: string, out: string): void {
  const args = [
    entry,
    '--bundle',
    '--format=esm',
    '--platform=neutral',
    '--conditions=workerd,worker,browser',
    '--main-fields=browser,module,main',
    '--external:lrpjs/lrp-simd.wasm',
    `--outfile=${out}`,
    '--log-level=error',
  ];
  const r = runIn(dir, join(projectRoot, 'node_modules', '.bin', 'esbuild'), args);
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
}

const worker = (name: string, file: string): string => `const ${name} :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "${file}"),
    (name = "lrpjs/lrp-simd.wasm", wasm = embed "lrp-simd.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);`;

async function post(port: number, body: Uint8Array<ArrayBuffer>): Promise<{ backend: string; predicted: number; total: number; warnings?: string[] }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
      return JSON.parse(text);
    } catch (e) {
      if (attempt > 150 || String(e).includes('HTTP')) throw e;
      await new Promise((r) => setTimeout(r, 200)); // workerd still starting
    }
  }
}

describeWith([...builtPackage, workerd.need], 'the README edge worker from the packed tarball in workerd', () => {
  let c: Consumer;
  let proc: ChildProcess | undefined;
  let stderr = '';
  const ports = { main: 0, fallback: 0 };
  let model: Uint8Array<ArrayBuffer>;
  let expected: string[];

  beforeAll(async () => {
    c = await consumerProject();
    const dir = join(c.dir, 'edge');
    mkdirSync(dir, { recursive: true });
    const snippet = readmeSnippet('worker');
    writeFileSync(join(dir, 'worker.ts'), snippet);
    // the same worker without init({ module }), wrapped to report what it warned
    const forgetful = snippet
      .split('\n')
      .filter((l) => !l.includes('lrp-simd.wasm') && !l.includes('init({ module'))
      .join('\n')
      .replace('import { init, loadModel', 'import { loadModel');
    expect(forgetful).not.toMatch(/\binit\b/);
    writeFileSync(join(dir, 'forgetful.ts'), forgetful);
    writeFileSync(
      join(dir, 'fallback.ts'),
      [
        "import app from './forgetful.ts';",
        'const warnings: string[] = [];',
        "console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));",
        'export default {',
        '  async fetch(request: Request): Promise<Response> {',
        '    const body = (await (await app.fetch(request)).json()) as object;',
        '    return Response.json({ ...body, warnings });',
        '  },',
        '};',
      ].join('\n'),
    );
    bundleWorker(dir, 'worker.ts', 'out/worker.js');
    bundleWorker(dir, 'fallback.ts', 'out/fallback.js');
    copyFileSync(join(c.dir, 'node_modules', 'lrpjs', 'dist', 'lrp-simd.wasm'), join(dir, 'lrp-simd.wasm'));
    ports.main = await freePort();
    ports.fallback = await freePort();
    writeFileSync(
      join(dir, 'config.capnp'),
      [
        'using Workerd = import "/workerd/workerd.capnp";',
        'const config :Workerd.Config = (',
        '  services = [(name = "main", worker = .mainWorker), (name = "fallback", worker = .fallbackWorker)],',
        `  sockets = [(name = "main", address = "127.0.0.1:${ports.main}", http = (), service = "main"), (name = "fallback", address = "127.0.0.1:${ports.fallback}", http = (), service = "fallback")],`,
        ');',
        worker('mainWorker', 'out/worker.js'),
        worker('fallbackWorker', 'out/fallback.js'),
      ].join('\n'),
    );
    proc = spawn(workerd.path!, ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    model = new Uint8Array(readFileSync(join(c.dir, 'node_modules', 'lrpjs', 'models', 'mnist-mlp.txt')));
    writeFileSync(join(c.dir, 'app-workerd.mjs'), readmeSnippet('node-app')); // own name: test files run in parallel
    expected = runIn(c.dir, process.execPath, ['app-workerd.mjs']).stdout.trim().split(' ');
  }, 300_000);

  afterAll(() => {
    proc?.kill();
  });

  it('with init({ module }) the bound module runs: wasm backend, the numbers Node prints', async () => {
    const r = await post(ports.main, model);
    expect(stderr).not.toMatch(/error/i);
    expect([r.backend, String(r.predicted), String(r.total)]).toEqual(expected);
  });

  it('without init({ module }) auto falls back to js (float64) with one warning naming init({ module }), not an error', async () => {
    const first = await post(ports.fallback, model);
    const second = await post(ports.fallback, model);
    expect(first.backend).toBe('js');
    expect(String(first.predicted)).toBe(expected[1]);
    expect(Math.abs(first.total - Number(expected[2]))).toBeLessThan(1e-4 * Math.abs(Number(expected[2])));
    expect(second.warnings).toHaveLength(1);
    expect(second.warnings![0]).toMatch(/falls back to the js backend.*init\(\{ module: core \}\)/);
  });
});
