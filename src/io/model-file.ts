import { LrpError } from '../errors.js';
import type { Model } from '../model/layers.js';
import { readNnModel } from './nn-model.js';
import { looksLikePickle } from './pickle.js';
import { readTextModel } from './text-model.js';

/** Header words a toolbox text model (with the lrpjs extensions) can start with. */
const TEXT_HEADER = /^(?:\uFEFF)?[ \t]*(?:Linear|Convolution|SumPool|MaxPool|AvgPool|Rect|Tanh|Sigmoid|SoftMax|Flatten)(?:[ \t\r\n]|$)/;

/**
 * Parses a model file by content, then by extension: bytes starting with a pickle `PROTO` opcode
 * (0x80) are read by `readNnModel`, text starting with a toolbox layer header by `readTextModel`;
 * otherwise a `.nn` name goes to the pickle reader and a `.txt` name to the text reader (so that
 * their errors name the fault), and a nameless protocol-0 pickle (starting with `(`, `c`, … see
 * `looksLikePickle`) to the pickle reader; JSON (a tfjs model.json, which needs its shards) is refused
 * with a hint, and so is an ONNX model (read by `loadModel`). Anything else is an `E_FORMAT` {@link LrpError} naming `fileName`. Pure: no file
 * system access, runs in browsers.
 */
export function parseModel(bytes: Uint8Array, fileName: string): Model {
  const ext = /\.([^./\\]*)$/.exec(fileName)?.[1]?.toLowerCase();
  if (bytes[0] === 0x80) return readNnModel(bytes, fileName);
  if (ext === 'onnx' || bytes[0] === 0x08) {
    throw new LrpError('E_FORMAT', 'looks like an ONNX model: load it with loadModel (it is decoded asynchronously)', fileName);
  }
  if (TEXT_HEADER.test(new TextDecoder('utf-8').decode(bytes.subarray(0, 64)))) return readTextModel(bytes, fileName);
  if (ext === 'nn') return readNnModel(bytes, fileName);
  if (ext === 'txt') return readTextModel(bytes, fileName);
  if (looksLikePickle(bytes)) return readNnModel(bytes, fileName);
  if (ext === 'json' || /^\s*\{/.test(new TextDecoder('utf-8').decode(bytes.subarray(0, 64)))) {
    throw new LrpError(
      'E_FORMAT',
      'looks like a TensorFlow.js model.json: load it by its path or URL (its weight shards are read beside it), or pass the artifacts {modelTopology, weightSpecs, weightData}',
      fileName,
    );
  }
  throw new LrpError(
    'E_FORMAT',
    'neither a toolbox text model (first line a layer header such as "Linear m n") nor a pickled toolbox model (.nn)',
    fileName,
  );
}
