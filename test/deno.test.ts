import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';
import { built, deno, denoPath, describeWith } from './support/requirements.js';

describeWith([deno, built('index.js')], 'the built package under Deno', () => {
  it('explains a model on the wasm backend with the same numbers as Node', () => {
    const script = join(projectRoot, 'test', 'smoke', 'run.mjs');
    const d = spawnSync(denoPath!, ['run', '--allow-read', '--allow-env', script], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    const n = spawnSync(process.execPath, [script], { cwd: projectRoot, encoding: 'utf8' });
    const fromDeno = JSON.parse(d.stdout);
    expect(fromDeno.backend).toBe('wasm');
    expect(fromDeno).toEqual(JSON.parse(n.stdout));
  });
});
