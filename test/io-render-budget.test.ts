import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../src/io/npy.js';
import { DEFAULT_MAX_PIXELS } from '../src/render/index.js';
import { enlarge } from '../src/render/enlarge.js';
import { heatmap, heatmaps } from '../src/render/heatmap.js';
import { batchStrip } from '../src/render/heatmap-strips.js';
import { projectRoot } from './fixtures.js';
import { expectLrpError } from './support/expect-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'lrpjs-pixels-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const maps = (n: number, h: number, w: number) => ({ data: Float64Array.from({ length: n * h * w }, (_, i) => Math.sin(i)), shape: [n, h, w, 1] });

describe('render refuses images over a pixel budget, naming the size it would have made', () => {
  it('the default budget is 2^24 pixels', () => {
    expect(DEFAULT_MAX_PIXELS).toBe(2 ** 24);
  });

  it('a huge scale is refused before anything is allocated', () => {
    const e = expectLrpError(() => heatmap(maps(1, 28, 28), { scale: 100_000 }), 'E_RANGE', /would make an image of 2800000 × 2800000 pixels \(7840000000000 pixels\), over the pixel budget of 16777216/);
    expect(e.where).toBe('render');
  });

  it('the budget covers all images of a call; at the budget they are made', () => {
    expectLrpError(() => heatmaps(maps(10, 8, 8), { scale: 10, maxPixels: 63_999 }), 'E_RANGE', /would make 10 images of 80 × 80 pixels \(64000 pixels\), over the pixel budget of 63999/);
    const ok = heatmaps(maps(10, 8, 8), { scale: 10, maxPixels: 64_000 });
    expect(ok.map((m) => [m.width, m.height])).toEqual(new Array(10).fill([80, 80]));
    expectLrpError(() => heatmaps(maps(1, 8, 8), { maxPixels: 0 }), 'E_USAGE', /maxPixels/);
  });

  it('enlarge and the strips refuse too (the toolbox-style helpers share enlarge)', () => {
    expectLrpError(() => enlarge(new Float64Array(4), 2, 2, 1, 1_000_000), 'E_RANGE', /an image of 2000000 × 2000000 pixels/);
    expectLrpError(() => batchStrip(maps(2, 8, 8), { scale: 5000, input: maps(2, 8, 8) }), 'E_RANGE', /2 images of 40000 × 40000 pixels/);
  });

  it('lrp render of a large map at --scale 64: one E_RANGE line with the size, exit 2', () => {
    const cli = join(projectRoot, 'dist', 'cli.js');
    if (!existsSync(cli)) return;
    const r = join(tmp, 'R.npy');
    writeFileSync(r, writeNpy({ dtype: 'float64', data: maps(1, 100, 100).data, shape: [1, 100, 100, 1] }));
    const run = spawnSync(process.execPath, [cli, 'render', '--relevance', r, '--scale', '64', '--out', join(tmp, 'x.png')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^lrp: E_RANGE render: would make an image of 6400 × 6400 pixels \(40960000 pixels\), over the pixel budget of 16777216 \(maxPixels\)\n$/);
    expect(existsSync(join(tmp, 'x.png'))).toBe(false);
  });
});
