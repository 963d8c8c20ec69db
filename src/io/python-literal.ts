/** A value of the small Python literal language found in `.npy` headers. */
export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

const MAX_DEPTH = 16;

/**
 * Parses a Python literal as written by `repr()` in `.npy` headers: dicts with string keys,
 * tuples and lists, single- or double-quoted strings, integers (with the Python-2 `L` suffix),
 * `True`, `False`, `None`. Integers must be exact in a double. Anything else, trailing text or
 * nesting deeper than 16 levels is reported through `report(message, position)`, which must
 * throw (the reader turns the character position into a byte offset).
 */
export function parsePythonLiteral(text: string, report: (message: string, position: number) => never): PyValue {
  let pos = 0;
  const fail = (message: string): never => report(`header ${message}`, pos);
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };

  const parseString = (): string => {
    const quote = text[pos]!;
    let out = '';
    pos++;
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\') pos++;
      if (pos >= text.length) break;
      out += text[pos++];
    }
    if (pos >= text.length) fail('has an unterminated string');
    pos++;
    return out;
  };

  const parseWord = (): PyValue => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[+-]?[0-9]+[lL]?/.exec(text.slice(pos, pos + 40));
    if (!m) return fail(`has an unexpected character ${JSON.stringify(text[pos])}`);
    const word = m[0];
    if (word === 'True') return (pos += 4), true;
    if (word === 'False') return (pos += 5), false;
    if (word === 'None') return (pos += 4), null;
    if (!/^[+-]?[0-9]/.test(word)) return fail(`has an unknown name ${JSON.stringify(word)}`);
    const value = Number(word.replace(/[lL]$/, ''));
    if (!Number.isSafeInteger(value)) fail(`integer ${word} is too large`);
    pos += word.length;
    return value;
  };

  const parseSequence = (close: string, depth: number): PyValue[] | Map<string, PyValue> => {
    const isDict = close === '}';
    const items: PyValue[] = [];
    const dict = new Map<string, PyValue>();
    pos++;
    for (;;) {
      skipSpace();
      if (text[pos] === close) break;
      const item = parseValue(depth + 1);
      if (isDict) {
        if (typeof item !== 'string') fail('has a dict key that is not a string');
        skipSpace();
        if (text[pos] !== ':') fail("lacks ':' after a dict key");
        pos++;
        dict.set(item as string, parseValue(depth + 1));
      } else items.push(item);
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) fail(`lacks ',' or '${close}'`);
    }
    pos++;
    return isDict ? dict : items;
  };

  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nests too deeply');
    skipSpace();
    const c = text[pos];
    if (c === undefined) return fail('ends too early');
    if (c === "'" || c === '"') return parseString();
    if (c === '{') return parseSequence('}', depth);
    if (c === '(') return parseSequence(')', depth);
    if (c === '[') return parseSequence(']', depth);
    return parseWord();
  };

  const value = parseValue(0);
  skipSpace();
  if (pos < text.length) fail('has trailing text');
  return value;
}
