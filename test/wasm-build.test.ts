import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmBytes } from '../src/backends/wasm/module.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('wasm build', () => {
  it('the embedded wasm-bytes.generated.ts matches a fresh build of assembly/', () => {
    // throws (non-zero exit) when the committed bytes are stale or SIMD leaked into the scalar build
    execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, stdio: 'pipe' });
  });

  it('no build imports anything; each exports its memory', () => {
    for (const build of ['simd', 'scalar'] as const) {
      const m = new WebAssembly.Module(wasmBytes(build) as BufferSource);
      expect(WebAssembly.Module.imports(m)).toEqual([]);
      expect(WebAssembly.Module.exports(m).map((e) => e.name)).toContain('memory');
    }
  });
});
