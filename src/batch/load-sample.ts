/**
 * Reads one batch input as a sample: a `.npy` holding one sample (`[...]` or `[1, ...]`), or a PNG
 * or JPEG image preprocessed for the model.
 */
import { LrpError } from '../errors.js';
import { readFileBytes } from '../io/file-system.js';
import { readNpy } from '../io/npy.js';
import { type Tensor, showShape, toFloat64 } from '../tensor.js';
import { decodeImage, inputKind } from './decode-image.js';
import { type Preprocessing, preprocessImage } from './preprocess.js';

/** Most bytes one batch input may hold (256 MiB): images and samples are far smaller. */
export const MAX_BATCH_INPUT_BYTES = 256 * 2 ** 20;

/**
 * Loads the input at `path`. `preprocessing` is `undefined` when the model's image size is unknown
 * (images then fail with a hint to give `--input-size`).
 * @throws LrpError naming `path`: `E_IO` (missing), `E_FORMAT` (neither PNG, JPEG nor .npy, or
 *   corrupt), `E_SHAPE` (a .npy with several samples, an image the model cannot take).
 */
export async function loadSample(path: string, preprocessing: Preprocessing | undefined, noImages?: string): Promise<Tensor & { data: Float64Array }> {
  const bytes = await readFileBytes(path, { maxBytes: MAX_BATCH_INPUT_BYTES });
  if (inputKind(bytes) === 'npy') {
    const t = toFloat64(readNpy(bytes, path), path);
    const shape = t.shape.length >= 2 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
    if (shape.length === 0 || (preprocessing !== undefined && shape.length > preprocessing.sampleShape.length)) {
      throw new LrpError('E_SHAPE', `holds ${showShape(t.shape)}; a batch input is one sample (${preprocessing ? showShape(preprocessing.sampleShape) : 'not a scalar'})`, path);
    }
    return { data: t.data, shape };
  }
  const image = await decodeImage(bytes, path);
  if (preprocessing === undefined) throw new LrpError('E_SHAPE', noImages ?? "the model's input size is unknown: give --input-size HxW", path);
  return preprocessImage(image, preprocessing);
}
