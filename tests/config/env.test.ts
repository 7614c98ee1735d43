import { describe, expect, it } from 'vitest';
import { BUILT_IN_XIPU_MODELS, parseConfig } from '@/lib/config/env';

describe('parseConfig', () => {
  it('runs on embedded defaults: demo mode, memory store, the built-in models', () => {
    const result = parseConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.demoMode).toBe(true);
    expect(result.config.hosted).toBe(false);
    expect(result.config.upstash).toBeUndefined();
    expect(result.config.xipu.models).toEqual([...BUILT_IN_XIPU_MODELS]);
    expect(result.config.xipu.apiBase).toBe('https://jmapi.xjtlu.edu.cn/api/chat');
    expect(result.config.pacer.gapMs).toBe(1000);
    // 60 s ÷ (3 paced calls × 1 s) = 20 chats a minute for the whole account.
    expect(result.config.limits.requestsPerMinute).toBe(20);
  });

  it('treats empty strings as unset (the Vercel dashboard can save them)', () => {
    const result = parseConfig({ UPSTREAM_MIN_GAP_MS: '', API_KEYS: ' ', JM_TOKEN: '', SDP_SESSION: '' });
    expect(result.ok && result.config.pacer.gapMs).toBe(1000);
  });

  it.each([
    ['UPSTREAM_MIN_GAP_MS', { UPSTREAM_MIN_GAP_MS: 'fast' }],
    ['UPSTREAM_MIN_GAP_MS', { UPSTREAM_MIN_GAP_MS: '-5' }],
    ['RATE_LIMIT_RPM', { RATE_LIMIT_RPM: '2.5' }],
    ['XIPU_API_BASE', { XIPU_API_BASE: 'not a url' }],
    ['ALLOW_ANONYMOUS', { ALLOW_ANONYMOUS: 'maybe' }],
    ['SDP_SESSION', { JM_TOKEN: 'x.y.z' }],
    ['XJTLU_PASSWORD', { XJTLU_USERNAME: 'student' }],
    ['UPSTASH_REDIS_REST_TOKEN', { UPSTASH_REDIS_REST_URL: 'https://example.upstash.io' }],
    ['API_KEYS', { API_KEYS: 'short' }],
    ['THINK_TAGS', { THINK_TAGS: 'hide' }],
    ['TOOL_CALL_TRIGGER', { TOOL_CALL_TRIGGER: 'two words' }],
    ['TOOL_CALL_TRIGGER', { TOOL_CALL_TRIGGER: 'quote"' }],
    ['TOOL_CALL_TRIGGER', { TOOL_CALL_TRIGGER: 'x'.repeat(33) }],
  ])('names %s when it is wrong', (variable, environment) => {
    const result = parseConfig(environment);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.variable).toBe(variable);
    expect(result.problem.message.startsWith(`${variable}:`)).toBe(true);
  });

  it.each<[string | undefined, string]>([
    [undefined, 'xg7'],
    ['', 'xg7'],
    ['test-trigger_1', 'test-trigger_1'],
    [' padded ', 'padded'],
    ['x'.repeat(32), 'x'.repeat(32)],
  ])('TOOL_CALL_TRIGGER=%j gives the trigger %j', (value, trigger) => {
    const result = parseConfig(value === undefined ? {} : { TOOL_CALL_TRIGGER: value });
    expect(result.ok && result.config.tools.trigger).toBe(trigger);
  });

  it('REQUEST_START_DEADLINE_MS: 120 s by default, bounded well inside the route limit', () => {
    const defaults = parseConfig({});
    expect(defaults.ok && defaults.config.requestStartDeadlineMs).toBe(120_000);
    const tooLong = parseConfig({ REQUEST_START_DEADLINE_MS: '290000' });
    expect(!tooLong.ok && tooLong.problem.variable).toBe('REQUEST_START_DEADLINE_MS');
  });

  it.each(['60000', '500', 'not a number'])('still accepts the retired RELOGIN_MIN_TOKEN_AGE_MS=%s, and says it is ignored', (value) => {
    const result = parseConfig({ RELOGIN_MIN_TOKEN_AGE_MS: value });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.retiredVariables).toEqual([expect.stringContaining('RELOGIN_MIN_TOKEN_AGE_MS is ignored')]);
    const without = parseConfig({});
    expect(without.ok && without.config.retiredVariables).toEqual([]);
  });

  it('never echoes a secret value in its message', () => {
    const result = parseConfig({ API_KEYS: 'tiny', XJTLU_USERNAME: 'student', XJTLU_PASSWORD: 'hunter2-secret' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.message).not.toMatch(/tiny|hunter2/);
  });

  it('reads Upstash from either variable pair, and XIPU_MODELS replaces the list', () => {
    const result = parseConfig({
      KV_REST_API_URL: 'https://kv.example.upstash.io',
      KV_REST_API_TOKEN: 'token',
      XIPU_MODELS: 'gpt-4.1, DeepseekR1联网 ,',
      VERCEL: '1',
      API_KEYS: 'team:sk-team-123456',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.upstash).toEqual({ url: 'https://kv.example.upstash.io', token: 'token' });
    expect(result.config.xipu.models).toEqual(['gpt-4.1', 'DeepseekR1联网']);
    expect(result.config.hosted).toBe(true);
    expect(result.config.demoMode).toBe(false);
    expect(result.config.clientKeys).toEqual([{ name: 'team', key: 'sk-team-123456' }]);
  });
});
