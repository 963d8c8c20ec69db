import { LrpError } from '../../errors.js';
import type { Padding } from '../../model/layers.js';
import type { NodeContext } from './node-context.js';

/** Kernel, stride, dilation and padding of an ONNX Conv or pooling node on an `[H, W]` input. */
export interface WindowAttributes {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** lrpjs padding: `'valid'` or `[top, bottom, left, right]`. */
  readonly padding: Padding;
}

function pair(v: number[] | undefined, fallback: number, what: string, ctx: NodeContext): [number, number] {
  if (v === undefined) return [fallback, fallback];
  if (v.length !== 2) throw new LrpError('E_FORMAT', `${what} [${v.join(', ')}] must have 2 entries (only 2-D windows are supported)`, ctx.where);
  if (v.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new LrpError('E_FORMAT', `${what} [${v.join(', ')}] must be positive integers`, ctx.where);
  return [v[0]!, v[1]!];
}

/** `auto_pad` SAME_UPPER / SAME_LOWER as explicit `[before, after]` on one axis. */
function samePads(size: number, span: number, stride: number, lower: boolean): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + span - size, 0);
  const small = Math.floor(total / 2);
  return lower ? [total - small, small] : [small, total - small];
}

/**
 * Reads `kernel_shape` (else `kernel`, the weights' `[kh, kw]`), `strides`, `dilations`, `pads`
 * (`[top, left, bottom, right]` in ONNX) and `auto_pad` of node `ctx` on input `[H, W]`. Negative or
 * ill-sized entries are `E_FORMAT` naming the node.
 */
export function windowAttributes(ctx: NodeContext, hw: readonly [number, number], kernel?: readonly [number, number]): WindowAttributes {
  const declared = ctx.ints('kernel_shape');
  const k = declared ? pair(declared, 1, 'kernel_shape', ctx) : kernel;
  if (!k) throw new LrpError('E_FORMAT', 'needs kernel_shape', ctx.where);
  if (kernel && (k[0] !== kernel[0] || k[1] !== kernel[1])) throw new LrpError('E_FORMAT', `kernel_shape [${k.join(', ')}] does not match the weights' [${kernel.join(', ')}]`, ctx.where);
  const stride = pair(ctx.ints('strides'), 1, 'strides', ctx);
  const dilation = pair(ctx.ints('dilations'), 1, 'dilations', ctx);
  const auto = ctx.string('auto_pad', 'NOTSET');
  let pads: number[];
  if (auto === 'VALID') pads = [0, 0, 0, 0];
  else if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const [t, b] = samePads(hw[0], (k[0] - 1) * dilation[0] + 1, stride[0], auto === 'SAME_LOWER');
    const [l, r] = samePads(hw[1], (k[1] - 1) * dilation[1] + 1, stride[1], auto === 'SAME_LOWER');
    pads = [t, b, l, r];
  } else if (auto === 'NOTSET' || auto === '') {
    const p = ctx.ints('pads') ?? [0, 0, 0, 0];
    if (p.length !== 4) throw new LrpError('E_FORMAT', `pads [${p.join(', ')}] must have 4 entries`, ctx.where);
    if (p.some((v) => v < 0)) throw new LrpError('E_FORMAT', `pads [${p.join(', ')}] must not be negative`, ctx.where);
    pads = [p[0]!, p[2]!, p[1]!, p[3]!];
  } else throw new LrpError('E_FORMAT', `auto_pad '${auto}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER`, ctx.where);
  const padding: Padding = pads.every((v) => v === 0) ? 'valid' : [pads[0]!, pads[1]!, pads[2]!, pads[3]!];
  return { kernel: k, stride, dilation, padding };
}
