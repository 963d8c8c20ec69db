import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { projectRoot } from './fixtures.js';

/** The README's Node example of a tfjs model explained by lrpjs (the js block after `<!-- tfjs-example:node -->`). */
function readmeSnippet(): string {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- tfjs-example:node -->');
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (at < 0 || !block) throw new Error('the README has no tfjs example');
  return block;
}

// the snippet runs as a module inside test/ (so vitest transforms it and resolves its packages), its model folder in a temp dir
const scratch = join(projectRoot, 'test', `.readme-tfjs-example-${process.pid}`);
const modelDir = mkdtempSync(join(tmpdir(), 'lrpjs-readme-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(modelDir, { recursive: true, force: true });
});

it('the README tfjs example trains, saves, loads and explains as printed', async () => {
  const snippet = readmeSnippet();
  expect(snippet).toContain("from 'lrpjs'");
  expect(snippet).toContain("const dir = 'my-model';");
  const code = snippet.replace("from 'lrpjs'", `from ${JSON.stringify(join(projectRoot, 'src', 'index.ts'))}`).replace("const dir = 'my-model';", `const dir = ${JSON.stringify(join(modelDir, 'my-model'))};`);
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'example.mjs'), code);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.join(' ')));
  try {
    await import(join(scratch, 'example.mjs'));
  } finally {
    log.mockRestore();
  }
  const shown = /It prints `([^`]*)`/.exec(readFileSync(join(projectRoot, 'README.md'), 'utf8'))?.[1];
  expect(printed).toEqual([shown]);
  expect(JSON.parse(readFileSync(join(modelDir, 'my-model', 'model.json'), 'utf8')).weightsManifest[0].paths).toEqual(['weights.bin']);
});
