// `node --import ./test/support/block-modules.mjs`: refuses the packages named in
// LRPJS_BLOCK_MODULES (comma-separated) whether they are imported (resolve hooks in
// block-modules-hooks.mjs) or required (CommonJS's loader, patched here).
import Module, { register } from 'node:module';

register('./block-modules-hooks.mjs', import.meta.url);

const blocked = (process.env.LRPJS_BLOCK_MODULES ?? '').split(',').filter(Boolean);
/** CommonJS's internal loader (not in @types/node). */
const cjs = /** @type {{ _load: (request: string, ...rest: unknown[]) => unknown }} */ (/** @type {unknown} */ (Module));
const load = cjs._load;
cjs._load = function blockedLoad(request, ...rest) {
  if (blocked.some((b) => request === b || request.startsWith(`${b}/`))) throw new Error(`blocked module ${request} was imported`);
  return load.call(this, request, ...rest);
};
