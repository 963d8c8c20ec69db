// Module resolve hooks (registered by block-modules.mjs) that refuse the packages named in
// LRPJS_BLOCK_MODULES (comma-separated): a process started with them proves it never imports those.
const blocked = (process.env.LRPJS_BLOCK_MODULES ?? '').split(',').filter(Boolean);

export async function resolve(specifier, context, next) {
  if (blocked.some((b) => specifier === b || specifier.startsWith(`${b}/`))) throw new Error(`blocked module ${specifier} was imported`);
  return next(specifier, context);
}
