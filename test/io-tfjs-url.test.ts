import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { loadModel } from '../src/io/load-model.js';
import { tfjsModelFromArtifacts } from '../src/io/tfjs-model.js';
import { inceptionBlock, seedWeights } from './support/tfjs-models.js';
import { type SavedTfjs, loadTf, saveArtifacts, writeTfjsModel } from './support/tfjs-save.js';

let server: Server;
let base: string;
let saved: SavedTfjs;
let folder: string;
const requested: string[] = [];

beforeAll(async () => {
  const tf = await loadTf();
  const model = inceptionBlock(tf);
  seedWeights(tf, model, 21);
  saved = await saveArtifacts(tf, model);
  folder = dirname(writeTfjsModel(saved, { shards: 2 }));
  writeTfjsModel(saved, { dir: folder, json: { weightsManifest: [{ paths: ['missing.bin'], weights: saved.weightSpecs }] } });
  // serves the folder under /models/a/; model.json of /models/a/ok/ is the good one
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requested.push(url.pathname);
    const name = url.pathname.replace(/^\/models\/a\/(ok\/)?/, '');
    const file = url.pathname.startsWith('/models/a/ok/') && name === 'model.json' ? 'good.json' : name;
    readFile(join(folder, file)).then(
      (body) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // good.json: the sharded model.json (written first, then renamed by rewriting)
  const good = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
  good.weightsManifest = [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: saved.weightSpecs }];
  await import('node:fs/promises').then((fs) => fs.writeFile(join(folder, 'good.json'), JSON.stringify(good)));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('tfjs import over HTTP', () => {
  it('fetches model.json and its shards relative to it; the model equals the in-memory artifacts', async () => {
    requested.length = 0;
    const m = await loadModel(new URL(`${base}/models/a/ok/model.json`));
    expect(m).toEqual(tfjsModelFromArtifacts(saved));
    expect(requested).toEqual(['/models/a/ok/model.json', '/models/a/ok/group1-shard1of2.bin', '/models/a/ok/group1-shard2of2.bin']);
  });

  it('a missing shard is E_IO naming the shard URL and its weights', async () => {
    const e = await loadModel(new URL(`${base}/models/a/model.json`)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LrpError);
    expect((e as LrpError).code).toBe('E_IO');
    expect((e as LrpError).message).toMatch(/missing\.bin/);
    expect((e as LrpError).message).toMatch(/HTTP 404/);
    expect((e as LrpError).message).toMatch(/holds weight/);
  });

  it('a missing model.json is E_IO naming the URL', async () => {
    const url = `${base}/models/a/none/model.json`;
    const e = await loadModel(new URL(url)).catch((x: unknown) => x);
    expect((e as LrpError).code).toBe('E_IO');
    expect((e as LrpError).message).toContain(url);
  });
});
