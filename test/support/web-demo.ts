import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../fixtures.js';
import { type Requirement, requirement } from './requirements.js';

/** The built demo page (`npm run build:web`). */
export const webDemoDir = join(projectRoot, 'dist-web');

/** The built demo page is present. */
export const builtWeb: Requirement = requirement('dist-web', existsSync(join(webDemoDir, 'index.html')), 'dist-web/ missing (run npm run build:web)');

/** Time allowed to each browser test and its set-up: generous, for a loaded machine (never an assertion on speed). */
export const BROWSER_TEST_MS = 300_000;

/** Where the browser tests save screenshots (gitignored). */
export const webScreenshots = join(projectRoot, 'test-output', 'web');

/** Number of explanation runs the page has finished (`body[data-runs]`). */
export function runsSoFar(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset.runs ?? 0));
}

/** Waits until the page has finished more than `before` runs (a run starts after each change of input, model or setting). */
export async function runAfter(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) > n, before, { timeout: 120_000 });
}

/** Drags the mouse through `points` (grid cells of the 28 × 28 pad, fractions allowed). */
export async function drawStroke(page: Page, points: readonly (readonly [number, number])[]): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: readonly [number, number]): [number, number] => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
  await page.mouse.up();
}

/** What a heatmap canvas shows: its size, the number of distinct colours, and of pixels that are not white. */
export interface CanvasStats {
  readonly width: number;
  readonly height: number;
  readonly colours: number;
  readonly nonWhite: number;
  /** A digest of the pixels (to see that a colormap change repaints). */
  readonly digest: string;
}

/** The statistics of the heatmap of the explanation `method` (its `figure[data-method]`). */
export function heatmapStats(page: Page, method: string): Promise<CanvasStats> {
  return page.evaluate((m) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`figure[data-method="${m}"] canvas`);
    if (!canvas) throw new Error(`no heatmap for ${m}`);
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    let nonWhite = 0;
    let digest = 0;
    for (let p = 0; p < data.length; p += 4) {
      const rgb = (data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!;
      colours.add(rgb);
      if (rgb !== 0xffffff) nonWhite++;
      digest = (Math.imul(digest, 31) + rgb) | 0;
    }
    return { width: canvas.width, height: canvas.height, colours: colours.size, nonWhite, digest: digest.toString(16) };
  }, method);
}

/** The page's verdict (`Prediction: 7 (99.1 %)`) as the predicted class label. */
export async function predictedClass(page: Page): Promise<string | undefined> {
  return /Prediction: (\S+)/.exec((await page.locator('#prediction').textContent()) ?? '')?.[1];
}

/** The page boxes of the panels, the pad, the class rows and the heatmap canvases (to see that nothing moves when results arrive). */
export function layoutBoxes(page: Page): Promise<Record<string, [number, number, number, number]>> {
  return page.evaluate(() => {
    const boxes: Record<string, [number, number, number, number]> = {};
    const selectors = ['main > section', '#pad', '#scores li', '#heatmaps figure canvas', '#heatmaps figcaption'];
    for (const sel of selectors) {
      document.querySelectorAll(sel).forEach((el, i) => {
        const r = el.getBoundingClientRect();
        boxes[`${sel} #${i}`] = [r.x + scrollX, r.y + scrollY, r.width, r.height];
      });
    }
    return boxes;
  });
}

/** Controls (inputs, selects, buttons, the pad) without an accessible name: a `<label>`, `aria-label`, `aria-labelledby` or text. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input, select, button, textarea, canvas[tabindex]')]
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        const named = (labels && labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.textContent?.trim();
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
}

/** Text whose contrast against the background it is drawn on is under `min` (WCAG 2 ratio), with the ratio found. */
export function lowContrastText(page: Page, min: number): Promise<string[]> {
  return page.evaluate((limit) => {
    const rgb = (css: string): [number, number, number, number] => {
      const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(css);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : [0, 0, 0, 0];
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c[3] > 0.5) return c;
      }
      return [255, 255, 255];
    };
    const bad: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent?.trim() || el.closest('option, script, style')) continue;
      const [fg, bg] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < limit) bad.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${n.textContent.trim().slice(0, 30)}": ${ratio.toFixed(2)}`);
    }
    return bad;
  }, min);
}
