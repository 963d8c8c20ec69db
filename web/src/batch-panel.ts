/**
 * The batch of held-out digits (DOM edge): one figure per method holding a small heatmap per digit,
 * its time and throughput, and a sentence on the whole run.
 */
import type { RgbaImage } from '../../src/render/images.js';
import { toImageData } from '../../src/render/images.js';
import type { ExplainChoice } from './explain-methods.js';

/** Shows the heatmaps of one method's batch in its figure (made where missing, in `choices` order). */
export function paintBatch(container: HTMLElement, choices: readonly ExplainChoice[], choice: ExplainChoice, images: readonly RgbaImage[], ms: number): void {
  let figure = container.querySelector<HTMLElement>(`figure[data-method="${choice.id}"]`);
  if (!figure) {
    figure = document.createElement('figure');
    figure.dataset.method = choice.id;
    figure.innerHTML = '<figcaption></figcaption><div class="tiles"></div>';
    const after = choices.slice(choices.indexOf(choice) + 1).map((c) => container.querySelector(`figure[data-method="${c.id}"]`));
    container.insertBefore(figure, after.find((f) => f !== null) ?? null);
  }
  const rate = images.length / (ms / 1000);
  figure.querySelector('figcaption')!.textContent = `${choice.label}: ${ms.toFixed(1)} ms, ${Math.round(rate).toLocaleString('en')} digits/s`;
  figure.querySelector('.tiles')!.replaceChildren(
    ...images.map((image, i) => {
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [image.width, image.height];
      canvas.getContext('2d')!.putImageData(toImageData(image), 0, 0);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${choice.label}, digit ${i + 1}`);
      return canvas;
    }),
  );
}

/** Removes the figures of methods no longer chosen. */
export function keepBatchFigures(container: HTMLElement, choices: readonly ExplainChoice[]): void {
  for (const figure of container.querySelectorAll<HTMLElement>('figure')) {
    if (!choices.some((c) => c.id === figure.dataset.method)) figure.remove();
  }
}
