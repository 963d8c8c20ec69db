/**
 * The demo page: wires the pad, the sample strip, the settings, the model panel and the heatmaps
 * to lrpjs. Explanations run in the page on the chosen backend, one method per step with a yield
 * between steps, for the latest input only (so drawing never waits for them).
 */
import { backendNames } from '../../src/backends/index.js';
import { createExplainer } from '../../src/explainer.js';
import { heatmaps } from '../../src/render/heatmap.js';
import { argmaxRows } from '../../src/tensor.js';
import { loadModel } from '../../src/io/load-model.js';
import type { Model } from '../../src/model/layers.js';
import { type Capabilities, backendChoices } from './backend-choices.js';
import { DEMO_MODELS, fetchAsset, fetchDigits } from './demo-assets.js';
import { type ExplainEngine, inThreadEngine, pooledEngine } from './explain-session.js';
import { type Settings, bindSettings } from './settings-form.js';
import { bindDrawPad } from './draw-pad.js';
import { keepBatchFigures, paintBatch } from './batch-panel.js';
import { blankFigures, layoutFigures, paintFigures, type ShownExplanation } from './heatmap-panel.js';
import { decodeImage, imagePixels } from './image-input.js';
import { emptyGrid, gridFromValues, hasInk, type InkGrid } from './ink-grid.js';
import { latestOnly, yieldToPage } from './latest-only.js';
import { type OpenedFile, isImageFile, modelFromFiles } from './model-files.js';
import { gridToInput, heatmapLayout, type InputGeometry, inputGeometry, rgbaToInput } from './model-input.js';
import { renderModel } from './model-panel.js';
import { enableOffline } from './offline.js';
import { clearPrediction, emptyBars, renderPrediction } from './prediction-chart.js';
import { renderSampleStrip } from './sample-strip.js';
import { loadTfjs } from './tfjs-loader.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The model being explained. */
interface Current {
  /** Changes with every model, so the explainer is rebuilt. */
  readonly key: string;
  readonly model: Model;
  readonly name: string;
  readonly geometry: InputGeometry;
}

const say = (id: string) => (text: string) => void (byId(id).textContent = text);
const showError = (e: unknown): void => {
  byId('error').textContent = e instanceof Error ? e.message : String(e);
};

/** What this browser and this build offer; WebGPU counts only where an adapter answers. */
async function detectCapabilities(): Promise<Capabilities> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  // an adapter that does not answer within 3 s counts as none (the page does not wait on it)
  const noAnswer = new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000));
  const adapter = gpu ? await Promise.race([gpu.requestAdapter().catch(() => null), noAnswer]) : null;
  return {
    wasm: typeof WebAssembly === 'object',
    webWorkers: typeof Worker === 'function',
    workerPool: true,
    tfjsBackend: (backendNames as readonly string[]).includes('tfjs'),
    webgl: document.createElement('canvas').getContext('webgl2') !== null,
    webgpu: gpu !== undefined,
    webgpuAdapter: adapter !== null && adapter !== undefined,
  };
}
const capabilities = await detectCapabilities();
const settings = bindSettings(
  { methods: byId('methods'), cmap: byId('cmap'), normalisation: byId('normalisation'), backends: byId('backends') },
  backendChoices(capabilities),
  () => void runner.request(),
);

layoutFigures(byId('heatmaps'), settings().methods);

let current: Current | null = null;
let image: { readonly bitmap: ImageBitmap; readonly name: string } | null = null;
let engine: { readonly key: string; readonly engine: ExplainEngine } | null = null;
let runs = 0;

const pad = bindDrawPad(
  byId('pad'),
  () => {
    image = null;
    say('input-source')('Your drawing');
    void runner.request();
  },
  say('pad-status'),
);

