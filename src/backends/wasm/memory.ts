import { LrpError } from '../../errors.js';

/**
 * Linear-memory layout of the wasm backend (all offsets 16-byte aligned):
 *
 * ```
 * 0 ........ heapBase | param region .................. | run arena ............ | slack → grows
 *                     paramBase           paramBase+cap   arenaBase   arenaBase+top   memory end
 * ```
 *
 * - **Param region** `[paramBase, paramBase + cap)`: weights and biases, persistent until freed.
 *   First-fit free list sorted by offset, coalescing neighbours on free, so uploading and disposing
 *   models again and again reuses the same bytes. paramBase never moves, so a param's address is
 *   fixed for its lifetime.
 * - **Run arena** `[arenaBase, arenaBase + top)` directly above the region: bump allocation, reset
 *   (top = 0) at the end of each run scope. Kernel scratch (packed GEMM panels, im2col columns) is
 *   taken from the arena top and released right after the kernel (mark / release).
 * - **Growth.** The arena sits at the end, so an arena allocation only ever grows linear memory
 *   (moving nothing); memory grows with 50 % headroom, and each run begins by ensuring the previous
 *   runs' high-water mark, so a repeated run of one plan never grows memory and a first run grows it
 *   once when the plan reserves its size ({@link WasmMemory.reserve}). When a param does not fit the
 *   region, the region grows by max(need, cap / 4, 64 KiB) and the arena moves up: free when the
 *   arena is empty (the usual case: models are uploaded outside runs), one `copyWithin` of the live
 *   arena bytes otherwise. Arena handles store offsets from arenaBase, so the move is invisible;
 *   kernel calls resolve addresses after all their allocations, and allocations never move params.
 * - **Validity.** Arena blocks carry the scope generation; touching one after its scope ended throws
 *   `E_USAGE` instead of reading another run's bytes. A freed param throws the same way.
 * - **Limit and failure.** Linear memory never grows past {@link WasmMemory.limit} (`maxMemory`):
 *   a growth beyond it is `E_RANGE` naming the bytes needed and the limit. Every allocation grows
 *   memory first and commits its bookkeeping (arena top, high-water mark, param free list) only
 *   after the growth succeeded, so a refused allocation leaves the allocator exactly as it was.
 * - **Giving memory back.** WebAssembly memory cannot shrink; {@link WasmMemory.replaceMemory}
 *   moves the param region into a fresh instance's memory (same layout, same offsets) when no run
 *   is open, and the old memory is dropped.
 */
export class Block {
  /** @internal */
  constructor(
    private readonly mem: WasmMemory,
    /** `true` for a param block, `false` for an arena block. */
    readonly persistent: boolean,
    /** Offset from paramBase (params) or arenaBase (arena). */
    readonly off: number,
    /** Usable bytes. */
    readonly bytes: number,
    /** Arena generation at allocation (arena blocks). */
    readonly gen: number,
  ) {}
  /** @internal set when a param block is freed. */
  freed = false;
  /** Current byte address in linear memory; throws `E_USAGE` if the block is no longer valid. */
  get ptr(): number {
    return this.mem.address(this);
  }
}

interface FreeSpan {
  off: number;
  bytes: number;
}

const ALIGN = 16;
const PAGE = 65536;
/** The most linear memory a wasm32 instance can have: 65536 pages, 4 GiB. */
export const WASM32_MAX_BYTES = 65536 * PAGE;
const MIN_PARAM_GROWTH = 64 * 1024;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Memory statistics, for tests and diagnostics. */
export interface MemoryStats {
  /** Size of linear memory in bytes. */
  readonly memoryBytes: number;
  /** Times linear memory has grown. */
  readonly grows: number;
  /** Bytes of the param region (used + free). */
  readonly paramCapacity: number;
  /** Bytes held by live params. */
  readonly paramUsed: number;
  /** Bytes of the arena in use now. */
  readonly arenaUsed: number;
  /** Largest arena use seen. */
  readonly arenaHighWater: number;
  /** The cap on linear memory ({@link WasmMemory.limit}). */
  readonly limit: number;
  /** Times the memory was replaced by a fresh instance's ({@link WasmMemory.replaceMemory}). */
  readonly replaced: number;
}

