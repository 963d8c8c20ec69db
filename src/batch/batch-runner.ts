/**
 * Explains lists of batch entries and writes their outputs: the work of a local run, of a shard and
 * of one queue job alike. Inputs are explained `batchSize` at a time; an input that cannot be read
 * or explained fails alone (its line goes to errors.csv), never its neighbours or the run.
 */
import { join } from 'node:path';
import { LrpError } from '../errors.js';
import { type Explainer, type Explanation, createExplainer } from '../explainer.js';
import type { PooledExplainer } from '../workers/pooled-explainer.js';
import { writeTensorOutput } from '../cli/output-precision.js';
import { loadModel } from '../io/load-model.js';
import { readTensor } from '../io/tensor-files.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { expectedInput } from '../model/expected-input.js';
import { sampleStrips } from '../render/heatmap-strips.js';
import { encodePng } from '../render/png.js';
import { type Tensor, showShape, sizeOf } from '../tensor.js';
import type { BatchEntry } from './file-list.js';
import { loadSample } from './load-sample.js';
import { type EntryOutputs, entryOutputs, errorPartOf, isDone, recordError, recordRow } from './output-store.js';
import { type Preprocessing, imageSizeFor } from './preprocess.js';
import { ERRORS_HEADER, errorsRow, scoresHeader, scoresRow, topClasses } from './score-rows.js';
import type { BatchSettings } from './settings.js';

/** Counts of a run over entries. */
export interface BatchCounts {
  /** Inputs explained and written now. */
  explained: number;
  /** Inputs skipped because their outputs were there (`resume`). */
  skipped: number;
  /** Inputs that failed (a line in errors.csv). */
  failed: number;
}

/** An input read and waiting to be explained. */
interface Loaded {
  readonly entry: BatchEntry;
  readonly outputs: EntryOutputs;
  readonly sample: Tensor & { data: Float64Array };
}

/** Reads the mean file and checks it against the image size: `[C]` or `[H, W, C]` (a leading 1 allowed). */
async function meanOf(settings: BatchSettings, size: readonly [number, number, number] | undefined): Promise<Float64Array | undefined> {
  if (settings.means) {
    const c = size?.[2] ?? settings.means.length;
    if (settings.means.length !== c && settings.means.length !== 1) throw new LrpError('E_SHAPE', `${settings.means.length} means for images of ${c} channels`, '--means');
    return Float64Array.from({ length: c }, (_, i) => settings.means![settings.means!.length === 1 ? 0 : i]!);
  }
  if (settings.meanFile === undefined) return undefined;
  const t = await readTensor(settings.meanFile);
  const n = t.data.length;
  if (size && (n === size[2] || n === size[0] * size[1] * size[2])) return t.data;
  throw new LrpError('E_SHAPE', `the mean ${showShape(t.shape)} is neither one value per channel nor an image of the input${size ? ` [${size.join(', ')}]` : ''}`, settings.meanFile);
}

/** Explains entries and writes their outputs with one explainer (create with {@link createBatchRunner}). */
export class BatchRunner {
  /** @internal */
  constructor(
    private readonly settings: BatchSettings,
    private readonly explainer: Explainer | PooledExplainer,
    private readonly preprocessing: Preprocessing | undefined,
    private readonly noImages: string | undefined,
  ) {}

  /** Records the failure of `entry` (its errors.csv line). */
  private async fail(entry: BatchEntry, e: unknown, counts: BatchCounts): Promise<void> {
    if (!(e instanceof LrpError)) throw e;
    counts.failed++;
    const part = entry.problem ? { error: errorPartOf(this.settings.out, entry.file) } : entryOutputs(this.settings.out, entry.file);
    await recordError(part, ERRORS_HEADER, errorsRow(entry.file, entry.line, e.code, e.message));
  }

