import { describe, expect, it } from 'vitest';
import { authenticateClient } from '@/lib/auth/authenticate-client';
import { timingSafeEqual } from '@/lib/auth/timing-safe-equal';
import { parseConfig, type GatewayConfig } from '@/lib/config/env';
import { isGatewayError } from '@/lib/errors/gateway-error';

function configOf(environment: Record<string, string>): GatewayConfig {
  const result = parseConfig(environment);
  if (!result.ok) throw new Error(result.problem.message);
  return result.config;
}

function failure(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (isGatewayError(error)) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const withKeys = configOf({ API_KEYS: 'alice:sk-alice-12345678,sk-plain-87654321' });

describe('authenticateClient', () => {
  it.each([
    ['Authorization: Bearer', { authorization: 'Bearer sk-alice-12345678' }, 'alice'],
    ['lower-case bearer', { authorization: 'bearer sk-alice-12345678' }, 'alice'],
    ['x-api-key', { 'x-api-key': 'sk-alice-12345678' }, 'alice'],
    ['api-key', { 'api-key': 'sk-plain-87654321' }, 'sk-p…321'],
  ])('accepts the key in %s', (_label, headers, name) => {
    expect(authenticateClient(new Headers(headers), withKeys).name).toBe(name);
  });

  it('gives each key a stable id that is not the key', () => {
    const identity = authenticateClient(new Headers({ authorization: 'Bearer sk-alice-12345678' }), withKeys);
    expect(identity.id).toMatch(/^[0-9a-f]{16}$/);
    expect(identity.id).not.toContain('alice');
  });

  it.each([
    ['no key', {}, 'missing_api_key'],
    ['an empty bearer (Open WebUI without a key)', { authorization: 'Bearer ' }, 'missing_api_key'],
    ['a wrong key', { authorization: 'Bearer sk-alice-12345679' }, 'invalid_api_key'],
    ['a prefix of a key', { authorization: 'Bearer sk-alice' }, 'invalid_api_key'],
  ])('refuses %s with 401', (_label, headers, code) => {
    expect(failure(() => authenticateClient(new Headers(headers), withKeys))).toMatchObject({ status: 401, code });
  });

  it('allows anonymous use locally without API_KEYS', () => {
    expect(authenticateClient(new Headers(), configOf({})).id).toBe('anonymous');
  });

  it('refuses anonymous use when hosted, saying to set API_KEYS', () => {
    const result = failure(() => authenticateClient(new Headers(), configOf({ VERCEL: '1' })));
    expect(result).toMatchObject({ status: 401, code: 'api_keys_not_configured' });
    expect(result.message).toContain('API_KEYS');
  });

  it('allows anonymous use when hosted only with ALLOW_ANONYMOUS=true', () => {
    expect(authenticateClient(new Headers(), configOf({ VERCEL: '1', ALLOW_ANONYMOUS: 'true' })).id).toBe('anonymous');
  });
});

describe('timingSafeEqual', () => {
  it.each([
    ['same', 'secret-value', 'secret-value', true],
    ['different', 'secret-value', 'secret-valuf', false],
    ['different lengths', 'secret', 'secret-value', false],
    ['empty vs non-empty', '', 'x', false],
    ['unicode', '密钥🔑', '密钥🔑', true],
  ])('%s', (_label, given, expected, equal) => {
    expect(timingSafeEqual(given, expected)).toBe(equal);
  });
});
