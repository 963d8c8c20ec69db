import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pingRedis } from '../src/batch/queue/redis-ping.js';
import { digitModel, filesUnder, writeDigitPngs } from './support/digit-images.js';
import { built, describeWith, requirement } from './support/requirements.js';
import { ended, runCli, spawnCli } from './support/run-cli.js';

// `lrp batch --queue` and `lrp worker` against a real redis-server (Debian's package; .ci/run
// installs it), started here on 127.0.0.1 with a free port and stopped afterwards.

const redisServer = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const redis = requirement('redis', existsSync(redisServer), `${redisServer} not found (set REDIS_SERVER; .ci/run installs Debian's redis-server)`);

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-queue-'));
const children: ChildProcess[] = [];
let port = 0;

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });
}

/** Starts a child and remembers it, so that it is stopped whatever happens. */
function start(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

/** Resolves once the child's stderr has shown `pattern`. */
function saw(child: ChildProcess, pattern: RegExp): Promise<void> {
  let text = '';
  return new Promise((done) => {
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) done();
    });
  });
}

describeWith([redis, built('cli.js')], 'lrp batch --queue with lrp workers on a real Redis', () => {
  beforeAll(async () => {
    port = await freePort();
    const dir = join(tmp, 'redis');
    mkdirSync(dir);
    start(spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' }));
    for (let i = 0; ; i++) {
      try {
        await pingRedis({ host: '127.0.0.1', port, name: 'x' }, 1000);
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, 60_000);

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('two workers, one SIGKILLed mid-run: the run completes, every output once, equal to the one-process run; --status shows it', async () => {
    const dir = join(tmp, 'run');
    const files = writeDigitPngs(dir, 160);
    writeFileSync(join(dir, 'list.txt'), `${files.join('\n')}\nimgs/missing.png\n`);
    const ref = join(dir, 'ref');
    expect((await runCli('batch', '--model', digitModel, '-f', join(dir, 'list.txt'), '--out', ref)).code).toBe(0);
    const url = `redis://127.0.0.1:${port}/kill-test`;
    const out = join(dir, 'out');
    const a = start(spawnCli(['worker', '--queue', url, '--lock-ms', '1000']));
    const aDone = ended(a);
    const aFirstJob = saw(a, /job \S+: \d+ explained/);
    const b = start(spawnCli(['worker', '--queue', url, '--lock-ms', '1000']));
    const bDone = ended(b);
    const batch = start(spawnCli(['batch', '--model', digitModel, '-f', join(dir, 'list.txt'), '--out', out, '--queue', url, '--chunk-size', '8', '--batch-size', '2']));
    const batchDone = ended(batch);
    await aFirstJob; // A has finished one job and taken the next: kill it in the middle of that one
    a.kill('SIGKILL');
    expect((await aDone).signal).toBe('SIGKILL');
    expect(batch.exitCode).toBe(null); // the run was not over when A died
    const r = await batchDone;
    expect(r.err).toMatch(/enqueued 161 inputs as 21 jobs/);
    expect(r.err).toMatch(/21 jobs completed, 0 failed; 160 inputs in .*scores\.csv, 1 in errors\.csv/);
    expect(r.code, r.err).toBe(0);
    expect(filesUnder(out)).toEqual(filesUnder(ref));
    const status = await ended(start(spawnCli(['batch', '--status', '--queue', url])));
    expect(status.code).toBe(0);
    b.kill('SIGTERM');
    const bEnd = await bDone;
    expect(bEnd.err).toMatch(/job \S+: \d+ explained/);
  }, 300_000);

  it('--status prints the counts of the queue; an unreachable Redis is E_IO at once, not a hang', async () => {
    const url = `redis://127.0.0.1:${port}/kill-test`;
    const s = await runCli('batch', '--status', '--queue', url);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/^queue kill-test: waiting 0, active 0, delayed 0, prioritized 0, completed 21, failed 0\b/);
    const closed = await freePort();
    for (const argv of [
      ['batch', '--status', '--queue', `redis://127.0.0.1:${closed}/q`],
      ['worker', '--queue', `redis://127.0.0.1:${closed}/q`],
      ['batch', '--model', digitModel, '-f', join(tmp, 'run', 'list.txt'), '--out', join(tmp, 'never'), '--queue', `redis://127.0.0.1:${closed}/q`],
    ]) {
      const r = await runCli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(new RegExp(`^lrp: E_IO redis://127\\.0\\.0\\.1:${closed}/q: cannot reach Redis: ECONNREFUSED\\n$`));
    }
  }, 60_000);
});
