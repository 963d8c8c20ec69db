/**
 * The strip of held-out digits (DOM edge): one button per digit, a roving tab stop (arrow keys,
 * Home and End move between them, Enter or Space picks), each labelled with its true class.
 */
import type { InkGrid } from './ink-grid.js';

/** A digit of the strip: its pixels and its true class, where known. */
export interface SampleDigit {
  readonly grid: InkGrid;
  readonly label: number | undefined;
}

/** Fills `container` (a `role="toolbar"` element) with buttons for `digits`; `onPick` gets the chosen one. */
export function renderSampleStrip(container: HTMLElement, digits: readonly SampleDigit[], onPick: (digit: SampleDigit) => void): void {
  container.replaceChildren();
  const buttons = digits.map((digit, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    button.tabIndex = i === 0 ? 0 : -1;
    button.dataset.index = String(i);
    const what = digit.label === undefined ? `digit ${i + 1}` : `a ${digit.label}`;
    button.setAttribute('aria-label', `Sample ${i + 1} of ${digits.length}: ${what}`);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = digit.grid.side;
    const ctx = canvas.getContext('2d')!;
    const image = ctx.createImageData(digit.grid.side, digit.grid.side);
    digit.grid.ink.forEach((v, p) => image.data.set([v * 255, v * 255, v * 255, 255], p * 4));
    ctx.putImageData(image, 0, 0);
    button.append(canvas);
    button.addEventListener('click', () => onPick(digit));
    return button;
  });
  container.append(...buttons);
  container.addEventListener('keydown', (e) => {
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = buttons[(to + buttons.length) % buttons.length]!;
    buttons[at]!.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}
