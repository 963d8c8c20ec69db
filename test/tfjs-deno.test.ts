import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { built, deno, denoPath, describeWith } from './support/requirements.js';

// The tfjs backend from the built package under Deno (node_modules resolution): tfjs-core passed
// in on its cpu backend, and loaded by lrpjs itself (wasm), with Node's numbers and no tensor left.

describeWith([deno, built('index.js')], 'the tfjs backend under Deno', () => {
  it('explains with a tf passed in and with tfjs loaded lazily, as Node does', () => {
    const script = join(projectRoot, 'test', 'smoke', 'tfjs-run.mjs');
    const d = spawnSync(denoPath!, ['run', '--allow-read', '--allow-env', script], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
    expect(d.status, d.stderr).toBe(0);
    const n = spawnSync(process.execPath, [script], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
    const fromDeno = JSON.parse(d.stdout);
    expect(fromDeno.given).toEqual({ backend: 'tfjs', device: 'cpu', reason: "backend 'tfjs': the active backend of the tf passed in" });
    expect(fromDeno.lazy).toBe('wasm');
    expect(fromDeno.tensors).toBe(0);
    expect(fromDeno).toEqual(JSON.parse(n.stdout));
  }, 180_000);
});
