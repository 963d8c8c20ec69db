import { expect } from 'vitest';
import { LrpError, type LrpErrorCode } from '../../src/errors.js';

/** Runs `f`, expects an {@link LrpError} with `code` (and a message matching `pattern`), returns it. */
export function expectLrpError(f: () => unknown, code: LrpErrorCode = 'E_FORMAT', pattern?: RegExp): LrpError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LrpError);
    const err = e as LrpError;
    expect(err.code).toBe(code);
    if (pattern) expect(err.message).toMatch(pattern);
    return err;
  }
  throw new Error(`expected an LrpError ${code}`);
}
