/**
 * The heatmaps (DOM edge): one figure per chosen explanation, side by side, each with its canvas,
 * its name and the time it took. Figures are laid out before the numbers arrive, so nothing jumps.
 */
import { heatmaps, type HeatmapOptions } from '../../src/render/heatmap.js';
import { toImageData } from '../../src/render/images.js';
import type { Tensor } from '../../src/tensor.js';
import type { ExplainChoice } from './explain-methods.js';

/** A finished explanation of one choice. */
export interface ShownExplanation {
  readonly choice: ExplainChoice;
  readonly relevance: Tensor;
  /** Milliseconds the explanation took. */
  readonly ms: number;
}

/** Lays out one empty figure per choice (kept where it exists already, in the same order). */
export function layoutFigures(container: HTMLElement, choices: readonly ExplainChoice[]): void {
  const figures = choices.map((choice) => {
    const old = container.querySelector<HTMLElement>(`figure[data-method="${choice.id}"]`);
    if (old) return old;
    const figure = document.createElement('figure');
    figure.dataset.method = choice.id;
    figure.innerHTML = '<canvas width="28" height="28" role="img"></canvas><figcaption><span class="name"></span><span class="time"></span></figcaption>';
    figure.querySelector('.name')!.textContent = choice.label;
    figure.querySelector('canvas')!.setAttribute('aria-label', `${choice.label} heatmap`);
    return figure;
  });
  container.replaceChildren(...figures);
}

/** Blanks every figure (no input to explain, or a new model). */
export function blankFigures(container: HTMLElement, note = ''): void {
  for (const figure of container.querySelectorAll('figure')) {
    const canvas = figure.querySelector('canvas')!;
    canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
    figure.querySelector('.time')!.textContent = note;
    figure.removeAttribute('data-done');
  }
}

/**
 * Paints `shown` into their figures with the colormap and normalisation of `options` (all together,
 * so `normalize: 'batch'` shares one scale across the maps); `render` adds the input layout.
 */
export function paintFigures(container: HTMLElement, shown: readonly ShownExplanation[], options: HeatmapOptions): void {
  if (shown.length === 0) return;
  const first = shown[0]!.relevance;
  const per = first.data.length;
  const batch = new Float64Array(per * shown.length);
  shown.forEach((s, i) => batch.set(s.relevance.data, i * per));
  const images = heatmaps({ data: batch, shape: [shown.length, ...first.shape.slice(1)] }, options);
  shown.forEach((s, i) => {
    const figure = container.querySelector<HTMLElement>(`figure[data-method="${s.choice.id}"]`);
    if (!figure) return;
    const image = images[i]!;
    const canvas = figure.querySelector('canvas')!;
    if (canvas.width !== image.width || canvas.height !== image.height) [canvas.width, canvas.height] = [image.width, image.height];
    canvas.getContext('2d')!.putImageData(toImageData(image), 0, 0);
    figure.querySelector('.time')!.textContent = `${s.ms.toFixed(1)} ms`;
    figure.dataset.done = '';
  });
}
