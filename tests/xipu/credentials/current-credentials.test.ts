import { describe, expect, it } from 'vitest';
import { pickCurrentCredentials } from '@/lib/xipu/credentials/current-credentials';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 22, 8, 0);

/** An unsigned JWT with these claims (only its payload is read). */
function jwt(claims: { iat?: number; exp?: number }): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = { ...(claims.iat !== undefined && { iat: claims.iat / 1000 }), ...(claims.exp !== undefined && { exp: claims.exp / 1000 }) };
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.signature`;
}

const env = (claims: { iat?: number; exp?: number }) => ({ jmToken: claims.iat === undefined && claims.exp === undefined ? 'opaque-env-token' : jwt(claims), sdpSession: 'env-session' });
const stored = (fields: Partial<StoredCredentials>): StoredCredentials => ({ jmToken: 'stored-token', sdpSession: 'stored-session', origin: 'login', ...fields });

describe('pickCurrentCredentials', () => {
  it('is undefined without either pair', () => {
    expect(pickCurrentCredentials(undefined, undefined)).toBeUndefined();
  });

  it('describes the environment pair alone as origin env, with its token times', () => {
    expect(pickCurrentCredentials(env({ iat: T, exp: T + 8 * HOUR }), undefined)).toEqual({
      jmToken: jwt({ iat: T, exp: T + 8 * HOUR }),
      sdpSession: 'env-session',
      origin: 'env',
      obtainedAt: undefined,
      issuedAt: T,
      expiresAt: T + 8 * HOUR,
    });
  });

  it('returns the stored pair itself when there is no environment pair', () => {
    const pair = stored({ issuedAt: T });
    expect(pickCurrentCredentials(undefined, pair)).toBe(pair);
  });

  it.each([
    // environment claims, stored times, winner
    { case: 'stored issued later', environment: { iat: T, exp: T + 8 * HOUR }, pair: { issuedAt: T + HOUR }, winner: 'stored' },
    { case: 'environment issued later', environment: { iat: T + HOUR, exp: T + 9 * HOUR }, pair: { issuedAt: T }, winner: 'env' },
    { case: 'same issue time: the environment', environment: { iat: T, exp: T + 8 * HOUR }, pair: { issuedAt: T }, winner: 'env' },
    { case: 'without iat, exp decides', environment: { exp: T + 8 * HOUR }, pair: { expiresAt: T + 9 * HOUR }, winner: 'stored' },
    { case: 'iat before exp: a stored exp does not beat an env iat', environment: { iat: T + HOUR }, pair: { issuedAt: T, expiresAt: T + 9 * HOUR }, winner: 'env' },
    { case: 'without token times, when obtained (env has none: 0)', environment: {}, pair: { obtainedAt: T }, winner: 'stored' },
    { case: 'a stored pair with no times at all ties with an opaque env token', environment: {}, pair: {}, winner: 'env' },
    { case: 'an env JWT beats a stored pair with no times', environment: { iat: T }, pair: {}, winner: 'env' },
  ])('$case → $winner', ({ environment, pair, winner }) => {
    const storedPair = stored(pair);
    const current = pickCurrentCredentials(env(environment), storedPair);
    if (winner === 'stored') expect(current).toBe(storedPair);
    else expect(current).toMatchObject({ origin: 'env', sdpSession: 'env-session' });
  });
});
