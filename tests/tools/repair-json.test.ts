import { describe, expect, it } from 'vitest';
import { parseJsonLeniently } from '@/lib/tools/repair-json';

describe('parseJsonLeniently', () => {
  it.each<[name: string, text: string, value: unknown]>([
    ['valid JSON as is', '{"city": "Paris", "n": [1, 2.5, -3e2], "ok": true, "none": null}', { city: 'Paris', n: [1, 2.5, -300], ok: true, none: null }],
    ['surrounding whitespace', '  \n{"a": 1}\n ', { a: 1 }],
    ['an empty body', '', {}],
    ['a whitespace body', ' \n\t ', {}],
    ['a trailing comma in an object', '{"a": 1, "b": 2,}', { a: 1, b: 2 }],
    ['a trailing comma in an array', '{"a": [1, 2, ],}', { a: [1, 2] }],
    ['doubled commas', '{"a": 1,, "b": 2}', { a: 1, b: 2 }],
    ['a raw newline in a string', '{"text": "line one\nline two"}', { text: 'line one\nline two' }],
    ['a raw tab and carriage return in a string', '{"text": "a\tb\r\nc"}', { text: 'a\tb\r\nc' }],
    ['unescaped inner quotes', '{"text": "she said "hello" to me"}', { text: 'she said "hello" to me' }],
    ['an inner quote before a comma in prose', '{"a": "x", "b": "He said "hi", then left"}', { a: 'x', b: 'He said "hi", then left' }],
    ['an inner quote before a colon-less word', '{"code": "print("done")"}', { code: 'print("done")' }],
    ['single-quoted strings and keys', "{'city': 'Paris', 'unit': 'celsius'}", { city: 'Paris', unit: 'celsius' }],
    ['an apostrophe inside a single-quoted string', "{'note': 'it's fine'}", { note: "it's fine" }],
    ['double quotes inside a single-quoted string', `{'html': '<a href="x">'}`, { html: '<a href="x">' }],
    ['unquoted keys', '{city: "Paris", max_days: 3, $ref: "x", "quoted": 1}', { city: 'Paris', max_days: 3, $ref: 'x', quoted: 1 }],
    ['a missing closing brace', '{"a": 1', { a: 1 }],
    ['missing closing brackets and braces', '{"a": {"b": [1, {"c": 2', { a: { b: [1, { c: 2 }] } }],
    ['an invalid escape stands for itself', String.raw`{"path": "C:\Users\dev\x"}`, { path: String.raw`C:\Users\dev\x` }],
    ['valid escapes in a repaired string', String.raw`{'s': "\u00e9\n\"q\"\\",}`, { s: 'é\n"q"\\' }],
    ['all repairs at once', "{path: 'a.py', content: \"def f():\n\treturn \"x\"\n\",}", { path: 'a.py', content: 'def f():\n\treturn "x"\n' }],
    ['a __proto__ key is an own property', '{"__proto__": {"polluted": true},}', JSON.parse('{"__proto__": {"polluted": true}}')],
  ])('%s', (_name, text, value) => {
    const result = parseJsonLeniently(text);
    expect(result).toEqual({ ok: true, value });
  });

  it('keeps a __proto__ key from changing the prototype', () => {
    const result = parseJsonLeniently("{'__proto__': {'polluted': true}}");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(Object.keys(result.value as object)).toEqual(['__proto__']);
  });

  it.each([
    ['a string cut off', '{"content": "half a fi'],
    ['a value missing after the colon', '{"a": '],
    ['a key without a value', '{"a"}'],
    ['prose', 'I would call the tool with Paris'],
    ['text after the value', '{"a": 1} and more'],
    ['an unknown literal', '{"a": yes}'],
    ['nesting deeper than any arguments', `${'['.repeat(600)}1`],
  ])('refuses %s, with JSON.parse\'s message', (_name, text) => {
    const result = parseJsonLeniently(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    let strictMessage = '';
    try {
      JSON.parse(text.trim());
    } catch (error) {
      strictMessage = (error as Error).message;
    }
    expect(result.error).toBe(strictMessage);
    expect(result.error).not.toBe('');
  });

  it('repairs a 20 KB file written with raw newlines, tabs and unescaped quotes', () => {
    const content = Array.from({ length: 400 }, (_, line) => `\tif (x${line} === "a, b") { say("it's ${line}"); }`).join('\n');
    const written = `{"path": "src/app.ts", "content": "${content}"}`;
    expect(() => JSON.parse(written)).toThrow();
    expect(parseJsonLeniently(written)).toEqual({ ok: true, value: { path: 'src/app.ts', content } });
  });

  it('returns values that are not objects as they are (the caller checks the shape)', () => {
    expect(parseJsonLeniently('[1, 2,]')).toEqual({ ok: true, value: [1, 2] });
    expect(parseJsonLeniently("'text'")).toEqual({ ok: true, value: 'text' });
  });
});
