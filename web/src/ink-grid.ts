/**
 * The drawing pad's state: a square grid of ink values in [0, 1] (MNIST's 28 × 28 by default),
 * painted by strokes with a soft round brush. Pure functions on plain data, so pointer and keyboard
 * drawing, the sample digits and the model input all share one representation.
 */

/** A square grid of ink values in [0, 1], row-major. */
export interface InkGrid {
  /** Cells per side. */
  readonly side: number;
  /** `side · side` values, cell (row y, column x) at `y · side + x`. */
  readonly ink: Float32Array;
}

/** A point in grid units: (0, 0) is the top-left corner of the grid, cell (x, y) spans [x, x + 1). */
export interface GridPoint {
  readonly x: number;
  readonly y: number;
}

/** The brush: full ink within `core` cells of the stroke's centre line, fading to none over `fade` more. */
export interface Brush {
  readonly core: number;
  readonly fade: number;
}

/** A brush that draws strokes about three cells wide on a 28-cell grid, like MNIST's pen. */
export const DEFAULT_BRUSH: Brush = { core: 0.7, fade: 1.0 };

/** An empty grid of `side` cells per side. */
export function emptyGrid(side = 28): InkGrid {
  return { side, ink: new Float32Array(side * side) };
}

/** Distance from `p` to the segment `a`–`b`. */
function segmentDistance(p: GridPoint, a: GridPoint, b: GridPoint): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * A new grid with the segment `from`–`to` painted (a dab where they are equal): each cell whose
 * centre lies near the segment gets the brush's ink there, kept where the cell already holds more.
 */
export function paintSegment(grid: InkGrid, from: GridPoint, to: GridPoint, brush: Brush = DEFAULT_BRUSH): InkGrid {
  const { side } = grid;
  const ink = grid.ink.slice();
  const reach = brush.core + brush.fade;
  const x0 = Math.max(0, Math.floor(Math.min(from.x, to.x) - reach));
  const x1 = Math.min(side - 1, Math.ceil(Math.max(from.x, to.x) + reach));
  const y0 = Math.max(0, Math.floor(Math.min(from.y, to.y) - reach));
  const y1 = Math.min(side - 1, Math.ceil(Math.max(from.y, to.y) + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = segmentDistance({ x: x + 0.5, y: y + 0.5 }, from, to);
      const v = d <= brush.core ? 1 : Math.max(0, 1 - (d - brush.core) / brush.fade);
      if (v > ink[y * side + x]!) ink[y * side + x] = v;
    }
  }
  return { side, ink };
}

/** A grid holding `values` (one sample, `side · side` values), clamped to [0, 1] (NaN and missing values are 0). */
export function gridFromValues(values: ArrayLike<number>, side: number): InkGrid {
  const ink = new Float32Array(side * side);
  for (let i = 0; i < ink.length; i++) {
    const v = values[i] ?? 0;
    ink[i] = v > 0 ? Math.min(1, v) : 0;
  }
  return { side, ink };
}

/** Whether any cell holds ink. */
export function hasInk(grid: InkGrid): boolean {
  return grid.ink.some((v) => v > 0);
}