/** The allocator of one wasm instance's linear memory (see the layout above). */
export class WasmMemory {
  private readonly paramBase: number;
  private paramCap = 0;
  private paramUsed = 0;
  private free: FreeSpan[] = [];
  private arenaBase: number;
  private top = 0;
  private highWater = 0;
  private gen = 0;
  private grows = 0;
  private replaced = 0;
  /** Linear memory never grows beyond this many bytes (default: the wasm32 maximum, 4 GiB). */
  limit = WASM32_MAX_BYTES;

  constructor(private memory: WebAssembly.Memory, heapBase: number) {
    this.paramBase = align(heapBase);
    this.arenaBase = this.paramBase;
  }

  /** Byte length of linear memory now. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** A float32 view of `count` elements at byte address `ptr` (invalidated by memory growth). */
  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count);
  }

  /** @internal address of a block (see {@link Block.ptr}). */
  address(b: Block): number {
    if (b.persistent) {
      if (b.freed) throw new LrpError('E_USAGE', 'wasm backend: a disposed parameter tensor was used');
      return this.paramBase + b.off;
    }
    if (b.gen !== this.gen) throw new LrpError('E_USAGE', 'wasm backend: a tensor was used after its run scope ended');
    return this.arenaBase + b.off;
  }

  /**
   * Ensures linear memory covers `end` bytes, growing with headroom (at most one grow call) but
   * never past {@link WasmMemory.limit}; beyond it, `E_RANGE` with both figures. Nothing changes on failure.
   */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const maxBytes = Math.min(this.limit, WASM32_MAX_BYTES);
    if (end > maxBytes) {
      throw new LrpError(
        'E_RANGE',
        `wasm backend: needs ${end} bytes of linear memory, over the limit of ${maxBytes} bytes` +
          (maxBytes === WASM32_MAX_BYTES ? ' (the 4 GiB of wasm32)' : ' (maxMemory)'),
        'maxMemory',
      );
    }
    const want = Math.min(Math.max(end, have + (have >>> 1)), maxBytes);
    try {
      this.memory.grow(Math.ceil((want - have) / PAGE));
    } catch {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new LrpError('E_BACKEND', `wasm backend: cannot grow linear memory to ${end} bytes`);
      }
    }
    this.grows++;
  }

  // ---- run arena ------------------------------------------------------------------------------

  /** Allocates `bytes` in the run arena (valid until {@link WasmMemory.reset}). */
  alloc(bytes: number): Block {
    const off = this.top;
    const top = off + align(bytes);
    this.ensure(this.arenaBase + top);
    this.top = top;
    if (top > this.highWater) this.highWater = top;
    return new Block(this, false, off, bytes, this.gen);
  }

  /** Current arena top, for {@link WasmMemory.release} of kernel scratch. */
  mark(): number {
    return this.top;
  }

  /** Frees every arena block allocated after `mark` (they must not be used again). */
  release(mark: number): void {
    this.top = mark;
  }

  /** Ensures the arena can hold `bytes` without growing memory later (`E_RANGE` over the limit, nothing changed). */
  reserve(bytes: number): void {
    const want = Math.max(this.highWater, align(bytes));
    this.ensure(this.arenaBase + want);
    this.highWater = want;
  }

  /**
   * Start of a run: makes room for the largest run seen so far (so the run does not grow memory),
   * as far as the limit allows (the high-water mark is a hint, never a reason to fail).
   */
  beginRun(): void {
    this.ensure(Math.min(this.arenaBase + this.highWater, Math.max(this.limit, this.memory.buffer.byteLength)));
  }

  /** Frees the whole arena; its blocks become invalid. */
  reset(): void {
    this.top = 0;
    this.gen++;
  }

  // ---- param region ---------------------------------------------------------------------------

  /** Allocates `bytes` in the param region (valid until {@link WasmMemory.freeParam}). */
  allocParam(bytes: number): Block {
    const size = Math.max(align(bytes), ALIGN);
    let i = this.free.findIndex((s) => s.bytes >= size);
    if (i < 0) {
      this.growParams(size);
      i = this.free.findIndex((s) => s.bytes >= size);
    }
    const span = this.free[i]!;
    const off = span.off;
    if (span.bytes === size) this.free.splice(i, 1);
    else {
      span.off += size;
      span.bytes -= size;
    }
    this.paramUsed += size;
    return new Block(this, true, off, size, 0);
  }

  /** Returns a param block to the free list (idempotent). */
  freeParam(b: Block): void {
    if (!b.persistent || b.freed) return;
    b.freed = true;
    this.paramUsed -= b.bytes;
    const f = this.free;
    let i = 0;
    while (i < f.length && f[i]!.off < b.off) i++;
    f.splice(i, 0, { off: b.off, bytes: b.bytes });
    // coalesce with the next, then the previous span
    const next = f[i + 1];
    if (next && f[i]!.off + f[i]!.bytes === next.off) {
      f[i]!.bytes += next.bytes;
      f.splice(i + 1, 1);
    }
    const prev = f[i - 1];
    if (prev && prev.off + prev.bytes === f[i]!.off) {
      prev.bytes += f[i]!.bytes;
      f.splice(i, 1);
    }
  }

  /** Grows the param region so a span of `size` bytes is free, moving the arena up. */
  private growParams(size: number): void {
    const last = this.free[this.free.length - 1];
    const trailing = last && last.off + last.bytes === this.paramCap ? last.bytes : 0;
    const by = align(Math.max(size - trailing, this.paramCap >>> 2, MIN_PARAM_GROWTH));
    const from = this.arenaBase;
    const to = from + by;
    this.ensure(Math.max(to + this.top, Math.min(to + this.highWater, this.limit)));
    if (this.top > 0) new Uint8Array(this.memory.buffer).copyWithin(to, from, from + this.top);
    this.arenaBase = to;
    if (trailing) last!.bytes += by;
    else this.free.push({ off: this.paramCap, bytes: by });
    this.paramCap += by;
  }

  /**
   * Moves everything live (the param region; the arena must be empty) into `memory`, a fresh
   * instance's linear memory with the same static data, and drops the old memory. Param blocks keep
   * their offsets; arena blocks of earlier runs become invalid. Forgets the high-water mark, so the
   * next run sizes the arena anew. On failure (`E_RANGE`, `E_USAGE`) nothing changes.
   */
  replaceMemory(memory: WebAssembly.Memory): void {
    if (this.top !== 0) throw new LrpError('E_USAGE', 'wasm backend: memory cannot be replaced while a run holds arena tensors');
    const end = this.arenaBase;
    const have = memory.buffer.byteLength;
    if (end > have) {
      try {
        memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new LrpError('E_RANGE', `wasm backend: cannot grow a fresh instance's memory to ${end} bytes`, 'maxMemory');
      }
    }
    new Uint8Array(memory.buffer).set(new Uint8Array(this.memory.buffer, this.paramBase, end - this.paramBase), this.paramBase);
    this.memory = memory;
    this.highWater = 0;
    this.gen++;
    this.replaced++;
  }

  /** Current statistics. */
  stats(): MemoryStats {
    return {
      memoryBytes: this.memory.buffer.byteLength,
      grows: this.grows,
      paramCapacity: this.paramCap,
      paramUsed: this.paramUsed,
      arenaUsed: this.top,
      arenaHighWater: this.highWater,
      limit: this.limit,
      replaced: this.replaced,
    };
  }
}
