import { writeNpyChunks } from '../io/npy-stream.js';
import type { OutputDType } from '../io/tensor-files.js';
import type { Tensor } from '../tensor.js';
import { joinTensors } from '../workers/stitch.js';
import type { CliIo } from './context.js';
import { checkOutputPrecision, writeTensorOutput } from './output-precision.js';

/** Where a command's per-chunk results go; {@link ChunkSink.run} resolves with the whole result's shape. */
export interface ChunkSink {
  run(chunks: AsyncIterable<Tensor>): Promise<number[]>;
}

/** One sample per line, its values separated by spaces. */
export function valuesLine(row: Float32Array | Float64Array): string {
  return Array.from(row).join(' ');
}

/**
 * The sink of `n` samples' results: `--out X.npy` is written as the chunks arrive (the header with
 * the sample count first, atomically), `.mat` and `.txt` once all are in, and without `--out` each
 * chunk's samples are printed one per line (`line`) as it arrives. Values beyond float32 are refused
 * (`E_NUMERIC`) before they are written as f32.
 */
export function tensorSink(out: string | undefined, dtype: OutputDType, n: number, io: CliIo, line: (row: Float32Array | Float64Array) => string = valuesLine): ChunkSink {
  return {
    async run(chunks) {
      if (out === undefined) {
        let shape: number[] = [n];
        for await (const t of chunks) {
          shape = [n, ...t.shape.slice(1)];
          const per = t.data.length / t.shape[0]!;
          let text = '';
          for (let s = 0; s < t.shape[0]!; s++) text += `${line(t.data.subarray(s * per, (s + 1) * per))}\n`;
          io.out(text);
        }
        return shape;
      }
      if (!out.toLowerCase().endsWith('.npy')) {
        const parts: Tensor[] = [];
        for await (const t of chunks) parts.push(t);
        const whole = joinTensors(parts);
        await writeTensorOutput(out, whole, dtype);
        return [...whole.shape];
      }
      const it = chunks[Symbol.asyncIterator]();
      const first = await it.next();
      if (first.done) return [n];
      const shape = [n, ...first.value.shape.slice(1)];
      async function* checked(): AsyncGenerator<Tensor> {
        let next: IteratorResult<Tensor> = first;
        while (!next.done) {
          checkOutputPrecision(next.value, out!, dtype);
          yield next.value;
          next = await it.next();
        }
      }
      await writeNpyChunks(out, dtype === 'f64' ? 'float64' : 'float32', shape, checked());
      return shape;
    },
  };
}