/** One run: (re)build the explainer where the model or backend changed, predict, then explain method by method. */
async function explainLatest(stale: () => boolean): Promise<void> {
  const model = current;
  if (!model) return;
  const chosen = settings();
  const key = `${model.key}|${chosen.backend.id}`;
  if (engine?.key !== key) {
    engine?.engine.dispose();
    engine = null;
    say('run-status')(`Preparing ${chosen.backend.label}…`);
    const { options, tfjsDevice, pool } = chosen.backend;
    const tf = tfjsDevice ? await loadTfjs(tfjsDevice) : undefined;
    engine = {
      key,
      engine: pool
        ? pooledEngine(await createExplainer(model.model, { ...options, workers: 'auto', minPoolBatch: 2 }))
        : inThreadEngine(await createExplainer(model.model, tf ? { ...options, tf } : options)),
    };
    if (stale()) return;
  }
  if (batchWanted) {
    if (!(await explainBatch(stale, engine.engine, model, chosen))) return;
    batchWanted = false;
  }
  const figures = byId('heatmaps');
  layoutFigures(figures, chosen.methods);
  const grid = pad.get();
  if (!image && !hasInk(grid)) {
    clearPrediction(byId('prediction'), byId('scores'), 'Draw a digit or pick one below.');
    blankFigures(figures);
    say('run-status')('');
    return;
  }
  const { geometry } = model;
  const input = image ? rgbaToInput(imagePixels(image.bitmap, geometry.width, geometry.height), geometry) : gridToInput(grid, geometry);
  byId('error').textContent = '';
  const session = await engine.engine.open(input, chosen.methods[0]?.options ?? {});
  try {
    renderPrediction(byId('prediction'), byId('scores'), session.output.data);
    const shown: ShownExplanation[] = [];
    for (const choice of chosen.methods) {
      await yieldToPage();
      if (stale()) return;
      const { relevance, ms } = await session.explain(choice.options);
      shown.push({ choice, relevance, ms });
      paintFigures(figures, shown, { cmap: chosen.cmap, ...chosen.normalisation.options, ...heatmapLayout(geometry) });
    }
    const total = shown.reduce((t, s) => t + s.ms, 0);
    say('run-status')(`${shown.length} explanation${shown.length === 1 ? '' : 's'} on ${chosen.backend.label}: ${total.toFixed(1)} ms in all.`);
    document.body.dataset.runs = String(++runs);
  } finally {
    session.close();
  }
}

/** The held-out digits (the strip's), and whether the batch panel asked for them to be explained. */
let heldOut: { readonly grids: readonly InkGrid[]; readonly labels: ArrayLike<number> } | null = null;
let batchWanted = false;

/** Explains the held-out digits as one batch per chosen method; false where a newer request cut it short. */
async function explainBatch(stale: () => boolean, engine: ExplainEngine, model: Current, chosen: Settings): Promise<boolean> {
  if (!heldOut) return true;
  const { geometry } = model;
  const samples = heldOut.grids.map((g) => gridToInput(g, geometry).data);
  const per = samples[0]!.length;
  const data = new Float32Array(per * samples.length);
  samples.forEach((x, i) => data.set(x, i * per));
  const batch = { data, shape: [samples.length, ...geometry.sampleShape] };
  const maps = byId('batch-maps');
  keepBatchFigures(maps, chosen.methods);
  say('batch-status')(`Explaining ${samples.length} digits on ${chosen.backend.label}…`);
  let total = 0;
  let correct = -1;
  for (const choice of chosen.methods) {
    await yieldToPage();
    if (stale()) return false;
    const t0 = performance.now();
    const e = await engine.explainBatch(batch, choice.options);
    const ms = performance.now() - t0;
    total += ms;
    if (correct < 0) {
      const predicted = argmaxRows(e.output.data, samples.length);
      correct = predicted.filter((p, i) => p === heldOut!.labels[i]).length;
    }
    const images = heatmaps(e.relevance, { cmap: chosen.cmap, ...chosen.normalisation.options, ...heatmapLayout(geometry) });
    paintBatch(maps, chosen.methods, choice, images, ms);
  }
  const right = correct >= 0 && model.key in DEMO_KEYS ? `; ${correct}/${samples.length} predicted right` : '';
  say('batch-status')(`${samples.length} digits × ${chosen.methods.length} methods on ${chosen.backend.label}: ${total.toFixed(1)} ms${right}.`);
  document.body.dataset.batches = String(Number(document.body.dataset.batches ?? 0) + 1);
  return true;
}

const runner = latestOnly(explainLatest, showError);

/** Makes `model` the one explained and shows its layers. */
function useModel(model: Model, name: string, key: string): void {
  const geometry = inputGeometry(model);
  current = { key, model, name, geometry };
  const classes = renderModel(byId('model-summary'), byId('layers'), model, name, geometry);
  emptyBars(byId('prediction'), byId('scores'), Array.from({ length: classes }, (_, i) => String(i)), 'Draw a digit or pick one below.');
  void runner.request();
}

