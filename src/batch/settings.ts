/**
 * What one `lrp batch` run does to each input, as parsed from its options (or a config file): the
 * same for the local run, every shard and every queue worker, which rebuild it from the same
 * option words.
 */
import type { BackendName } from '../backends/index.js';
import type { Limits } from '../engine/budget.js';
import type { ExplainOptions } from '../explainer.js';
import type { OutputDType } from '../io/tensor-files.js';

/** The settings of a batch run. */
export interface BatchSettings {
  /** The model file (absolute in queue jobs). */
  readonly modelPath: string;
  /** The output folder, the store every shard and worker shares. */
  readonly out: string;
  /** The root the list's paths are relative to (`--prepath`). */
  readonly prepath: string;
  /** How to explain (rule flags, `--relevance-at`); the target comes per entry. */
  readonly explain: Omit<ExplainOptions, 'target' | 'initial'>;
  /** The class for entries that name none: `'argmax'` or a class number (`--target`). */
  readonly defaultTarget: 'argmax' | number;
  readonly backend: BackendName;
  readonly keepSoftmax: boolean;
  readonly limits: Limits;
  /** Worker threads of the explainer (`--workers`: a count or `auto`), when given. */
  readonly workers?: number | 'auto';
  /** Inputs explained together (`--batch-size`). */
  readonly batchSize: number;
  /** Precision of the `.relevance.npy` files. */
  readonly dtype: OutputDType;
  /** Image height and width (`--input-size`), else the model's. */
  readonly inputSize?: readonly [number, number];
  /** Pixel 0 and 255 map to these (`--pixel-range`, default [0, 1]). */
  readonly pixelRange: readonly [number, number];
  /** Per-channel means (`--means`), subtracted after the mapping. */
  readonly means?: readonly number[];
  /** A `.npy` mean: per channel `[C]` or a mean image `[H, W, C]` (`--mean-file`). */
  readonly meanFile?: string;
  /** The heatmaps' colour map (`--cmap`, default jet). */
  readonly cmap: string;
  /** Classes listed per input in scores.csv (`--top-k`, default 10). */
  readonly topK: number;
  /** Skip inputs whose outputs exist (default on; `--no-resume` recomputes). */
  readonly resume: boolean;
}
