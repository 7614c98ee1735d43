import { describe, expect, it } from 'vitest';
import { parseConfig, type GatewayConfig } from '@/lib/config/env';
import { checkAccountHealth, HEARTBEAT_MAX_AGE_MS } from '@/lib/xipu/health/check-account-health';

const NOW = Date.UTC(2026, 11, 2, 12);
const HOUR = 3_600_000;

function config(environment: Record<string, string>): GatewayConfig {
  const parsed = parseConfig(environment);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.config;
}

const manual = config({ JM_TOKEN: 'token', SDP_SESSION: 'session' });
const hosted = config({ JM_TOKEN: 'token', SDP_SESSION: 'session', VERCEL: '1', UPSTASH_REDIS_REST_URL: 'https://u.example', UPSTASH_REDIS_REST_TOKEN: 't' });

describe('checkAccountHealth', () => {
  it('answers the four account checks in the report order', () => {
    expect(checkAccountHealth(manual, {}, {}, NOW).map((check) => check.id)).toEqual(['credentials', 'login', 'heartbeat', 'pool']);
  });

  it('is red after a credential failure, until a heartbeat that began after it proves the token', () => {
    const failure = { error: 'upstream_login_expired', at: NOW - 60_000, endedAt: NOW - 59_000 };
    const [failed] = checkAccountHealth(manual, {}, { credentialFailure: failure }, NOW);
    expect(failed).toMatchObject({ id: 'credentials', level: 'red' });
    expect(failed!.reason).toContain('upstream_login_expired');

    const heartbeat = { at: NOW - 30_000, action: 'updated' as const, sessionId: 7 };
    const [healed] = checkAccountHealth(manual, { heartbeat }, { credentialFailure: failure }, NOW);
    expect(healed).toMatchObject({ id: 'credentials', level: 'green' });
  });

  it('hosted, an old heartbeat is amber unless a chat succeeded within the heartbeat age', () => {
    const heartbeat = { at: NOW - HEARTBEAT_MAX_AGE_MS - HOUR, action: 'updated' as const, sessionId: 7 };
    expect(checkAccountHealth(hosted, { heartbeat }, {}, NOW)[2]).toMatchObject({ id: 'heartbeat', level: 'amber' });
    expect(checkAccountHealth(hosted, { heartbeat }, { lastSuccessEndedAt: NOW - HOUR }, NOW)[2]).toMatchObject({ id: 'heartbeat', level: 'green' });
  });
});
