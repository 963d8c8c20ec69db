import type { Block } from './memory.js';

/** A float32 tensor of the wasm backend: a block of linear memory and a shape. */
export class WasmTensor {
  constructor(
    /** Storage (shared by reshapes). */
    readonly block: Block,
    readonly shape: readonly number[],
    /** Number of elements. */
    readonly size: number,
  ) {}
  /** Byte address of the first element now (arena tensors may move when params are added mid-run). */
  get ptr(): number {
    return this.block.ptr;
  }
}
