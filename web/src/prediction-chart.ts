/** The prediction (DOM edge): a sentence and a bar per class, the predicted class highlighted. */
import { type ClassBar, classBars } from './class-scores.js';

/** Shows the output scores of one sample in `list` (an `<ol>`) and the verdict in `verdict`. */
export function renderPrediction(verdict: HTMLElement, list: HTMLOListElement, scores: ArrayLike<number>): void {
  const { bars, best } = classBars(scores);
  const top = bars[best];
  verdict.textContent = top ? `Prediction: ${top.label} (${percent(top)})` : 'No output';
  const items = bars.map((bar, i) => {
    const li = list.children[i] instanceof HTMLLIElement ? (list.children[i] as HTMLLIElement) : document.createElement('li');
    li.className = i === best ? 'best' : '';
    li.dataset.class = bar.label;
    li.setAttribute('aria-label', `class ${bar.label}: ${percent(bar)}, score ${bar.score.toFixed(2)}`);
    li.innerHTML = '<span class="class"></span><span class="track"><span class="fill"></span></span><span class="value"></span>';
    li.querySelector('.class')!.textContent = bar.label;
    (li.querySelector('.fill') as HTMLElement).style.width = `${(bar.probability * 100).toFixed(1)}%`;
    li.querySelector('.value')!.textContent = percent(bar);
    return li;
  });
  list.replaceChildren(...items);
}

/** Lays out one empty row per class label (a new model), so the first prediction fills rows that are already there. */
export function emptyBars(verdict: HTMLElement, list: HTMLOListElement, labels: readonly string[], text: string): void {
  list.replaceChildren(
    ...labels.map((label) => {
      const li = document.createElement('li');
      li.dataset.class = label;
      li.innerHTML = '<span class="class"></span><span class="track"><span class="fill"></span></span><span class="value"></span>';
      li.querySelector('.class')!.textContent = label;
      return li;
    }),
  );
  verdict.textContent = text;
}

/** Clears the chart, keeping its rows (so the layout does not jump). */
export function clearPrediction(verdict: HTMLElement, list: HTMLOListElement, text: string): void {
  verdict.textContent = text;
  for (const li of list.querySelectorAll('li')) {
    li.className = '';
    (li.querySelector('.fill') as HTMLElement | null)?.style.setProperty('width', '0');
    const value = li.querySelector('.value');
    if (value) value.textContent = '';
  }
}

function percent(bar: ClassBar): string {
  return `${(bar.probability * 100).toFixed(1)} %`;
}
