import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LrpError } from '../src/errors.js';
import { readNpy } from '../src/io/npy.js';
import { toFloat64 } from '../src/tensor.js';
import {
  channelTrend,
  cmslColormap,
  colormapNames,
  colormaps,
  compileCmsl,
  getColormap,
  hmToRgb,
  lookupColor,
  type LutColormap,
} from '../src/render/index.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';

function lut(name: string): LutColormap {
  const c = getColormap(name);
  if (c.kind !== 'lut') throw new Error(`${name} is not a table map`);
  return c;
}

function loadNpy(...parts: string[]) {
  return toFloat64(readNpy(new Uint8Array(readFileSync(fixture(...parts)))));
}

describe('colormap registry', () => {
  it('holds the toolbox, matplotlib and Zennit maps', () => {
    for (const name of ['jet', 'binary', 'seismic', 'gray-red', 'gray-red2', 'black-green', 'black-firered', 'blue-black-yellow']) {
      expect(colormapNames).toContain(name);
    }
    for (const name of ['bwr', 'coldnhot', 'hot', 'cold', 'gray', 'wred', 'wblue', 'france', 'zennit-seismic']) {
      expect(colormapNames).toContain(name);
    }
    for (const name of colormapNames) expect(colormaps[name]!.name).toBe(name);
  });

  it('rejects unknown names with E_RULE', () => {
    expect(() => getColormap('viridis')).toThrow(LrpError);
    try {
      getColormap('toString');
      expect.unreachable();
    } catch (e) {
      expect((e as LrpError).code).toBe('E_RULE');
    }
  });

  it('every table has 256 entries in [0, 1]', () => {
    for (const name of colormapNames) {
      const c = colormaps[name]!;
      if (c.kind !== 'lut') continue;
      expect(c.table.length).toBe(256 * 3);
      for (const v of c.table) expect(v >= 0 && v <= 1).toBe(true);
    }
  });
});

describe('matplotlib maps', () => {
  it('jet at sample points', () => {
    const jet = lut('jet');
    expect(lookupColor(jet, 0)).toEqual([0, 0, 0.5]);
    expect(lookupColor(jet, 1)).toEqual([0.5, 0, 0]);
    // entry 128 = segment data at 128/255
    const x = 128 / 255;
    const [r, g, b] = lookupColor(jet, 0.5);
    expect(r).toBeCloseTo((x - 0.35) / (0.66 - 0.35), 12);
    expect(g).toBe(1);
    expect(b).toBeCloseTo(1 - (x - 0.34) / (0.65 - 0.34), 12);
  });

  it('binary is r = g = b = 1 - k/255 and indexes floor(v·256)', () => {
    const binary = lut('binary');
    for (const k of [0, 1, 100, 254, 255]) {
      const [r, g, b] = [binary.table[k * 3]!, binary.table[k * 3 + 1]!, binary.table[k * 3 + 2]!];
      expect(r).toBeCloseTo(1 - k / 255, 14);
      expect(g).toBe(r);
      expect(b).toBe(r);
    }
    expect(binary.indexOf(0.5)).toBe(128);
    expect(binary.indexOf(1)).toBe(255);
    expect(binary.indexOf(-3)).toBe(0);
    expect(binary.indexOf(7)).toBe(255);
    expect(binary.indexOf(255.5 / 256)).toBe(255);
  });

  it('seismic runs dark blue → white → dark red', () => {
    const s = lut('seismic');
    expect(lookupColor(s, 0)).toEqual([0, 0, 0.3]);
    expect(lookupColor(s, 1)).toEqual([0.5, 0, 0]);
    const mid = lookupColor(s, 0.5); // entry 128 ≈ just past white
    expect(mid[0]).toBe(1);
    expect(mid[1]).toBeGreaterThan(0.98);
  });
});

