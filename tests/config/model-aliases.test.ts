import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { BUILT_IN_MODEL_ALIASES, parseModelAliases, resolveModelAlias } from '@/lib/config/model-aliases';

describe('resolveModelAlias', () => {
  it('maps Claude Code’s ids with the built-in defaults and leaves other ids alone', () => {
    expect(resolveModelAlias(BUILT_IN_MODEL_ALIASES, 'claude-sonnet-4-20250514')).toBe('claude-3-7-sonnet-20250219');
    expect(resolveModelAlias(BUILT_IN_MODEL_ALIASES, 'claude-opus-4-1-20250805')).toBe('claude-3-7-sonnet-20250219');
    expect(resolveModelAlias(BUILT_IN_MODEL_ALIASES, 'claude-3-5-haiku-20241022')).toBe('gpt-4.1-nano');
    expect(resolveModelAlias(BUILT_IN_MODEL_ALIASES, 'claude-haiku-4-5')).toBe('gpt-4.1-nano');
    expect(resolveModelAlias(BUILT_IN_MODEL_ALIASES, 'gpt-4.1')).toBe('gpt-4.1');
    expect(resolveModelAlias(BUILT_IN_MODEL_ALIASES, 'my-claude-sonnet')).toBe('my-claude-sonnet');
  });

  it('takes the first match, and treats pattern characters other than * literally', () => {
    const aliases = [
      { pattern: 'a.b*', target: 'first' },
      { pattern: 'a*', target: 'second' },
    ];
    expect(resolveModelAlias(aliases, 'a.b-1')).toBe('first');
    expect(resolveModelAlias(aliases, 'axb-1')).toBe('second');
  });
});

describe('MODEL_ALIASES', () => {
  it('puts the user’s entries before the built-in ones', () => {
    const parsed = parseConfig({ MODEL_ALIASES: ' claude-*haiku*=gpt-4.1 , o3=gpt-o3,' });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(resolveModelAlias(parsed.config.modelAliases, 'claude-3-5-haiku-20241022')).toBe('gpt-4.1');
    expect(resolveModelAlias(parsed.config.modelAliases, 'o3')).toBe('gpt-o3');
    expect(resolveModelAlias(parsed.config.modelAliases, 'claude-sonnet-4-5')).toBe('claude-3-7-sonnet-20250219');
  });

  it.each(['claude-*', 'x=', '=y', 'a=b*'])('a bad entry (%s) is a config problem naming the variable', (value) => {
    const parsed = parseConfig({ MODEL_ALIASES: value });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.variable).toBe('MODEL_ALIASES');
      expect(parsed.problem.message).toMatch(/^MODEL_ALIASES: entry 1/);
    }
    expect(parseModelAliases(value).ok).toBe(false);
  });
});
