/**
 * Stable error codes of lrpjs. Every failure caused by bad input or bad usage surfaces as an
 * {@link LrpError} carrying one of these codes, never as a raw `TypeError`, a wasm trap or a hang.
 *
 * - `E_FORMAT`: a file or byte stream is malformed (truncated, corrupted, unsupported variant).
 * - `E_SHAPE`: tensor shapes do not fit a layer or each other.
 * - `E_RULE`: an unknown rule, method, composite or formula code, or a bad rule parameter.
 * - `E_INPUT`: input values are unusable (NaN, Inf, wrong dtype, out-of-range target).
 * - `E_RANGE`: an index (layer, class) is out of range, or a request exceeds the memory or cost
 *   budget (`maxMemory`, `maxCost`; the message gives the estimate and the limit).
 * - `E_USAGE`: bad command-line or API usage (missing option, bad flag value).
 * - `E_IO`: the file system refused (missing file, permission).
 * - `E_BACKEND`: a backend cannot run here or failed to initialise.
 * - `E_WORKER`: a worker thread died or could not start.
 * - `E_ABORTED`: a request was cancelled by its `AbortSignal`.
 * - `E_NUMERIC`: a computation produced NaN or ±Infinity (the message names the layer where it
 *   first appeared, the pass and the rule), or values overflow the requested output precision.
 */
export type LrpErrorCode =
  | 'E_FORMAT'
  | 'E_SHAPE'
  | 'E_RULE'
  | 'E_INPUT'
  | 'E_RANGE'
  | 'E_USAGE'
  | 'E_IO'
  | 'E_BACKEND'
  | 'E_WORKER'
  | 'E_ABORTED'
  | 'E_NUMERIC';

/** The one error class of lrpjs: a stable {@link LrpErrorCode} and a message naming the place at fault. */
export class LrpError extends Error {
  /** Stable machine-readable code. */
  readonly code: LrpErrorCode;
  /** Where the fault is: a file name with line or byte offset, a layer, an option. */
  readonly where: string | undefined;

  constructor(code: LrpErrorCode, message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'LrpError';
    this.code = code;
    this.where = where;
  }
}

/** Throws an {@link LrpError} with `code` unless `condition` holds. */
export function check(condition: unknown, code: LrpErrorCode, message: string, where?: string): asserts condition {
  if (!condition) throw new LrpError(code, message, where);
}
