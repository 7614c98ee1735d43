import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokens } from '@/lib/chat/count-tokens';

describe('countTokens', () => {
  it('counts nothing in the empty string', () => {
    expect(countTokens('')).toBe(0);
  });

  it.each([
    ['English', 'The quick brown fox jumps over the lazy dog.'],
    ['Chinese', '西交利物浦大学位于苏州工业园区。'],
    ['code', 'const answer = await fetch("https://example.com/api");\n'],
  ])('counts %s text as the o200k_base encoding does', (_name, text) => {
    const count = countTokens(text);
    expect(count).toBeGreaterThan(0);
    expect(count).toBe(encode(text).length);
  });

  it('counts text that looks like a special token as ordinary text instead of throwing', () => {
    expect(() => encode('a <|endoftext|> b')).toThrow();
    expect(countTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });
});
