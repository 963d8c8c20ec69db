/**
 * The LRP Toolbox Caffe demonstrator's config file (`-c CONFIG`), read as `lrp batch` options:
 * a key line, then its value on the next line. Keys are matched by prefix (`epsstab:` is `epsstab`);
 * blank lines and `#` lines are comments. The keys that map onto lrpjs become the option they name;
 * Caffe-only keys and unknown keys are refused (`E_USAGE` naming the key and the line), never
 * silently ignored. Pure.
 */
import { LrpError } from '../errors.js';

/** One option set by a config line: `--formula 2` from `relpropformulatype` on line 4. */
export interface ConfigOption {
  /** The option name without dashes (`formula`). */
  readonly name: string;
  readonly value: string;
  /** `CONFIG:LINE (key)`, for messages. */
  readonly where: string;
}

/** What a value must look like. */
type ValueKind = 'integer' | 'number' | 'text';

/** The demonstrator keys lrpjs maps, and the option each becomes. */
const MAPPED: readonly (readonly [key: string, option: string, kind: ValueKind])[] = [
  ['relpropformulatype', 'formula', 'integer'],
  ['epsstab', 'epsilon', 'number'],
  ['alphabeta_beta', 'beta', 'number'],
  ['auxiliaryvariable_maxlayerindexforflatdistinconv', 'aux-layer', 'integer'],
  ['mean_file', 'mean-file', 'text'],
  ['baseimgsize', 'input-size', 'text'],
  ['firstlayerindex', 'relevance-at', 'integer'],
  ['standalone_outpath', 'out', 'text'],
  ['standalone_rootpath', 'prepath', 'text'],
  // lrpjs keys in the same style, for what the demonstrator fixes in code
  ['channel_means', 'means', 'text'],
  ['pixel_range', 'pixel-range', 'text'],
  ['colormap', 'cmap', 'text'],
  ['topk', 'top-k', 'integer'],
];

/** Demonstrator keys that have no lrpjs meaning, with what to do instead. */
const REFUSED: readonly (readonly [key: string, why: string])[] = [
  ['param_file', 'a Caffe prototxt; give the model with --model'],
  ['model_file', 'a Caffe model; give the model with --model'],
  ['use_mean_file_asbinaryprotoblob', 'Caffe binaryproto means are not read; give mean_file as .npy (or channel_means)'],
  ['synsetfile', 'class names are not used; scores.csv lists class numbers'],
  ['numclasses', 'the class count comes from the model'],
];

/** `lastlayerindex`: only −1 (below the top SoftMax) is what lrpjs does. */
const LAST_LAYER_KEY = 'lastlayerindex';

const KEYS = [...MAPPED.map((m) => m[0]), ...REFUSED.map((r) => r[0]), LAST_LAYER_KEY].sort((a, b) => b.length - a.length);

function checkValue(value: string, kind: ValueKind, where: string): void {
  const n = Number(value);
  if (kind === 'text' || (value !== '' && Number.isFinite(n) && (kind === 'number' || Number.isInteger(n)))) return;
  throw new LrpError('E_USAGE', `needs ${kind === 'integer' ? 'an integer' : 'a number'}, got '${value}'`, where);
}

/**
 * Reads a demonstrator config (its text; `path` names it in messages) into options, in file order.
 * @throws LrpError `E_USAGE` naming `path:line` for unknown or Caffe-only keys, a key without a
 *   value line, a key given twice, or a value of the wrong kind.
 */
export function parseDemonstratorConfig(text: string, path: string): ConfigOption[] {
  const lines = text.split(/\r?\n/);
  const out: ConfigOption[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = `${path}:${i + 1}`;
    const key = KEYS.find((k) => line.startsWith(k));
    if (key === undefined) {
      const word = line.split(/[\s:=]/)[0];
      throw new LrpError('E_USAGE', `unknown key '${word}' (known: ${MAPPED.map((m) => m[0]).join(', ')}, ${LAST_LAYER_KEY})`, at);
    }
    const refused = REFUSED.find((r) => r[0] === key);
    if (refused) throw new LrpError('E_USAGE', `key '${key}' does not apply to lrpjs: ${refused[1]}`, at);
    const before = seen.get(key);
    if (before !== undefined) throw new LrpError('E_USAGE', `key '${key}' given twice (first on line ${before})`, at);
    seen.set(key, i + 1);
    const valueLine = lines[i + 1];
    if (valueLine === undefined || valueLine.trim() === '') throw new LrpError('E_USAGE', `key '${key}' needs its value on the next line`, at);
    const value = valueLine.trim();
    i++;
    const where = `${path}:${i + 1} (${key})`;
    if (key === LAST_LAYER_KEY) {
      checkValue(value, 'integer', where);
      if (Number(value) !== -1) throw new LrpError('E_USAGE', `only -1 (explain below the top SoftMax, as lrpjs does) is supported, got ${value}`, where);
      continue;
    }
    const [, name, kind] = MAPPED.find((m) => m[0] === key)!;
    checkValue(value, kind, where);
    out.push({ name, value, where });
  }
  return out;
}
