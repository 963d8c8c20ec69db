import { mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { loadModel } from '../src/io/load-model.js';
import { onnxBytes } from './support/onnx-builder.js';
import { onnxCases } from './support/onnx-cases.js';

const bytes = onnxBytes(onnxCases()[1]!.graph);
let server: Server;
let base: string;
let file: string;

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), 'lrpjs-onnx-url-')), 'net.onnx');
  writeFileSync(file, bytes);
  server = createServer((req, res) => {
    if (req.url === '/models/net.onnx') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    else if (req.url === '/models/model') res.writeHead(200).end(bytes);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('ONNX models by path, file: URL, http URL and bytes give the same model', () => {
  it('all four sources', async () => {
    const fromBytes = await loadModel(bytes);
    expect(fromBytes.inputLayout).toBe('nchw');
    expect(await loadModel(file)).toEqual(fromBytes);
    expect(await loadModel(pathToFileURL(file))).toEqual(fromBytes);
    expect(await loadModel(new URL(`${base}/models/net.onnx`))).toEqual(fromBytes);
    // no .onnx in the name: recognised by content
    expect(await loadModel(new URL(`${base}/models/model`))).toEqual(fromBytes);
  });

  it('a missing URL is E_IO naming it; a body over the size cap is E_RANGE', async () => {
    const e = await loadModel(new URL(`${base}/models/none.onnx`)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LrpError);
    expect((e as LrpError).code).toBe('E_IO');
    expect((e as LrpError).message).toMatch(/none\.onnx/);
    const big = await loadModel(new URL(`${base}/models/net.onnx`), { maxBytes: 100 }).catch((x: unknown) => x);
    expect(big).toBeInstanceOf(LrpError);
    expect((big as LrpError).code).toBe('E_RANGE');
  });
});
