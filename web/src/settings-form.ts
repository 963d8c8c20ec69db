/**
 * The settings (DOM edge): explanation checkboxes, colormap and normalisation selects and backend
 * radios (disabled ones carry their reason as visible text tied to the radio by aria-describedby).
 */
import { type BackendChoice, defaultBackend } from './backend-choices.js';
import { DEFAULT_CHOICES, EXPLAIN_CHOICES, type ExplainChoice, choicesById } from './explain-methods.js';
import { COLORMAPS, NORMALISATIONS, type NormalisationChoice } from './render-choices.js';

/** What the settings say now. */
export interface Settings {
  readonly methods: readonly ExplainChoice[];
  readonly cmap: string;
  readonly normalisation: NormalisationChoice;
  readonly backend: BackendChoice;
}

/** The elements the settings live in. */
export interface SettingsElements {
  readonly methods: HTMLFieldSetElement;
  readonly cmap: HTMLSelectElement;
  readonly normalisation: HTMLSelectElement;
  readonly backends: HTMLFieldSetElement;
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

/** Fills the settings elements; `onChange` runs after any change. Returns a reader of the current settings. */
export function bindSettings(el: SettingsElements, backends: readonly BackendChoice[], onChange: () => void): () => Settings {
  for (const choice of EXPLAIN_CHOICES) {
    const row = document.createElement('div');
    row.className = 'check';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'method';
    input.id = `method-${choice.id}`;
    input.value = choice.id;
    input.checked = DEFAULT_CHOICES.includes(choice.id);
    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.textContent = choice.label;
    row.append(input, label);
    el.methods.append(row);
  }
  el.cmap.append(...COLORMAPS.map((name) => option(name, name)));
  el.normalisation.append(...NORMALISATIONS.map((n) => option(n.id, n.label)));
  const initial = defaultBackend(backends);
  for (const backend of backends) {
    const row = document.createElement('div');
    row.className = 'check';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'backend';
    input.id = `backend-${backend.id}`;
    input.value = backend.id;
    input.checked = backend === initial;
    input.disabled = backend.disabledReason !== undefined;
    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.textContent = backend.label;
    row.append(input, label);
    if (backend.disabledReason !== undefined) {
      const why = document.createElement('span');
      why.id = `${input.id}-why`;
      why.className = 'why';
      why.textContent = `unavailable: ${backend.disabledReason}`;
      input.setAttribute('aria-describedby', why.id);
      row.append(why);
    }
    el.backends.append(row);
  }
  for (const e of [el.methods, el.cmap, el.normalisation, el.backends]) e.addEventListener('change', onChange);
  return () => {
    const checked = [...el.methods.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
    const backendId = el.backends.querySelector<HTMLInputElement>('input:checked')?.value;
    return {
      methods: choicesById(checked),
      cmap: el.cmap.value,
      normalisation: NORMALISATIONS.find((n) => n.id === el.normalisation.value) ?? NORMALISATIONS[0]!,
      backend: backends.find((b) => b.id === backendId) ?? initial,
    };
  };
}
