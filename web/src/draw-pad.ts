/**
 * The drawing pad (DOM edge): a canvas showing the ink grid, drawn on with pointer events (mouse,
 * touch, pen) or the keyboard (arrow keys move the pen, Space or Enter lifts and lowers it, Delete
 * or Backspace clears). Every change hands the new grid to `onChange`.
 */
import { type GridPoint, type InkGrid, emptyGrid, paintSegment } from './ink-grid.js';

/** The pad's handle. */
export interface DrawPad {
  /** Shows `grid` (a sample digit, a cleared pad) without calling `onChange`. */
  set(grid: InkGrid): void;
  /** The grid shown. */
  get(): InkGrid;
}

/** Binds a pad to `canvas`; `onChange` gets each new grid, `onStatus` a sentence for the keyboard pen's state. */
export function bindDrawPad(canvas: HTMLCanvasElement, onChange: (grid: InkGrid) => void, onStatus: (text: string) => void): DrawPad {
  const ctx = canvas.getContext('2d')!;
  let grid = emptyGrid();
  let last: GridPoint | null = null;
  const cursor = { x: 14, y: 14 };
  let penDown = false;
  const cells = document.createElement('canvas');
  cells.width = cells.height = grid.side;
  const cellCtx = cells.getContext('2d')!;

  const render = (): void => {
    const { side, ink } = grid;
    if (cells.width !== side) cells.width = cells.height = side;
    const image = cellCtx.createImageData(side, side);
    for (let i = 0; i < ink.length; i++) {
      const v = Math.round(ink[i]! * 255);
      image.data.set([v, v, v, 255], i * 4);
    }
    cellCtx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
    if (document.activeElement === canvas) {
      const s = canvas.width / side;
      ctx.lineWidth = 2;
      ctx.strokeStyle = penDown ? '#ff5a36' : '#3fa9f5';
      ctx.strokeRect(cursor.x * s + 1, cursor.y * s + 1, s - 2, s - 2);
    }
  };
  const change = (next: InkGrid): void => {
    grid = next;
    render();
    onChange(grid);
  };
  const toGrid = (e: PointerEvent): GridPoint => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * grid.side, y: ((e.clientY - r.top) / r.height) * grid.side };
  };

  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    last = toGrid(e);
    change(paintSegment(grid, last, last));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (last === null) return;
    const points = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    let next = grid;
    for (const p of points.length > 0 ? points : [e]) {
      const at = toGrid(p);
      next = paintSegment(next, last, at);
      last = at;
    }
    change(next);
  });
  const lift = (): void => {
    last = null;
  };
  canvas.addEventListener('pointerup', lift);
  canvas.addEventListener('pointercancel', lift);

  const centre = (): GridPoint => ({ x: cursor.x + 0.5, y: cursor.y + 0.5 });
  const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  canvas.addEventListener('keydown', (e) => {
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      const from = centre();
      const step = e.shiftKey ? 3 : 1;
      cursor.x = Math.max(0, Math.min(grid.side - 1, cursor.x + move[0] * step));
      cursor.y = Math.max(0, Math.min(grid.side - 1, cursor.y + move[1] * step));
      if (penDown) change(paintSegment(grid, from, centre()));
      else render();
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      penDown = !penDown;
      onStatus(penDown ? `Pen down at column ${cursor.x + 1}, row ${cursor.y + 1}: arrow keys draw.` : 'Pen up: arrow keys move without drawing.');
      if (penDown) change(paintSegment(grid, centre(), centre()));
      else render();
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      change(emptyGrid(grid.side));
    }
  });
  canvas.addEventListener('focus', render);
  canvas.addEventListener('blur', () => {
    penDown = false;
    render();
  });
  render();
  return {
    set(next) {
      grid = next;
      render();
    },
    get: () => grid,
  };
}
