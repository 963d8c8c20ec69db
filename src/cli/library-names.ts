import { LrpError } from '../errors.js';

/** Library option names, as errors name them (`where` and messages), and the flags that set them. */
const FLAG_OF: Readonly<Record<string, string>> = {
  target: '--target',
  relevanceAt: '--relevance-at',
  'layer rule': '--layer-rule',
  maxMemory: '--max-memory',
  maxCost: '--max-cost',
  backend: '--backend',
};

const NAME_IN_MESSAGE = /\b(relevanceAt|maxMemory|maxCost)\b/g;

/**
 * The library error `e` in the command line's terms: a `where` that is a library option
 * (`relevanceAt`, `maxCost`, `layer rule`, `target`, a formula's aux layer) becomes the flag that
 * sets it, and such names in the message become flags too (`raise --max-cost`). Errors already
 * naming a file or a flag come back as they are.
 */
export function inFlagTerms(e: LrpError): LrpError {
  const message = e.where === undefined ? e.message : e.message.slice(e.where.length + 2);
  let where = e.where === undefined ? undefined : FLAG_OF[e.where];
  if (e.where !== undefined && /^formula \d+$/.test(e.where) && message.startsWith('aux layer')) where = '--aux-layer';
  const renamed = message.replace(NAME_IN_MESSAGE, (name) => FLAG_OF[name]!);
  if (where === undefined && renamed === message) return e;
  return new LrpError(e.code, renamed, where ?? e.where);
}
