import { LrpError } from '../errors.js';
import { countTokens, isBlankByte, readNumberRow } from './number-scanner.js';

const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const utf8 = new TextDecoder('utf-8');

/** `weight` → `weights`, `bias` → `biases`. */
function plural(what: string): string {
  return what === 'bias' ? 'biases' : `${what}s`;
}

/**
 * A forward cursor over the lines of a text model held as bytes (UTF-8, `\n` or `\r\n` line ends,
 * an optional byte-order mark). Lines are found with `indexOf` on the bytes and numbers read in
 * place ({@link readNumberRow}); only header lines become strings. Errors are `E_FORMAT`
 * {@link LrpError}s whose `where` is `${where}:${line}` (1-based).
 */
export class TextModelLines {
  /** 1-based number of the current line (one past the last line once the end is reached). */
  line = 0;
  /** Byte range of the current line, without its `\n`. */
  private start = 0;
  private end = 0;
  /** Byte offset where the next line starts. */
  private next: number;

  constructor(readonly bytes: Uint8Array, readonly where: string) {
    this.next = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  }

  /** Throws the `E_FORMAT` error for `line`. */
  fail(line: number, message: string): never {
    throw new LrpError('E_FORMAT', message, `${this.where}:${line}`);
  }

  /** Moves to the next line; false (and `line` one past the last) at the end of the file. */
  advance(): boolean {
    this.line++;
    if (this.next >= this.bytes.length) return false;
    this.start = this.next;
    const nl = this.bytes.indexOf(10, this.start);
    this.end = nl < 0 ? this.bytes.length : nl;
    this.next = this.end + 1;
    return true;
  }

  /** Moves to the next line that is not blank (only spaces, tabs, CR); false at the end. */
  advanceToContent(): boolean {
    while (this.advance()) {
      for (let i = this.start; i < this.end; i++) if (!isBlankByte(this.bytes[i]!)) return true;
    }
    return false;
  }

  /** The whitespace-separated words of the current line (header lines only: short). */
  words(): string[] {
    const t = utf8.decode(this.bytes.subarray(this.start, this.end)).trim();
    return t === '' ? [] : t.split(/\s+/);
  }

  /** How many lines there are from the current one to the end of the file, counting at most `limit`. */
  linesFromHere(limit: number): number {
    let n = 1;
    let p = this.next;
    while (p < this.bytes.length && n < limit) {
      n++;
      const nl = this.bytes.indexOf(10, p);
      if (nl < 0) break;
      p = nl + 1;
    }
    return n;
  }

  /**
   * Reads the current line as exactly `count` numbers, or returns the number of tokens it has where
   * that differs. Nothing is allocated unless the line is long enough to hold `count` numbers.
   */
  tryRow(count: number, what: string): Float64Array | number {
    const { bytes, start, end } = this;
    if (count > (end - start + 1) / 2) return countTokens(bytes, start, end);
    const out = new Float64Array(count);
    const row = readNumberRow(bytes, start, end, out);
    if (row.count !== count) return row.count;
    if (row.badIndex >= 0) {
      const tok = utf8.decode(bytes.subarray(row.badStart, row.badEnd));
      if (NON_FINITE.test(tok)) this.fail(this.line, `${what} ${row.badIndex} is ${tok}: NaN/Inf values are not allowed`);
      this.fail(this.line, `${what} ${row.badIndex} is not a number: ${JSON.stringify(tok.slice(0, 40))}`);
    }
    for (let i = 0; i < count; i++) {
      const v = out[i]!;
      if (v - v !== 0) this.fail(this.line, `${what} ${i} (${this.token(i).slice(0, 40)}) overflows float64`);
    }
    return out;
  }

  /** Reads the current line as exactly `count` numbers (an error naming the line otherwise). */
  row(count: number, what: string): Float64Array {
    const r = this.tryRow(count, what);
    if (typeof r === 'number') this.fail(this.line, `expected ${count} ${plural(what)}, got ${r}`);
    return r;
  }

  /** Moves to the next line and reads it as exactly `count` numbers. */
  nextRow(count: number, what: string): Float64Array {
    if (!this.advance()) this.fail(this.line, `expected a line of ${count} ${plural(what)}, found the end of the model`);
    return this.row(count, what);
  }

  /** The text of token `index` of the current line (error messages only). */
  private token(index: number): string {
    let n = -1;
    let i = this.start;
    while (i < this.end) {
      while (i < this.end && isBlankByte(this.bytes[i]!)) i++;
      const t = i;
      while (i < this.end && !isBlankByte(this.bytes[i]!)) i++;
      if (++n === index) return utf8.decode(this.bytes.subarray(t, i));
    }
    return '';
  }
}