describe('Zennit maps', () => {
  it('compiles CMSL like zennit/cmap.py', () => {
    expect(compileCmsl('0ff,00f,80:000,f00,ff0,fff').map((n) => n.index)).toEqual([0, 64, 128, 170, 212, 255, 256]);
    expect(compileCmsl('000,f00,ff0,fff').map((n) => n.index)).toEqual([0, 85, 170, 255, 256]);
    expect(compileCmsl('40:fff,f00').map((n) => n.index)).toEqual([0, 64, 255, 256]);
    expect(compileCmsl('0055a4,80:fff,ef4135')[0]!.color).toEqual([0x00, 0x55, 0xa4]);
    for (const bad of ['', 'fff', 'fff,', 'ffff,000', '80:fff,40:000', 'fff;000']) {
      expect(() => compileCmsl(bad), bad).toThrow(LrpError);
    }
  });

  it('palettes at sample points', () => {
    const bytes = (name: string, k: number) => [0, 1, 2].map((c) => Math.round(lut(name).table[k * 3 + c]! * 255));
    expect(bytes('bwr', 0)).toEqual([0, 0, 255]);
    expect(bytes('bwr', 128)).toEqual([255, 255, 255]);
    expect(bytes('bwr', 255)).toEqual([255, 0, 0]);
    expect(bytes('coldnhot', 0)).toEqual([0, 255, 255]);
    expect(bytes('coldnhot', 128)).toEqual([0, 0, 0]);
    expect(bytes('coldnhot', 255)).toEqual([255, 255, 255]);
    expect(bytes('gray', 100)).toEqual([100, 100, 100]);
    expect(bytes('france', 0)).toEqual([0x00, 0x55, 0xa4]);
    expect(bytes('france', 255)).toEqual([0xef, 0x41, 0x35]);
    expect(bytes('zennit-seismic', 128)).toEqual([0xd0, 0xd0, 0xd0]);
    expect(lut('bwr').indexOf(0.5)).toBe(127); // Zennit: floor(v · 255)
  });

  it('are monotone where expected', () => {
    const trend = (name: string, c: 0 | 1 | 2, from = 0, to = 255) => channelTrend(lut(name), c, from, to);
    expect([0, 1, 2].map((c) => trend('gray', c as 0))).toEqual(['increasing', 'increasing', 'increasing']);
    expect([0, 1, 2].map((c) => trend('wred', c as 0))).toEqual(['constant', 'decreasing', 'decreasing']);
    expect([0, 1, 2].map((c) => trend('wblue', c as 0))).toEqual(['decreasing', 'decreasing', 'constant']);
    for (const c of [0, 1, 2] as const) expect(['increasing', 'non-decreasing']).toContain(trend('hot', c));
    expect(trend('cold', 0)).toBe('constant');
    expect(['increasing', 'non-decreasing']).toContain(trend('cold', 1));
    expect(['increasing', 'non-decreasing']).toContain(trend('cold', 2));
    // coldnhot and the diverging maps: away from the centre every channel only moves one way
    for (const name of ['coldnhot', 'bwr', 'france', 'zennit-seismic']) {
      for (const c of [0, 1, 2] as const) {
        expect(trend(name, c, 0, 128), `${name}[${c}] lower half`).not.toBe('mixed');
        expect(trend(name, c, 128, 255), `${name}[${c}] upper half`).not.toBe('mixed');
      }
    }
    const bright = (name: string, k: number) => [0, 1, 2].reduce((s, c) => s + lut(name).table[k * 3 + c]!, 0);
    for (let k = 1; k <= 128; k++) expect(bright('coldnhot', k)).toBeLessThanOrEqual(bright('coldnhot', k - 1));
    for (let k = 129; k < 256; k++) expect(bright('coldnhot', k)).toBeGreaterThanOrEqual(bright('coldnhot', k - 1));
  });

  it('custom CMSL maps', () => {
    const m = cmslColormap('mine', '000,80:f00,fff');
    expect(m.table[128 * 3]).toBe(1);
    expect(m.table[128 * 3 + 1]).toBe(0);
  });
});

describeWith(toolboxFixtures, 'render.py colormaps on fixtures/render/R.npy', () => {
  const names = ['jet', 'binary', 'seismic', 'gray-red', 'gray-red2', 'black-green', 'black-firered', 'blue-black-yellow'];
  for (const name of names) {
    it(`hm_${name}.npy within 1/255`, () => {
      const R = loadNpy('render', 'R.npy');
      const ref = loadNpy('render', `hm_${name}.npy`);
      const img = hmToRgb(R, { cmap: name, scaling: 1 });
      expect([img.height, img.width, 3]).toEqual(ref.shape);
      let err = 0;
      for (let i = 0; i < ref.data.length; i++) err = Math.max(err, Math.abs(img.data[i]! - ref.data[i]!));
      console.log(`[render] hm_${name}: max |error| = ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(1 / 255);
    });
  }
});
