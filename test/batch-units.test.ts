import { describe, expect, it } from 'vitest';
import { parseDemonstratorConfig } from '../src/batch/demonstrator-config.js';
import { parseFileList, relativeEntryPath } from '../src/batch/file-list.js';
import { imagePlanes, imageSizeFor, preprocessImage } from '../src/batch/preprocess.js';
import { parseQueueUrl } from '../src/batch/queue/queue-url.js';
import { cropCentre, fitToInput, resizeBilinear } from '../src/batch/resize.js';
import { csvField, firstField, scoresRow, topClasses } from '../src/batch/score-rows.js';
import { parseShard, shardOf, takeShard } from '../src/batch/shard.js';
import { entryOutputs } from '../src/batch/output-store.js';
import { Rng } from '../src/rng.js';
import { expectLrpError } from './support/expect-error.js';

describe('file lists', () => {
  it('paths stay under the root: absolute (POSIX, Windows), escaping .., NUL and folders are refused; inner .. is resolved', () => {
    expect(relativeEntryPath('a/b/../c.png')).toEqual({ path: 'a/c.png' });
    expect(relativeEntryPath('./x.png')).toEqual({ path: 'x.png' });
    expect(relativeEntryPath('a\\b.png')).toEqual({ path: 'a/b.png' });
    for (const bad of ['/etc/passwd', 'C:\\x.png', 'c:x.png', '\\\\server\\share\\x.png', '../x.png', 'a/../../x.png', '..', 'a/\0.png', '.', 'dir/']) {
      expect(relativeEntryPath(bad), JSON.stringify(bad)).toHaveProperty('problem');
    }
  });

  it('lines: optional class (last word, an integer), comments, blank lines, CRLF, spaces in names, duplicates left out', () => {
    const list = parseFileList('# header\r\na.png\r\n\r\nmy file 1.png 3\n b.png -1 \nc.png -2\nd.png -7\na.png 4\n');
    expect(list.entries).toEqual([
      { file: 'a.png', line: 2 },
      { file: 'my file 1.png', line: 4, target: 3 },
      { file: 'b.png', line: 5 },
      { file: 'c.png', line: 6, problem: { code: 'E_INPUT', message: expect.stringContaining('-2') } },
      { file: 'd.png', line: 7, problem: { code: 'E_INPUT', message: expect.stringContaining('-7') } },
    ]);
    expect(list.duplicateLines).toEqual([8]);
  });

  it('output paths never leave OUT, even for names the list parser would refuse', () => {
    expect(entryOutputs('/o', 'a/b.png').relevance).toBe('/o/a/b.png.relevance.npy');
    for (const bad of ['../x.png', '/abs.png', '']) expectLrpError(() => entryOutputs('/o', bad), 'E_USAGE');
  });
});

describe('--shard I/N', () => {
  it('parses I/N with 1 <= I <= N, refuses the rest', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3', '-1/3', '']) expectLrpError(() => parseShard(bad), 'E_USAGE');
  });

  it('is a partition by path: every entry in exactly one shard, roughly even (seeded names), independent of order', () => {
    const rng = new Rng(7);
    const items = Array.from({ length: 3000 }, (_, i) => ({ file: `dir${rng.int(50)}/img${i}.png` }));
    const parts = [1, 2, 3, 4, 5].map((index) => takeShard(items, { index, count: 5 }));
    expect(parts.reduce((a, p) => a + p.length, 0)).toBe(items.length);
    expect(new Set(parts.flat()).size).toBe(items.length);
    for (const p of parts) expect(p.length).toBeGreaterThan(500);
    for (const p of parts) expect(p.length).toBeLessThan(700);
    const reversed = takeShard([...items].reverse(), { index: 3, count: 5 });
    expect(new Set(reversed)).toEqual(new Set(parts[2]));
    expect(shardOf('a.png', 1)).toBe(1);
  });
});

