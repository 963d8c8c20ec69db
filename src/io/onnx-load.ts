import { LrpError } from '../errors.js';
import type { Model } from '../model/layers.js';
import { modelFromOnnx } from './onnx/import-graph.js';
import type { OnnxModel } from './onnx/proto-types.js';

/** The `onnx-proto` module's decoder, as far as it is used here. */
interface OnnxProtoModule {
  readonly onnx: { readonly ModelProto: { decode(bytes: Uint8Array): OnnxModel } };
}

let decoder: Promise<OnnxProtoModule> | undefined;

/** Loads `onnx-proto` on first use (a dynamic import, so models of other formats never load it). */
async function onnxProto(): Promise<OnnxProtoModule> {
  decoder ??= import('onnx-proto').then((m: unknown) => {
    const mod = m as Partial<OnnxProtoModule> & { default?: OnnxProtoModule };
    return mod.onnx ? (mod as OnnxProtoModule) : mod.default!;
  });
  try {
    return await decoder;
  } catch (e) {
    decoder = undefined;
    throw new LrpError('E_BACKEND', `cannot load the onnx-proto package to read ONNX models: ${(e as Error).message}`);
  }
}

/** True for bytes that may be an ONNX model by name (`.onnx`) or content (a ModelProto starts with field 1, ir_version). */
export function looksLikeOnnx(bytes: Uint8Array, fileName: string): boolean {
  return /\.onnx$/i.test(fileName) || (bytes[0] === 0x08 && bytes.length > 2 && bytes[1]! > 0 && bytes[1]! < 0x20);
}

/**
 * Reads an ONNX model (`.onnx` bytes) into an lrpjs {@link Model} (see `modelFromOnnx`). Bytes that
 * do not decode as a protobuf ModelProto (truncated, corrupted) are `E_FORMAT` naming `fileName`.
 */
export async function readOnnxModel(bytes: Uint8Array, fileName: string): Promise<Model> {
  const { onnx } = await onnxProto();
  let proto: OnnxModel;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new LrpError('E_FORMAT', `is not a readable ONNX file (protobuf: ${(e as Error).message})`, fileName);
  }
  return modelFromOnnx(proto, fileName);
}
