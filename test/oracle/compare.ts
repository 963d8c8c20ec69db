/**
 * Runs one explanation on a backend through the public API and on the oracle, and measures the
 * error `max|R − R_oracle| / max|R_oracle|` (test/support's relError).
 */
import { expect } from 'vitest';
import type { ForwardPass } from '../../src/explainer.js';
import type { Model } from '../../src/model/layers.js';
import type { Tensor } from '../../src/tensor.js';
import { relError } from '../support/random-model.js';
import { type OracleOptions, oracleExplain } from './explain.js';

/** Bounds per backend: js is float64 (1e-10), wasm float32 (1e-4). */
export const bounds = { js: 1e-10, wasm: 1e-4 } as const;

/** Backends compared with the oracle. */
export const backends = ['js', 'wasm'] as const;

/** Explanation options as the public API takes them (a spec object of `ForwardPass.explain`). */
export type ApiSpec = Parameters<ForwardPass['explain']>[0];

/**
 * Explains `pass` with `spec` and the oracle with `oracle`, expects equal shapes and every value
 * finite, and returns the relative error of the relevance.
 */
export function errorAgainstOracle(pass: ForwardPass, model: Model, x: Tensor, spec: ApiSpec, oracle: OracleOptions, label: string): number {
  const got = pass.explain(spec);
  const want = oracleExplain(model, x.data, x.shape, oracle);
  expect(got.relevance.shape, label).toEqual([x.shape[0], ...want.shape]);
  expect(Array.from(got.relevance.data).every(Number.isFinite), `${label}: finite`).toBe(true);
  expect(relError(got.initial.data, want.initial), `${label}: initial relevance`).toBeLessThan(1e-5);
  return relError(got.relevance.data, want.relevance);
}
