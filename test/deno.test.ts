import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './fixtures.js';

const deno = join(projectRoot, 'node_modules', '.bin', 'deno');
const built = existsSync(join(projectRoot, 'dist', 'index.js'));
if (!existsSync(deno) || !built) console.warn('[lrpjs] Deno smoke test: deno binary or dist/ missing; skipped (run npm ci && npm run build)');

describe.skipIf(!existsSync(deno) || !built)('the built package under Deno', () => {
  it('explains a model on the wasm backend with the same numbers as Node', () => {
    const script = join(projectRoot, 'test', 'smoke', 'run.mjs');
    const d = spawnSync(deno, ['run', '--allow-read', '--allow-env', script], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    const n = spawnSync(process.execPath, [script], { cwd: projectRoot, encoding: 'utf8' });
    const fromDeno = JSON.parse(d.stdout);
    expect(fromDeno.backend).toBe('wasm');
    expect(fromDeno).toEqual(JSON.parse(n.stdout));
  });
});
