import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackend, init } from '../src/backends/index.js';
import { JsOps } from '../src/backends/js/ops.js';
import { WasmOps, wasmBytes } from '../src/backends/wasm/index.js';
import { LrpError } from '../src/errors.js';

// Edge runtimes (workerd, Cloudflare Workers) refuse to compile WebAssembly from bytes. Here the
// refusal is simulated by making WebAssembly.compile throw what V8 throws there.
const REFUSAL = 'WebAssembly.compile(): Wasm code generation disallowed by embedder';

function refuseCompiling(): void {
  vi.spyOn(WebAssembly, 'compile').mockImplementation(() => Promise.reject(new WebAssembly.CompileError(REFUSAL)));
}

async function rejection(p: Promise<unknown>): Promise<LrpError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LrpError);
  return e as LrpError;
}

afterEach(() => vi.restoreAllMocks());

describe('init and the auto backend where compiling wasm bytes is refused', () => {
  // one sequence: the fallback warning is once per process (module state), so the order matters
  it('auto falls back to js with one warning naming init({ module }); wasm fails with E_BACKEND saying what to do; nothing failed is cached', async () => {
    const precompiled = new WebAssembly.Module(wasmBytes(true) as BufferSource);
    refuseCompiling();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

    const first = await createBackend('auto');
    expect(first).toBeInstanceOf(JsOps);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/js backend.*disallowed by embedder.*init\(\{ module: core \}\)/);
    expect(await createBackend('auto')).toBeInstanceOf(JsOps);
    expect(warn).toHaveBeenCalledTimes(1);

    const forced = await rejection(createBackend('wasm'));
    expect(forced.code).toBe('E_BACKEND');
    expect(forced.message).toMatch(
      /^init: this runtime cannot compile the embedded wasm core \(.*disallowed by embedder\); bind the core as a module \(import core from 'lrpjs\/lrp-simd\.wasm'\) and call init\(\{ module: core \}\)/,
    );
    const direct = await rejection(init());
    expect(direct.code).toBe('E_BACKEND');
    expect(WebAssembly.compile).toHaveBeenCalledTimes(4); // every attempt compiled again: no failure kept

    // a precompiled module works although compiling stays refused
    await init({ module: precompiled });
    expect(await createBackend('wasm')).toBeInstanceOf(WasmOps);
    expect(await createBackend('auto')).toBeInstanceOf(WasmOps);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('a failed init is retried: once compiling works again the embedded core is compiled', async () => {
    refuseCompiling();
    expect((await rejection(init({ simd: false }))).code).toBe('E_BACKEND');
    vi.restoreAllMocks();
    expect(await createBackend('wasm')).toBeInstanceOf(WasmOps);
  });

  it('init({ module }) refuses what is not a WebAssembly.Module with E_BACKEND, leaving the core as it was', async () => {
    await init();
    for (const bad of [{}, wasmBytes(true), 'lrp-simd.wasm']) {
      const e = await rejection(init({ module: bad as unknown as WebAssembly.Module }));
      expect(e.code).toBe('E_BACKEND');
      expect(e.message).toMatch(/^init: module must be a WebAssembly\.Module .*got \[object (Object|Uint8Array|String)\]/);
    }
    expect(await createBackend('wasm')).toBeInstanceOf(WasmOps);
  });
});
