import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { findPrefixedUpstashVariable } from '@/lib/config/find-prefixed-upstash-variable';

const URL = 'https://eu1-fond-eel-12345.upstash.io';

describe('findPrefixedUpstashVariable', () => {
  it.each([
    [{ STORE_KV_REST_API_URL: URL, STORE_KV_REST_API_TOKEN: 't' }, 'STORE_KV_REST_API_URL'],
    // The prefix a public project's test pins.
    [{ UPSTASH_REDIS_REST_KV_REST_API_URL: URL }, 'UPSTASH_REDIS_REST_KV_REST_API_URL'],
    [{ MY_UPSTASH_REDIS_REST_URL: URL }, 'MY_UPSTASH_REDIS_REST_URL'],
    [{ ZED_KV_REST_API_URL: URL, ALPHA_KV_REST_API_URL: URL }, 'ALPHA_KV_REST_API_URL'],
    [{ STORE_KV_REST_API_URL: '  ' }, undefined],
    [{ STORE_KV_REST_API_TOKEN: 't', KV_URL: 'rediss://x', STORE_KV_REST_API_URL_OLD: URL }, undefined],
    [{ KV_REST_API_URL: URL, UPSTASH_REDIS_REST_URL: URL }, undefined],
  ])('%j → %s', (environment, expected) => {
    expect(findPrefixedUpstashVariable(environment)).toBe(expected);
  });
});

describe('parseConfig: a store connected with a prefix', () => {
  it('names the prefixed variable when the gateway finds no Upstash', () => {
    const result = parseConfig({ VERCEL: '1', STORE_KV_REST_API_URL: URL, STORE_KV_REST_API_TOKEN: 'secret' });
    expect(result.ok && result.config.upstash).toBeUndefined();
    expect(result.ok && result.config.prefixedUpstashVariable).toBe('STORE_KV_REST_API_URL');
  });

  it('names nothing once the unprefixed pair is set', () => {
    const result = parseConfig({ VERCEL: '1', STORE_KV_REST_API_URL: URL, KV_REST_API_URL: URL, KV_REST_API_TOKEN: 'secret' });
    expect(result.ok && result.config.upstash).toEqual({ url: URL, token: 'secret' });
    expect(result.ok && result.config.prefixedUpstashVariable).toBeUndefined();
  });
});