describe('image geometry and preprocessing', () => {
  const img = (w: number, h: number, c: number, f: (x: number, y: number, k: number) => number) => ({
    width: w,
    height: h,
    channels: c,
    data: Float64Array.from({ length: w * h * c }, (_, i) => f(Math.floor(i / c) % w, Math.floor(i / c / w), i % c)),
  });

  it('bilinear halving of 2 x 2 blocks gives the blocks back exactly; doubling a ramp interpolates; centre crop', () => {
    const blocks = img(8, 6, 2, (x, y, k) => (x >> 1) * 10 + (y >> 1) + 100 * k);
    const half = resizeBilinear(blocks, 4, 3);
    expect(Array.from(half.data)).toEqual(Array.from(img(4, 3, 2, (x, y, k) => x * 10 + y + 100 * k).data));
    const ramp = resizeBilinear(img(2, 1, 1, (x) => x * 4), 4, 1);
    expect(Array.from(ramp.data)).toEqual([0, 1, 3, 4]);
    expect(Array.from(cropCentre(img(5, 1, 1, (x) => x), 3, 1).data)).toEqual([1, 2, 3]);
    const fitted = fitToInput(img(40, 20, 1, (x) => x), 10, 10); // 20 x 10 after scaling, centre 10 columns
    expect([fitted.width, fitted.height]).toEqual([10, 10]);
    expect(fitted.data[0]).toBeCloseTo(10.5, 10);
  });

  it('grey by BT.601 luma (grey pixels exact), RGB kept; the range and per-channel means applied in that order', () => {
    const rgba = { width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 0, 255, 7, 7, 7, 255]) };
    expect(Array.from(imagePlanes(rgba, 1).data)).toEqual([0.299 * 255, 7]);
    expect(Array.from(imagePlanes(rgba, 3).data)).toEqual([255, 0, 0, 7, 7, 7]);
    const t = preprocessImage(rgba, { sampleShape: [1, 2, 3], imageSize: [1, 2, 3], range: [-1, 1], mean: Float64Array.of(0.5, 0, -0.5) });
    expect(t.shape).toEqual([1, 2, 3]);
    expect(Array.from(t.data)).toEqual([1 - 0.5, -1, -1 + 0.5, -1 + 14 / 255 - 0.5, -1 + 14 / 255, -1 + 14 / 255 + 0.5]);
  });

  it('image sizes for sample shapes: [H, W, C], flat grey or RGB squares, --input-size; others refused', () => {
    expect(imageSizeFor([28, 28, 1], undefined, 'x')).toEqual([28, 28, 1]);
    expect(imageSizeFor([784], undefined, 'x')).toEqual([28, 28, 1]);
    expect(imageSizeFor([3 * 16 * 16], undefined, 'x')).toEqual([16, 16, 3]);
    expect(imageSizeFor([200], [10, 20], 'x')).toEqual([10, 20, 1]);
    expectLrpError(() => imageSizeFor([28, 28, 2], undefined, 'x'), 'E_SHAPE');
    expectLrpError(() => imageSizeFor([10], undefined, 'x'), 'E_SHAPE', /--input-size/);
  });
});

describe('CSV rows', () => {
  it('quotes what needs quoting and reads the file back; top-k highest first, ties to the lower class', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('plain.png')).toBe('plain.png');
    for (const f of ['a,b.png', 'q"x.png', 'plain.png', ' lead.png']) expect(firstField(scoresRow(f, [[1, 2]], 1, 3))).toBe(f);
    expect(topClasses([1, 5, 5, -2], 3)).toEqual([[1, 5], [2, 5], [0, 1]]);
    expect(topClasses([1, 2], 10)).toHaveLength(2);
  });
});

describe('--queue URL', () => {
  it('host, port (default 6379), credentials and the queue name from the path; others refused', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6400/imagenet-val')).toEqual({ host: '127.0.0.1', port: 6400, name: 'imagenet-val' });
    expect(parseQueueUrl('redis://u:p%40ss@h/q')).toEqual({ host: 'h', port: 6379, username: 'u', password: 'p@ss', name: 'q' });
    for (const bad of ['redis://h:1/', 'http://h/q', 'redis://h/a/b', 'nonsense', 'redis://h/q:x']) expectLrpError(() => parseQueueUrl(bad), 'E_USAGE');
  });
});

describe('demonstrator config', () => {
  it('maps keys by prefix onto options, in order; comments and blank lines skipped', () => {
    const text = '# c\nrelpropformulatype:\n102\n\nepsstab (stabiliser)\n0.01\nauxiliaryvariable_maxlayerindexforflatdistinconv\n3\nbaseimgsize\n32\nmean_file\nm.npy\nlastlayerindex\n-1\n';
    expect(parseDemonstratorConfig(text, 'c.cfg').map((o) => [o.name, o.value, o.where])).toEqual([
      ['formula', '102', 'c.cfg:3 (relpropformulatype)'],
      ['epsilon', '0.01', 'c.cfg:6 (epsstab)'],
      ['aux-layer', '3', 'c.cfg:8 (auxiliaryvariable_maxlayerindexforflatdistinconv)'],
      ['input-size', '32', 'c.cfg:10 (baseimgsize)'],
      ['mean-file', 'm.npy', 'c.cfg:12 (mean_file)'],
    ]);
  });

  it('refuses unknown and Caffe-only keys, repeated keys, missing values and bad numbers, naming the line', () => {
    expectLrpError(() => parseDemonstratorConfig('foo\n1\n', 'c'), 'E_USAGE', /c:1: unknown key 'foo'/);
    expectLrpError(() => parseDemonstratorConfig('model_file\nx\n', 'c'), 'E_USAGE', /c:1: key 'model_file' does not apply/);
    expectLrpError(() => parseDemonstratorConfig('epsstab\n1\nepsstab\n2\n', 'c'), 'E_USAGE', /c:3: key 'epsstab' given twice \(first on line 1\)/);
    expectLrpError(() => parseDemonstratorConfig('epsstab\n', 'c'), 'E_USAGE', /c:1: .*next line/);
    expectLrpError(() => parseDemonstratorConfig('relpropformulatype\n2.5\n', 'c'), 'E_USAGE', /c:2 \(relpropformulatype\): needs an integer/);
  });
});
