import { existsSync, readFileSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../fixtures.js';
import { chromiumPath } from './requirements.js';

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain',
  '.css': 'text/css',
};

/**
 * A static file server on 127.0.0.1 (a free port) for browser tests: each URL prefix of `mounts`
 * serves the files under its folder (never a path that leaves it), `pages` serves fixed texts by
 * exact path, everything else is 404. Close it in the test.
 */
export function serveStatic(mounts: ReadonlyArray<readonly [string, string]>, pages: Readonly<Record<string, string>> = {}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const page = pages[path];
    if (page !== undefined) return void res.writeHead(200, { 'content-type': types[extname(path)] ?? 'text/html' }).end(page);
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    const file = mount ? join(mount[1], path.slice(mount[0].length)) : '';
    if (!mount || relative(mount[1], file).startsWith('..') || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Serves the built package as the browser suites load it — `/dist/`, its one browser dependency
 * (`/node_modules/fflate/`) and the shared smoke pages (`/test/smoke/`) — plus `extra` mounts.
 */
export function serveBuiltPackage(extra: ReadonlyArray<readonly [string, string]> = []): Promise<Server> {
  return serveStatic([
    ['/dist/', join(projectRoot, 'dist')],
    ['/node_modules/fflate/', join(projectRoot, 'node_modules/fflate')],
    ['/test/smoke/', join(projectRoot, 'test/smoke')],
    ...extra,
  ]);
}

/** The origin `http://127.0.0.1:PORT` of a server from {@link serveStatic}. */
export function originOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The flags of every headless Chromium of the tests (no sandbox, no background traffic), and with
 * `webgpu` those that give it a WebGPU adapter on SwiftShader's Vulkan, no GPU needed. WebGPU keeps
 * the GPU process (no `--disable-gpu`) and a Vulkan surface: tfjs-webgpu's synchronous readback
 * copies through an OffscreenCanvas, which reads zeros and loses the device without them.
 */
export function chromiumArgs(webgpu = false): string[] {
  const quiet = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  if (!webgpu) return [...quiet, '--disable-gpu'];
  return [...quiet, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
}

/**
 * Debian's headless Chromium (never a downloaded browser), with no background traffic; WebGL runs
 * on SwiftShader, and with `webgpu` WebGPU too (see {@link chromiumArgs}). Close it in the test.
 */
export async function launchChromium(options: { readonly webgpu?: boolean } = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs(options.webgpu) });
}
