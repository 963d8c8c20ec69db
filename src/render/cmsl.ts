/**
 * Zennit's colour-map specification language (CMSL, zennit/cmap.py `ColorMap`), in which Zennit's
 * built-in maps are written (zennit/image.py `CMAPS`).
 *
 * A source is a comma-separated list of colours, each 3 or 6 hex digits (`f00`, `ef4135`),
 * optionally preceded by a 1- or 2-hex-digit index in [0, 255] and a colon (`80:fff`). Colours
 * without an index are spaced evenly between their indexed neighbours; the first defaults to 0 and
 * the last to 255. The map interpolates linearly between the nodes in 8-bit colour space.
 */
import { LrpError } from '../errors.js';
import { LUT_SIZE } from './colormap.js';

/** One node of a compiled CMSL map: position in [0, 256] and 8-bit RGB colour. */
export interface CmslNode {
  readonly index: number;
  readonly color: readonly [number, number, number];
}

const TOKEN = /\s*(?:(?:([0-9a-fA-F]{1,2})\s*:\s*)?([0-9a-fA-F]{6}|[0-9a-fA-F]{3}))\s*(?:,|$)/y;

function fail(source: string, message: string): never {
  throw new LrpError('E_RULE', `${message} in colour map source '${source}'`, 'cmsl');
}

function parseColor(hex: string): [number, number, number] {
  if (hex.length === 3) return [0, 1, 2].map((i) => parseInt(hex[i]! + hex[i]!, 16)) as [number, number, number];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Parses CMSL into `(index | undefined, colour)` pairs in source order. */
function parseNodes(source: string): { index: number | undefined; color: [number, number, number] }[] {
  const nodes: { index: number | undefined; color: [number, number, number] }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m || m[0].length === 0) fail(source, `unexpected text at ${at}`);
    const index = m[1] === undefined ? undefined : parseInt(m[1].length === 1 ? m[1] + m[1] : m[1], 16);
    nodes.push({ index, color: parseColor(m[2]!) });
  }
  if (/,\s*$/.test(source)) fail(source, 'trailing comma');
  return nodes;
}

/**
 * Compiles CMSL to its node list, as Zennit's `_make_palette` does: node 0 takes the first colour,
 * unindexed colours between two indexed ones get `trunc(a · (1 − α) + b · α)` for evenly spaced α,
 * and a final node at 256 repeats the last colour.
 */
export function compileCmsl(source: string): CmslNode[] {
  const parsed = parseNodes(source);
  if (parsed.length < 2) fail(source, 'at least 2 colours are needed');
  const first = parsed[0]!;
  const result: CmslNode[] = [{ index: 0, color: first.color }];
  if (first.index !== undefined && first.index > 0) result.push({ index: first.index, color: first.color });
  let pending: [number, number, number][] = [];
  const rest = parsed.slice(1);
  rest.forEach((node, n) => {
    let index = node.index;
    if (index === undefined) {
      if (n < rest.length - 1) {
        pending.push(node.color);
        return;
      }
      index = LUT_SIZE - 1;
    } else if (index < result[result.length - 1]!.index) {
      fail(source, 'indices must ascend');
    }
    const prev = result[result.length - 1]!.index;
    const step = 1 / (pending.length + 1); // numpy linspace(0, 1, len + 2)[1:-1]
    pending.forEach((color, i) => {
      const alpha = (i + 1) * step;
      result.push({ index: Math.trunc(prev * (1 - alpha) + index! * alpha), color });
    });
    pending = [];
    result.push({ index, color: node.color });
  });
  result.push({ index: LUT_SIZE, color: result[result.length - 1]!.color });
  return result;
}

/** Evaluates compiled nodes at v ∈ [0, 1] (clipped) as RGB in [0, 1] (Zennit's `ColorMap.__call__`). */
export function evaluateCmsl(nodes: readonly CmslNode[], value: number): [number, number, number] {
  const x = Math.min(LUT_SIZE - 1, Math.max(0, value * (LUT_SIZE - 1)));
  let i = 1; // searchsorted(indices[:-1], x, side='right')
  while (i < nodes.length - 1 && nodes[i]!.index <= x) i++;
  const a = nodes[i - 1]!;
  const b = nodes[i]!;
  const alpha = (x - a.index) / (b.index - a.index);
  return [0, 1, 2].map((c) => (a.color[c]! * (1 - alpha) + b.color[c]! * alpha) / 255) as [number, number, number];
}

/** numpy's `round(x, 12)`: scale by 1e12, round half to even, scale back. */
function round12(x: number): number {
  const y = x * 1e12;
  const r = Math.round(y);
  const even = r - y === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return even / 1e12;
}

/**
 * Zennit's 8-bit palette of a map at `level` 1 (`ColorMap.palette`): entry k is the map at
 * `(linspace(−1, 1, 256)[k] + 1) / 2`, times 255, rounded to 12 decimals and truncated to uint8.
 */
export function cmslPalette(nodes: readonly CmslNode[]): Uint8Array {
  const out = new Uint8Array(LUT_SIZE * 3);
  for (let k = 0; k < LUT_SIZE; k++) {
    const x = k === LUT_SIZE - 1 ? 1 : k * (2 / (LUT_SIZE - 1)) + -1;
    const v = Math.min(1, Math.max(0, (x + 1) / 2));
    const rgb = evaluateCmsl(nodes, v);
    for (let c = 0; c < 3; c++) out[k * 3 + c] = Math.min(255, Math.max(0, Math.floor(round12(rgb[c]! * 255))));
  }
  return out;
}
