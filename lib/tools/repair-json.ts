/**
 * Reads the JSON a model wrote, which is often almost JSON: docs/tool-calls.md "Parsing". Large
 * file-writing arguments break most (raw newlines, unescaped quotes), and an argument that
 * cannot be read turns a call into text, so the reader repairs what it safely can.
 *
 * `JSON.parse` first; when it fails, a small lenient parser that accepts:
 * - trailing (and doubled) commas;
 * - raw newlines, tabs and other control characters inside strings;
 * - unescaped inner quotes: a quote counts as closing its string only when what follows (after
 *   optional whitespace) is `}`, `]`, `:`, the end of the text, or a `,` that is followed by
 *   something that can come next (a key in an object, a value in an array);
 * - single-quoted strings and keys, and unquoted keys;
 * - objects and arrays left open at the end of the text (not a string: a value cut off
 *   inside is not repaired);
 * - an invalid escape (`\d`, `\U`) as the backslash and the character.
 * An empty text is `{}` (a call without arguments). The error, when both fail, is
 * `JSON.parse`'s message, which names the position in the text as written.
 */
export function parseJsonLeniently(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: {} };
  let strictError: string;
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (error) {
    strictError = error instanceof Error ? error.message : String(error);
  }
  try {
    return { ok: true, value: new LenientParser(trimmed).parseDocument() };
  } catch (error) {
    if (!(error instanceof RepairFailed)) throw error;
    return { ok: false, error: strictError };
  }
}

class RepairFailed extends Error {}

/** Deeper nesting than this is not something a model writes as arguments; it is refused, not recursed into. */
const MAX_DEPTH = 512;

const WHITESPACE = /\s/;
const KEY_CHARACTER = /[A-Za-z0-9_$-]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

type Context = 'object' | 'array' | 'top';

class LenientParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.parseValue('top', 0);
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail();
    return value;
  }

  private fail(): never {
    throw new RepairFailed(`cannot repair at ${this.position}`);
  }

  private atEnd(): boolean {
    return this.position >= this.text.length;
  }

  private skipWhitespace(): void {
    while (!this.atEnd() && WHITESPACE.test(this.text.charAt(this.position))) this.position += 1;
  }

  private parseValue(context: Context, depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail();
    this.skipWhitespace();
    const character = this.text.charAt(this.position);
    if (character === '{') return this.parseObject(depth);
    if (character === '[') return this.parseArray(depth);
    if (character === '"' || character === "'") return this.parseString(context);
    for (const [literal, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(literal, this.position)) {
        this.position += literal.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.position;
    const number = NUMBER.exec(this.text);
    if (number !== null) {
      this.position += number[0].length;
      return Number(number[0]);
    }
    return this.fail();
  }

  private parseObject(depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.parseItems('}', () => {
      const key = this.parseKey();
      this.skipWhitespace();
      if (this.text.charAt(this.position) !== ':') this.fail();
      this.position += 1;
      // defineProperty: a `__proto__` key is an own property, as with JSON.parse, not the prototype.
      Object.defineProperty(object, key, { value: this.parseValue('object', depth + 1), enumerable: true, writable: true, configurable: true });
    });
    return object;
  }

  private parseKey(): string {
    const character = this.text.charAt(this.position);
    if (character === '"' || character === "'") return this.parseString('object');
    const start = this.position;
    while (!this.atEnd() && KEY_CHARACTER.test(this.text.charAt(this.position))) this.position += 1;
    if (this.position === start) this.fail();
    return this.text.slice(start, this.position);
  }

  private parseArray(depth: number): unknown[] {
    const array: unknown[] = [];
    this.parseItems(']', () => {
      array.push(this.parseValue('array', depth + 1));
    });
    return array;
  }

  /**
   * The items of an object or array, from its opening character: extra commas are skipped, and
   * the end of the text closes it (the missing closers).
   */
  private parseItems(closer: '}' | ']', readItem: () => void): void {
    this.position += 1;
    for (;;) {
      this.skipWhitespace();
      if (this.atEnd()) return;
      const character = this.text.charAt(this.position);
      if (character === closer) {
        this.position += 1;
        return;
      }
      if (character === ',') {
        this.position += 1;
        continue;
      }
      readItem();
      this.skipWhitespace();
      const next = this.text.charAt(this.position);
      if (!this.atEnd() && next !== ',' && next !== closer) this.fail();
    }
  }

  private parseString(context: Context): string {
    const quote = this.text.charAt(this.position);
    this.position += 1;
    let value = '';
    let runStart = this.position;
    while (!this.atEnd()) {
      const character = this.text.charAt(this.position);
      if (character === '\\') {
        value += this.text.slice(runStart, this.position) + this.readEscape();
        runStart = this.position;
        continue;
      }
      if (character === quote && this.isClosingQuote(this.position + 1, context)) {
        value += this.text.slice(runStart, this.position);
        this.position += 1;
        return value;
      }
      this.position += 1;
    }
    // A string left open: the text was cut off inside a value, which is not repaired (a file's
    // content cut in half must not be written as if it were whole).
    return this.fail();
  }

  /** Reads the escape at the backslash; an invalid one stands for itself. */
  private readEscape(): string {
    const next = this.text.charAt(this.position + 1);
    if (next === '') {
      this.position += 1;
      return '\\';
    }
    if (next in SIMPLE_ESCAPES) {
      this.position += 2;
      return SIMPLE_ESCAPES[next] ?? next;
    }
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position + 2, this.position + 6))) {
      const code = Number.parseInt(this.text.slice(this.position + 2, this.position + 6), 16);
      this.position += 6;
      return String.fromCharCode(code);
    }
    this.position += 2;
    return `\\${next}`;
  }

  /** Whether a quote whose next character is at `from` ends its string (else it is an inner quote). */
  private isClosingQuote(from: number, context: Context): boolean {
    const after = skipWhitespaceFrom(this.text, from);
    const next = this.text.charAt(after);
    if (next === '' || next === '}' || next === ']' || next === ':') return true;
    if (next !== ',') return false;
    const item = skipWhitespaceFrom(this.text, after + 1);
    const following = this.text.charAt(item);
    if (following === '' || following === '"' || following === "'" || following === '}' || following === ']') return true;
    if (context === 'array') return /[[{\-0-9]/.test(following) || /^(?:true|false|null)\b/.test(this.text.slice(item, item + 6));
    // In an object the next item is a key: letters then a colon.
    return /^[A-Za-z0-9_$-]+\s*:/.test(this.text.slice(item, item + 200));
  }
}

function skipWhitespaceFrom(text: string, from: number): number {
  let position = from;
  while (position < text.length && WHITESPACE.test(text.charAt(position))) position += 1;
  return position;
}