/** Models whose classes are the digits 0-9 (the shipped ones), so the held-out labels apply. */
const DEMO_KEYS: Readonly<Record<string, true>> = Object.fromEntries(DEMO_MODELS.map((m) => [m.id, true]));
let opened = 0;
const demoModels = new Map<string, Model>();
async function useDemoModel(id: string): Promise<void> {
  const file = DEMO_MODELS.find((m) => m.id === id)!;
  let model = demoModels.get(id);
  if (!model) {
    say('model-status')(`Loading ${file.name}…`);
    model = await loadModel({ bytes: await fetchAsset(file.url), name: file.name });
    demoModels.set(id, model);
  }
  useModel(model, file.name, id);
  say('model-status')('');
}

async function openFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  byId('error').textContent = '';
  const read = async (f: File): Promise<OpenedFile> => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  const images = files.filter((f) => isImageFile(f.name, f.type));
  const others = files.filter((f) => !images.includes(f));
  if (others.length > 0) {
    const { model, name } = await modelFromFiles(await Promise.all(others.map(read)));
    const select = byId<HTMLSelectElement>('model-select');
    const key = `opened-${++opened}`;
    const optionEl = document.createElement('option');
    optionEl.value = key;
    optionEl.textContent = `${name} (opened)`;
    select.append(optionEl);
    select.value = key;
    demoModels.set(key, model);
    useModel(model, name, key);
    say('model-status')(`Opened ${name}.`);
  }
  const picked = images[0];
  if (picked) {
    const bitmap = await decodeImage((await read(picked)).bytes, picked.name);
    const side = pad.get().side;
    const preview = rgbaToInput(imagePixels(bitmap, side, side), { height: side, width: side, channels: 1, sampleShape: [side, side, 1] });
    pad.set(gridFromValues(preview.data, side));
    image = { bitmap, name: picked.name };
    const g = current?.geometry;
    say('input-source')(`${picked.name}${g ? `, resized to ${g.height} × ${g.width}` : ''}`);
    void runner.request();
  }
}

byId<HTMLSelectElement>('model-select').append(
  ...DEMO_MODELS.map((m) => {
    const o = document.createElement('option');
    o.value = m.id;
    o.textContent = m.label;
    return o;
  }),
);
byId<HTMLSelectElement>('model-select').addEventListener('change', (e) => {
  const id = (e.target as HTMLSelectElement).value;
  const model = demoModels.get(id);
  if (model && id.startsWith('opened-')) useModel(model, byId<HTMLSelectElement>('model-select').selectedOptions[0]!.textContent!.replace(/ \(opened\)$/, ''), id);
  else useDemoModel(id).catch(showError);
});
byId<HTMLInputElement>('file').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  openFiles([...(input.files ?? [])])
    .catch(showError)
    .finally(() => (input.value = ''));
});
const drop = byId('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  openFiles([...(e.dataTransfer?.files ?? [])]).catch(showError);
});
byId('batch-run').addEventListener('click', () => {
  batchWanted = true;
  void runner.request();
});
byId('clear').addEventListener('click', () => {
  image = null;
  pad.set(emptyGrid(pad.get().side));
  say('input-source')('Your drawing');
  void runner.request();
});

async function start(): Promise<void> {
  const [{ digits, labels }] = await Promise.all([fetchDigits(), useDemoModel('cnn')]);
  const side = digits.shape[1]!;
  const per = side * side;
  const samples = Array.from({ length: digits.shape[0]! }, (_, i) => ({
    grid: gridFromValues(digits.data.subarray(i * per, (i + 1) * per), side),
    label: labels[i],
  }));
  heldOut = { grids: samples.map((d) => d.grid), labels };
  renderSampleStrip(byId('samples'), samples, (digit) => {
    image = null;
    pad.set(digit.grid);
    say('input-source')(`Held-out digit${digit.label === undefined ? '' : ` (a ${digit.label})`}`);
    void runner.request();
  });
  document.body.dataset.loaded = 'true';
}

start().catch(showError);
void enableOffline(say('offline-status'));