  /** Explains one group of inputs of one shape, writes their outputs. */
  private async explainGroup(group: readonly Loaded[], counts: BatchCounts): Promise<void> {
    const s = this.settings;
    const shape = group[0]!.sample.shape;
    const per = sizeOf(shape);
    const targets = group.map((g) => g.entry.target ?? s.defaultTarget);
    if (targets.some((t) => t === 'argmax') && targets.some((t) => t !== 'argmax')) {
      // argmax and explicit classes mixed: explain each kind on its own
      await this.explainGroup(group.filter((g) => (g.entry.target ?? s.defaultTarget) === 'argmax'), counts);
      await this.explainGroup(group.filter((g) => (g.entry.target ?? s.defaultTarget) !== 'argmax'), counts);
      return;
    }
    const rows = group.length;
    const data = new Float64Array(per * rows);
    group.forEach((g, i) => data.set(g.sample.data, i * per));
    const target = targets[0] === 'argmax' ? 'argmax' : (targets as number[]);
    let result: Explanation;
    try {
      // in-thread (a value) or on the worker threads of --workers (a promise)
      result = await this.explainer.explain({ data, shape: [rows, ...shape] }, { ...s.explain, target });
    } catch (e) {
      if (!(e instanceof LrpError)) throw e;
      if (group.length === 1) return this.fail(group[0]!.entry, e, counts);
      for (const g of group) await this.explainGroup([g], counts); // find the input at fault
      return;
    }
    const classes = result.output.shape[result.output.shape.length - 1]!;
    const outPer = result.output.data.length / rows;
    const relShape = result.relevance.shape.slice(1);
    const relPer = sizeOf(relShape);
    const header = scoresHeader(Math.min(s.topK, classes));
    const image = this.preprocessing?.imageSize;
    // the files of the group are written concurrently (the file system's latency, not the CPU, bounds this part)
    await Promise.all(
      group.map(async (g, i) => {
        const relevance: Tensor = { data: result.relevance.data.subarray(i * relPer, (i + 1) * relPer), shape: [1, ...relShape] };
        try {
          // flat inputs made from images are drawn as those images
          const picture = image !== undefined && relPer === sizeOf(image) ? [1, ...image] : relevance.shape;
          const input = relPer === per ? { data: g.sample.data, shape: picture } : undefined;
          const [strip] = sampleStrips({ data: relevance.data, shape: picture }, { input, cmap: s.cmap });
          await Promise.all([writeTensorOutput(g.outputs.relevance, relevance, s.dtype), writeFileAtomic(g.outputs.heatmap, encodePng(strip!))]);
        } catch (e) {
          await this.fail(g.entry, e, counts);
          return;
        }
        let sum = 0;
        for (const v of relevance.data) sum += v;
        const scores = result.output.data.subarray(i * outPer, (i + 1) * outPer);
        // the row last: it marks the input done
        await recordRow(g.outputs, header, scoresRow(g.entry.file, topClasses(scores, s.topK), result.target ? result.target[i]! : null, sum));
        counts.explained++;
      }),
    );
  }

  /**
   * Explains `entries` (skipping those done when resuming) and writes their outputs and parts;
   * `progress` is told how many entries were handled so far.
   */
  async run(entries: readonly BatchEntry[], progress?: (handled: number) => void): Promise<BatchCounts> {
    const s = this.settings;
    const counts: BatchCounts = { explained: 0, skipped: 0, failed: 0 };
    for (let from = 0; from < entries.length; from += s.batchSize) {
      const read = await Promise.all(
        entries.slice(from, from + s.batchSize).map(async (entry): Promise<Loaded | undefined> => {
          try {
            if (entry.problem) throw new LrpError(entry.problem.code, entry.problem.message, `line ${entry.line}`);
            const outputs = entryOutputs(s.out, entry.file);
            if (s.resume && (await isDone(outputs))) {
              counts.skipped++;
              return undefined;
            }
            return { entry, outputs, sample: await loadSample(join(s.prepath, entry.file), this.preprocessing, this.noImages) };
          } catch (e) {
            await this.fail(entry, e, counts);
            return undefined;
          }
        }),
      );
      const loaded = read.filter((l): l is Loaded => l !== undefined);
      const byShape = new Map<string, Loaded[]>();
      for (const l of loaded) byShape.set(l.sample.shape.join(','), [...(byShape.get(l.sample.shape.join(',')) ?? []), l]);
      for (const group of byShape.values()) await this.explainGroup(group, counts);
      progress?.(Math.min(entries.length, from + s.batchSize));
    }
    return counts;
  }

  /** Frees the explainer. */
  async dispose(): Promise<void> {
    await this.explainer.dispose();
  }
}

/**
 * Loads the model, the mean and the explainer of a batch run. The image geometry is the model's
 * input (or `inputSize`); where the model does not fix it, images fail with a hint and `.npy`
 * inputs still work.
 */
export async function createBatchRunner(settings: BatchSettings): Promise<BatchRunner> {
  const model = await loadModel(settings.modelPath);
  const example = expectedInput(model).example;
  let preprocessing: Preprocessing | undefined;
  let noImages: string | undefined;
  if (example === undefined && settings.inputSize === undefined) noImages = `the model's input size is unknown (${expectedInput(model).shape}): give --input-size HxW`;
  else {
    const base = example ?? [settings.inputSize![0], settings.inputSize![1], 1];
    const imageSize = imageSizeFor(base, settings.inputSize, '--input-size');
    const sampleShape = base.length === 3 ? imageSize : base;
    preprocessing = { sampleShape, imageSize, range: settings.pixelRange, mean: await meanOf(settings, imageSize) };
  }
  const explainer = await createExplainer(model, {
    backend: settings.backend,
    keepSoftmax: settings.keepSoftmax,
    ...settings.limits,
    ...(settings.workers === undefined ? {} : { workers: settings.workers }),
  });
  return new BatchRunner(settings, explainer, preprocessing, noImages);
}
