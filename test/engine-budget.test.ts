/**
 * The budget checks' figures and refusals: limits that are not positive numbers, byte and cost
 * formatting at the unit boundaries, the costliest layer named in a cost refusal, and the limits
 * themselves being inclusive.
 */
import { describe, expect, it } from 'vitest';
import { checkCost, checkMemory, formatBytes, formatCost, resolveLimits } from '../src/engine/budget.js';
import type { LayerPlan, RunPlan } from '../src/engine/run-plan.js';
import { expectLrpError } from './support/expect-error.js';

/** A plan with the given per-layer forward costs (the other figures as needed by the checks). */
function planOf(macs: number[], bytes = 100): RunPlan {
  const layers = macs.map((m, i) => ({ macs: m, where: `layer ${i} (Linear)` }) as unknown as LayerPlan);
  return { layers, shapes: [], batch: 3, bytesPerElement: 8, paramBytes: bytes / 4, runBytes: (3 * bytes) / 4, bytes, forwardMacs: macs.reduce((a, b) => a + b, 0) };
}

describe('limits', () => {
  it.each([
    ['maxMemory', 0, 'bytes', '0'],
    ['maxMemory', -5, 'bytes', '-5'],
    ['maxCost', -1, 'multiply-adds', '-1'],
    ['maxCost', Number.NaN, 'multiply-adds', 'NaN'],
    ['maxCost', '5', 'multiply-adds', '5'],
    ['maxMemory', '1e9', 'bytes', '1e9'],
  ] as const)('%s = %j is E_USAGE naming the limit and its unit', (name, v, unit, shown) => {
    const e = expectLrpError(() => resolveLimits({}, { [name]: v as unknown as number }), 'E_USAGE');
    expect(e.where).toBe(name);
    expect(e.message).toBe(`${name}: ${name} must be a positive number of ${unit} (or Infinity), got ${shown}`);
  });
});

describe('figures in messages', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1024, '1.00 KiB (1024 bytes)'],
    [1536, '1.50 KiB (1536 bytes)'],
    [1.5 * 2 ** 30, '1.50 GiB (1610612736 bytes)'],
    [2 ** 40, '1.00 TiB (1099511627776 bytes)'],
    [2 ** 50, '1.00 PiB (1125899906842624 bytes)'],
    [2 ** 60, '1024.00 PiB (1.153e+18 bytes)'],
  ])('formatBytes(%d) = %s', (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });

  it.each([
    [0, '0'],
    [12.4, '12'],
    [999999.4, '999999'],
    [1e6, '1.00e+6'],
    [3.2e12, '3.20e+12'],
  ])('formatCost(%d) = %s', (n, s) => {
    expect(formatCost(n)).toBe(s);
  });
});

describe('budget checks', () => {
  it('a cost exactly at the limit runs; one multiply-add more is refused, naming the costliest layer', () => {
    const plan = planOf([10, 500, 40, 500]);
    expect(() => checkCost(plan, 2, 'an explanation', 2100)).not.toThrow();
    const e = expectLrpError(() => checkCost(plan, 2, 'an explanation', 2099), 'E_RANGE');
    expect(e.where).toBe('maxCost');
    // on a tie the first of the costliest layers is named
    expect(e.message).toBe(
      'maxCost: an explanation costs about 2100 multiply-adds per sample (the forward pass 1050, most of it in layer 1 (Linear): 500), over the cost limit of 2099: raise maxCost to run it',
    );
    expect(expectLrpError(() => checkCost(planOf([1, 2, 700, 3]), 1, 'the forward pass', 10), 'E_RANGE').message).toMatch(/most of it in layer 2 \(Linear\): 700\)/);
  });

  it('memory exactly at the limit runs; one byte more is refused with every figure', () => {
    const plan = planOf([1], 4096);
    expect(() => checkMemory(plan, 4096)).not.toThrow();
    const e = expectLrpError(() => checkMemory(plan, 4095), 'E_RANGE');
    expect(e.message).toBe(
      'maxMemory: a batch of 3 needs 4.00 KiB (4096 bytes) (parameters 1.00 KiB (1024 bytes), run storage 3.00 KiB (3072 bytes)), over the memory limit of 4.00 KiB (4095 bytes): split the batch or raise maxMemory',
    );
  });
});
