import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { heatmap, type RgbaImage } from '../src/render/index.js';
import { decodePng, encodePng } from '../src/render/png.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';
import { uniform } from './support/random-model.js';

function formatError(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof LrpError ? e.code : `raw ${(e as Error).name}`;
  }
  return undefined;
}

function gradient(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256, 255], i * 4);
  return { width, height, data };
}

describe('PNG', () => {
  it('round-trips RGBA images exactly', () => {
    for (const [w, h] of [[1, 1], [5, 3], [64, 17]] as const) {
      const img = gradient(w, h);
      const bytes = encodePng(img);
      expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const back = decodePng(bytes);
      expect([back.width, back.height]).toEqual([w, h]);
      expect(back.data).toEqual(img.data);
    }
  });

  it('round-trips a rendered heatmap, also from a subarray view', () => {
    const img = heatmap({ data: Float64Array.from({ length: 36 }, (_, i) => Math.sin(i)), shape: [6, 6] }, { cmap: 'coldnhot', scale: 2 });
    const bytes = encodePng(img);
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 5);
    expect(decodePng(padded.subarray(5, 5 + bytes.length)).data).toEqual(img.data);
  });

  it('rejects images whose data does not fit', () => {
    expect(formatError(() => encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(15) }))).toBe('E_SHAPE');
    expect(formatError(() => encodePng({ width: 0, height: 2, data: new Uint8ClampedArray(0) }))).toBe('E_SHAPE');
  });

  it('rejects bad bytes with E_FORMAT', () => {
    const good = encodePng(gradient(8, 8));
    const corrupt = Uint8Array.from(good);
    corrupt[40] = corrupt[40]! ^ 0xff; // inside IDAT → CRC mismatch
    const cases: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      text: new TextEncoder().encode('not a png at all'),
      signatureOnly: good.subarray(0, 8),
      truncated: good.subarray(0, good.length - 20),
      corrupt,
    };
    for (const [name, bytes] of Object.entries(cases)) expect(formatError(() => decodePng(bytes)), name).toBe('E_FORMAT');
  });
});

describeWith(toolboxFixtures, 'PNG of the toolbox', () => {
  it('decodes strip.png (skimage.io.imsave output)', () => {
    const img = decodePng(new Uint8Array(readFileSync(fixture('render', 'strip.png'))));
    expect([img.width, img.height]).toEqual([98, 48]);
    // the 2-px gap after the 48-px digit is black
    for (let y = 0; y < 48; y++) for (const x of [48, 49]) expect(Array.from(img.data.subarray((y * 98 + x) * 4, (y * 98 + x) * 4 + 3))).toEqual([0, 0, 0]);
  });
});

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** Rewrites the CRC of every chunk that still fits, so a mutation reaches the decoder behind the CRC check. */
function fixCrcs(b: Uint8Array): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 8; at + 12 <= b.length; ) {
    const len = view.getUint32(at);
    if (at + 12 + len > b.length) return;
    let c = 0xffffffff;
    for (let i = at + 4; i < at + 8 + len; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
    view.setUint32(at + 8 + len, (c ^ 0xffffffff) >>> 0);
    at += 12 + len;
  }
}

describe('PNG reader on hostile bytes', () => {
  it('refuses a header claiming a huge image before allocating it', () => {
    const png = encodePng(gradient(4, 4));
    const huge = png.slice();
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    expect(formatError(() => decodePng(huge))).toBe('E_FORMAT');
  });

  it('2,000 seeded mutations (half with their CRCs fixed) either decode to a consistent image or fail with E_FORMAT, and both happen', () => {
    const base = encodePng(gradient(17, 9));
    const r = uniform(4242);
    let decoded = 0;
    let refused = 0;
    for (let k = 0; k < 2000; k++) {
      const b = base.slice(0, r() < 0.2 ? Math.floor(r() * base.length) : base.length);
      for (let m = 1 + Math.floor(r() * 4); m > 0 && b.length > 0; m--) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
      if (k % 2) fixCrcs(b);
      try {
        const img = decodePng(b);
        expect(img.data.length).toBe(img.width * img.height * 4);
        decoded++;
      } catch (e) {
        expect(formatError(() => { throw e; })).toBe('E_FORMAT');
        refused++;
      }
    }
    expect(decoded + refused).toBe(2000);
    expect(decoded).toBeGreaterThan(50); // seed 4242: 212 decode (behind fixed CRCs), 1788 are refused
    expect(refused).toBeGreaterThan(1000);
  });
});

describe('ImageData', () => {
  it('toImageData explains where the runtime has none (Node)', async () => {
    const { toImageData } = await import('../src/render/images.js');
    expect(() => toImageData(gradient(2, 2))).toThrow(/no ImageData; encode a PNG with encodePng/);
  });
});
