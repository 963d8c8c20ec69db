import { LrpError } from '../errors.js';
import { describeExpectedInput } from '../model/expected-input.js';
import type { Model } from '../model/layers.js';
import { showShape } from '../tensor.js';

/** Where the samples came from: the option and the file (or the option's text). */
export interface SampleSource {
  readonly flag: string;
  readonly where: string;
}

/**
 * Runs `run`; a sample shape that does not fit the model (`E_SHAPE` naming a layer) becomes
 * `E_SHAPE` naming the samples' file, leading with what the model expects and what was given, then
 * the layer: `x.npy: the model expects input [32, 32, 1] per sample, --input has [28, 28, 1];
 * layer 8 (Linear): …`. Other errors pass unchanged.
 */
export async function explainingInputShape<T>(run: () => T | Promise<T>, model: Model, sample: readonly number[], source: SampleSource): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof LrpError) || e.code !== 'E_SHAPE' || !e.where?.startsWith('layer ')) throw e;
    throw new LrpError('E_SHAPE', `the model expects ${describeExpectedInput(model)}, ${source.flag} has ${showShape(sample)}; ${e.message}`, source.where);
  }
}
