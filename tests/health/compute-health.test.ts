import { countStoreCalls } from '../metrics/count-store-calls';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ConfigResult } from '@/lib/config/env';
import { describeCredentials, saveCredentials, saveLoginState, type LoginState } from '@/lib/xipu/credentials/credential-records';
import { computeHealth, HEARTBEAT_MAX_AGE_MS, RECENT_CHAT_WINDOW_MS } from '@/lib/health/compute-health';
import type { HealthCheckId, HealthLevel, HealthStatus } from '@/lib/health/health-report';
import { recordRequest } from '@/lib/metrics/record-request';
import type { RequestRecord } from '@/lib/metrics/request-record';
import { storeKeys } from '@/lib/store/keys';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';
import { endChat, poolPolicy } from '../support/session-pool-records';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);
/** What XIPU answers a saveSession at the account's session cap (its wording varies). */
const POOL_REFUSAL = '会话数量已达上限';

/**
 * Each red and amber cause of computeHealth, one row each: the environment, the recorded
 * state, and the status and check levels it must produce (every check not named is green).
 */
const NOW = Date.UTC(2026, 10, 22, 12, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An unsigned JWT carrying iat/exp, as readTokenTimes reads them (no signature check). */
function fakeJwt(times: { issuedAt: number; expiresAt: number }): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'student', iat: times.issuedAt / 1000, exp: times.expiresAt / 1000 })}.c2lnbmF0dXJl`;
}

const token = (issuedAgoMs: number, expiresInMs: number) => fakeJwt({ issuedAt: NOW - issuedAgoMs, expiresAt: NOW + expiresInMs });
const VALID = { JM_TOKEN: token(HOUR, 5 * HOUR), SDP_SESSION: 'sdp-valid' };
const EXPIRED = { JM_TOKEN: token(6 * HOUR, -HOUR), SDP_SESSION: 'sdp-expired' };
/** 10 min left of a 6 h token: inside the default 30 min refresh margin. */
const EXPIRING = { JM_TOKEN: token(6 * HOUR - 10 * MINUTE, 10 * MINUTE), SDP_SESSION: 'sdp-expiring' };
const LOGIN = { XJTLU_USERNAME: 'student', XJTLU_PASSWORD: 'secret-password' };
const HOSTED = {
  VERCEL: '1',
  UPSTASH_REDIS_REST_URL: 'https://example.upstash.io',
  UPSTASH_REDIS_REST_TOKEN: 'upstash-token',
  API_KEYS: 'alice:sk-alice-123456',
  CRON_SECRET: 'cron-secret-123',
};

const failedLogin = (nextAttemptInMs: number): LoginState => ({
  outcome: 'failure',
  attemptedAt: NOW - 5 * MINUTE,
  durationMs: 20_000,
  failedStep: 'submit-login',
  message: 'the portal said the password is wrong',
  consecutiveFailures: 2,
  nextAttemptAt: NOW + nextAttemptInMs,
});

/** A chat that ended `endedAgoMs` ago. */
const chat = (endedAgoMs: number, outcome: Partial<RequestRecord> = {}): RequestRecord => ({
  at: NOW - endedAgoMs - 2_000,
  requestId: `req_${endedAgoMs}`,
  client: 'alice',
  model: 'gpt-4.1',
  status: 200,
  stream: true,
  finishReason: 'stop',
  ttftMs: 800,
  durationMs: 2_000,
  ...outcome,
});
const failedChat = (endedAgoMs: number, status = 502, error = 'upstream_error') =>
  chat(endedAgoMs, { status, error, finishReason: undefined, ttftMs: undefined });

/** Records chats oldest first, so the list ends newest first. */
async function recordChats(store: Store, ...newestFirst: RequestRecord[]): Promise<void> {
  for (const record of [...newestFirst].reverse()) await recordRequest(store, record);
}

const heartbeatAgo = (store: Store, ms: number) =>
  store.set(DEFAULT_KEYS.heartbeatState, JSON.stringify({ at: NOW - ms, action: 'updated', sessionId: 4242 }));

interface Row {
  name: string;
  environment: Record<string, string>;
  setup?: (store: Store) => Promise<void>;
  status: HealthStatus;
  levels?: Partial<Record<HealthCheckId, HealthLevel>>;
  /** Replace the config (a parse failure). */
  config?: ConfigResult;
  store?: Store;
}

/** Every method rejects: an unreachable Upstash. */
const unreachableStore = new Proxy(createMemoryStore(), {
  get(target, property) {
    if (property === 'backend') return 'upstash';
    const value = Reflect.get(target, property);
    return typeof value === 'function' ? () => Promise.reject(new Error('fetch failed')) : value;
  },
});

const ROWS: Row[] = [
  { name: 'everything fine (local, valid JM_TOKEN, no chats)', environment: VALID, status: 'ok' },
  { name: 'demo mode', environment: {}, status: 'ok' },
  {
    name: 'store unreachable',
    environment: VALID,
    store: unreachableStore,
    status: 'down',
    levels: { store: 'red', credentials: 'amber', login: 'amber', heartbeat: 'amber', pool: 'amber', 'recent-chats': 'amber' },
  },
  {
    name: 'configuration invalid',
    environment: VALID,
    config: parseConfig({ JM_TOKEN: 'only-half' }),
    status: 'down',
    levels: { configuration: 'red', store: 'amber', credentials: 'amber', login: 'amber', heartbeat: 'amber', pool: 'amber', 'recent-chats': 'amber' },
  },
  // Credentials.
  {
    name: 'hosted with no credentials and no login',
    environment: HOSTED,
    setup: (store) => heartbeatAgo(store, HOUR),
    status: 'down',
    levels: { credentials: 'red' },
  },
  { name: 'expired JM_TOKEN and no login', environment: EXPIRED, status: 'down', levels: { credentials: 'red' } },
  { name: 'expired JM_TOKEN, a login can run now', environment: { ...EXPIRED, ...LOGIN }, status: 'degraded', levels: { credentials: 'amber' } },
  {
    name: 'expired JM_TOKEN, logins backed off',
    environment: { ...EXPIRED, ...LOGIN },
    setup: (store) => saveLoginState(accountStore(store), failedLogin(10 * MINUTE)),
    status: 'down',
    levels: { credentials: 'red', login: 'red' },
  },
  {
    name: 'expired JM_TOKEN, the last login failed but its back-off is over',
    environment: { ...EXPIRED, ...LOGIN },
    setup: (store) => saveLoginState(accountStore(store), failedLogin(-MINUTE)),
    status: 'degraded',
    levels: { credentials: 'amber', login: 'amber' },
  },
  { name: 'no credentials yet, a login can run now', environment: LOGIN, status: 'degraded', levels: { credentials: 'amber' } },
  {
    name: 'hosted, login configured but no CRON_SECRET for the login route',
    environment: { ...HOSTED, ...LOGIN, CRON_SECRET: '' },
    setup: (store) => heartbeatAgo(store, HOUR),
    status: 'down',
    levels: { credentials: 'red', configuration: 'amber' },
  },
  { name: 'valid but expiring within the margin, no login', environment: EXPIRING, status: 'degraded', levels: { credentials: 'amber' } },
  { name: 'valid but expiring within the margin, a login renews it', environment: { ...EXPIRING, ...LOGIN }, status: 'ok' },
  {
    name: 'valid but expiring within the margin, logins backed off',
    environment: { ...EXPIRING, ...LOGIN },
    setup: (store) => saveLoginState(accountStore(store), failedLogin(10 * MINUTE)),
    status: 'degraded',
    levels: { credentials: 'amber' },
  },
  {
    // The admin page shows the failure and its back-off; chats are not affected.
    name: 'valid; the last login failed and is backed off',
    environment: { ...VALID, ...LOGIN },
    setup: (store) => saveLoginState(accountStore(store), failedLogin(10 * MINUTE)),
    status: 'ok',
  },
  {
    name: 'valid; the last login failed, back-off over',
    environment: { ...VALID, ...LOGIN },
    setup: (store) => saveLoginState(accountStore(store), failedLogin(-MINUTE)),
    status: 'ok',
  },
  {
    name: 'expired JM_TOKEN but a fresher logged-in pair is stored',
    environment: { ...EXPIRED, ...LOGIN },
    setup: (store) => saveCredentials(accountStore(store), describeCredentials({ jmToken: token(MINUTE, 5 * HOUR), sdpSession: 'sdp-new' }, 'login', NOW - MINUTE)),
    status: 'ok',
  },
  {
    name: 'XIPU rejected the token on the last chat, no login',
    environment: VALID,
    setup: (store) => recordChats(store, failedChat(MINUTE, 503, 'upstream_login_expired')),
    status: 'down',
    levels: { credentials: 'red' },
  },
  {
    // Down at once: the next chat fails the same way until an upstream call succeeds.
    name: 'XIPU rejected the token on the last chat, a login can run',
    environment: { ...VALID, ...LOGIN },
    setup: (store) => recordChats(store, failedChat(MINUTE, 503, 'upstream_login_expired')),
    status: 'down',
    levels: { credentials: 'red' },
  },
  ...(['upstream_login_failed', 'upstream_login_unavailable', 'upstream_credentials_missing'] as const).map(
    (code): Row => ({
      name: `a chat failed with ${code} after an earlier success`,
      environment: { ...VALID, ...LOGIN },
      setup: (store) => recordChats(store, failedChat(MINUTE, 503, code), chat(2 * MINUTE), chat(3 * MINUTE)),
      status: 'down',
      levels: { credentials: 'red' },
    }),
  ),
  {
    name: 'a login failed and backs off, after earlier successes',
    environment: { ...VALID, ...LOGIN },
    setup: async (store) => {
      await recordChats(store, failedChat(MINUTE, 503, 'upstream_login_failed'), chat(2 * MINUTE));
      await saveLoginState(accountStore(store), failedLogin(10 * MINUTE));
    },
    status: 'down',
    levels: { credentials: 'red', login: 'red' },
  },
  {
    name: 'a routine refresh (upstream_login_in_progress) says nothing',
    environment: { ...VALID, ...LOGIN },
    setup: (store) => recordChats(store, failedChat(MINUTE, 503, 'upstream_login_in_progress'), failedChat(2 * MINUTE, 503, 'upstream_login_in_progress')),
    status: 'ok',
  },
  {
    name: 'a credential failure, then a heartbeat succeeded',
    environment: { ...VALID, ...LOGIN },
    setup: async (store) => {
      await recordChats(store, failedChat(2 * MINUTE, 503, 'upstream_login_failed'));
      await saveLoginState(accountStore(store), failedLogin(10 * MINUTE));
      await heartbeatAgo(store, MINUTE);
    },
    status: 'ok',
  },
  {
    name: 'a credential failure, then a chat succeeded',
    environment: { ...VALID, ...LOGIN },
    setup: (store) => recordChats(store, chat(MINUTE), failedChat(2 * MINUTE, 503, 'upstream_login_expired')),
    status: 'ok',
  },
  {
    name: 'a heartbeat older than the credential failure proves nothing',
    environment: { ...VALID, ...LOGIN },
    setup: async (store) => {
      await heartbeatAgo(store, 3 * MINUTE);
      await recordChats(store, failedChat(MINUTE, 503, 'upstream_login_expired'));
    },
    status: 'down',
    levels: { credentials: 'red' },
  },
  {
    name: 'a rejected token replaced by a login since (not used yet)',
    environment: { ...VALID, ...LOGIN },
    setup: async (store) => {
      await recordChats(store, failedChat(5 * MINUTE, 503, 'upstream_login_expired'), chat(10 * MINUTE));
      await saveCredentials(accountStore(store), describeCredentials({ jmToken: token(MINUTE, 5 * HOUR), sdpSession: 'sdp-new' }, 'login', NOW - MINUTE));
    },
    status: 'degraded',
    levels: { credentials: 'amber' },
  },
  {
    // The heartbeat updates an existing session: it still works at the session cap.
    name: 'a heartbeat does not answer failures that are not about credentials',
    environment: VALID,
    setup: async (store) => {
      await recordChats(store, failedChat(2 * MINUTE, 503, 'upstream_session_cap'), failedChat(3 * MINUTE, 503, 'upstream_session_cap'));
      await heartbeatAgo(store, MINUTE);
    },
    status: 'down',
    levels: { 'recent-chats': 'red' },
  },
  {
    name: 'a long answer that began before a credential failure proves nothing',
    environment: { ...VALID, ...LOGIN },
    setup: (store) =>
      recordChats(
        store,
        // Started 10 min ago, ended a moment ago; the failure came in between.
        chat(10_000, { at: NOW - 10 * MINUTE, durationMs: 10 * MINUTE - 10_000 }),
        failedChat(MINUTE, 503, 'upstream_login_failed'),
      ),
    status: 'down',
    levels: { credentials: 'red' },
  },
  // Heartbeat.
  { name: 'hosted, heartbeat 2 h ago', environment: { ...HOSTED, ...VALID }, setup: (store) => heartbeatAgo(store, 2 * HOUR), status: 'ok' },
  { name: 'hosted, no heartbeat yet', environment: { ...HOSTED, ...VALID }, status: 'degraded', levels: { heartbeat: 'amber' } },
  {
    name: 'hosted, heartbeat older than 36 h',
    environment: { ...HOSTED, ...VALID },
    setup: (store) => heartbeatAgo(store, HEARTBEAT_MAX_AGE_MS + MINUTE),
    status: 'degraded',
    levels: { heartbeat: 'amber' },
  },
  {
    name: 'hosted, no heartbeat but a chat succeeded an hour ago',
    environment: { ...HOSTED, ...VALID },
    setup: (store) => recordChats(store, chat(HOUR)),
    status: 'ok',
  },
  { name: 'local, no heartbeat (no cron runs here)', environment: VALID, status: 'ok' },
  // Recent chats.
  { name: 'the only recent chat failed (5xx)', environment: VALID, setup: (store) => recordChats(store, failedChat(MINUTE)), status: 'down', levels: { 'recent-chats': 'red' } },
  {
    name: 'the last three chats failed',
    environment: VALID,
    setup: (store) => recordChats(store, failedChat(MINUTE), failedChat(2 * MINUTE, 504, 'upstream_timeout'), failedChat(3 * MINUTE), chat(4 * MINUTE)),
    status: 'down',
    levels: { 'recent-chats': 'red' },
  },
  {
    name: 'the newest chat failed, an older one succeeded',
    environment: VALID,
    setup: (store) => recordChats(store, failedChat(MINUTE), chat(2 * MINUTE), failedChat(3 * MINUTE)),
    status: 'degraded',
    levels: { 'recent-chats': 'amber' },
  },
  {
    name: 'a success after failures heals',
    environment: VALID,
    setup: (store) => recordChats(store, chat(MINUTE), failedChat(2 * MINUTE), failedChat(3 * MINUTE), failedChat(4 * MINUTE)),
    status: 'ok',
  },
  {
    name: 'failures older than the window',
    environment: VALID,
    setup: (store) => recordChats(store, failedChat(RECENT_CHAT_WINDOW_MS + MINUTE), failedChat(RECENT_CHAT_WINDOW_MS + 2 * MINUTE)),
    status: 'ok',
  },
  {
    name: 'a content-filter answer is a success of the service',
    environment: VALID,
    setup: (store) => recordChats(store, chat(MINUTE, { finishReason: 'content_filter' }), failedChat(2 * MINUTE)),
    status: 'ok',
  },
  {
    name: 'client errors, client limits and disconnects say nothing',
    environment: VALID,
    setup: (store) =>
      recordChats(
        store,
        chat(MINUTE, { status: 400, error: 'invalid_request_error', model: undefined }),
        chat(2 * MINUTE, { status: 429, error: 'rate_limit_exceeded' }),
        chat(3 * MINUTE, { status: 499, error: 'client_closed_request' }),
        chat(4 * MINUTE, { status: 200, error: 'client_closed_request' }),
        chat(5 * MINUTE, { status: 404, error: 'model_not_found' }),
      ),
    status: 'ok',
  },
  {
    name: 'a client error does not hide the failure behind it',
    environment: VALID,
    setup: (store) => recordChats(store, chat(MINUTE, { status: 400, error: 'invalid_request_error' }), failedChat(2 * MINUTE)),
    status: 'down',
    levels: { 'recent-chats': 'red' },
  },
  {
    name: 'XIPU rate limiting after the retries (429 upstream_rate_limited)',
    environment: VALID,
    setup: (store) => recordChats(store, failedChat(MINUTE, 429, 'upstream_rate_limited')),
    status: 'down',
    levels: { 'recent-chats': 'red' },
  },
  {
    name: 'a stream that broke off after its 200',
    environment: VALID,
    setup: (store) => recordChats(store, chat(MINUTE, { status: 200, error: 'upstream_stream_interrupted', finishReason: undefined })),
    status: 'down',
    levels: { 'recent-chats': 'red' },
  },
  // The warm session pool (SESSION_POOL_SIZE=2 by default): a speed-up, never a chat's condition.
  {
    name: 'the pool refills (a chat ended, both refills joined the pool)',
    environment: VALID,
    setup: (store) => endChat(accountStore(store), { sessionId: 101, now: NOW - MINUTE, policy: poolPolicy(), newIds: [201, 202] }),
    status: 'ok',
  },
  {
    name: 'the pool cannot refill (XIPU refused its last refill)',
    environment: VALID,
    setup: (store) => endChat(accountStore(store), { sessionId: 101, now: NOW - MINUTE, policy: poolPolicy(), refused: POOL_REFUSAL }),
    status: 'degraded',
    levels: { pool: 'amber' },
  },
  {
    name: 'a refill that worked after a refused one heals',
    environment: VALID,
    setup: async (store) => {
      await endChat(accountStore(store), { sessionId: 101, now: NOW - 2 * MINUTE, policy: poolPolicy(), refused: POOL_REFUSAL });
      await endChat(accountStore(store), { sessionId: 102, now: NOW - MINUTE, policy: poolPolicy(), newIds: [201, 202] });
    },
    status: 'ok',
  },
  {
    name: 'a refill that got no turn (the account was busy) is no failure',
    environment: VALID,
    setup: (store) => endChat(accountStore(store), { sessionId: 101, now: NOW - MINUTE, policy: poolPolicy() }),
    status: 'ok',
  },
  {
    name: 'the pool is off: a refusal recorded while it was on is not its problem',
    environment: { ...VALID, SESSION_POOL_SIZE: '0' },
    setup: (store) => endChat(accountStore(store), { sessionId: 101, now: NOW - MINUTE, policy: poolPolicy(), refused: POOL_REFUSAL }),
    status: 'ok',
  },
  {
    // Down for the chats; the pool alone only ever degrades.
    name: 'the pool cannot refill and the last chat failed',
    environment: VALID,
    setup: async (store) => {
      await endChat(accountStore(store), { sessionId: 101, now: NOW - MINUTE, policy: poolPolicy(), refused: POOL_REFUSAL });
      await recordChats(store, failedChat(MINUTE, 503, 'upstream_session_cap'));
    },
    status: 'down',
    levels: { pool: 'amber', 'recent-chats': 'red' },
  },
  // Configuration.
  {
    name: 'hosted without Upstash',
    environment: { ...HOSTED, ...VALID, UPSTASH_REDIS_REST_URL: '', UPSTASH_REDIS_REST_TOKEN: '' },
    setup: (store) => heartbeatAgo(store, HOUR),
    status: 'down',
    levels: { configuration: 'red' },
  },
  {
    name: 'hosted without API_KEYS (every chat gets 401)',
    environment: { ...HOSTED, ...VALID, API_KEYS: '' },
    setup: (store) => heartbeatAgo(store, HOUR),
    status: 'down',
    levels: { configuration: 'red' },
  },
  {
    name: 'hosted without API_KEYS but ALLOW_ANONYMOUS',
    environment: { ...HOSTED, ...VALID, API_KEYS: '', ALLOW_ANONYMOUS: 'true' },
    setup: (store) => heartbeatAgo(store, HOUR),
    status: 'ok',
  },
  {
    name: 'hosted without CRON_SECRET',
    environment: { ...HOSTED, ...VALID, CRON_SECRET: '' },
    setup: (store) => heartbeatAgo(store, HOUR),
    status: 'degraded',
    levels: { configuration: 'amber' },
  },
];

const CHECK_IDS: HealthCheckId[] = ['store', 'credentials', 'login', 'heartbeat', 'pool', 'recent-chats', 'configuration'];

describe('computeHealth', () => {
  it.each(ROWS)('$name → $status', async (row) => {
    const store = row.store ?? createMemoryStore({ now: () => NOW });
    await row.setup?.(store);
    const config = row.config ?? parseConfig(row.environment);
    const report = await computeHealth({ config, store, now: NOW });

    expect(report.checkedAt).toBe(NOW);
    expect(report.checks.map((check) => check.id)).toEqual(CHECK_IDS);
    const levels = Object.fromEntries(report.checks.map((check) => [check.id, check.level]));
    expect(levels).toEqual(Object.fromEntries(CHECK_IDS.map((id) => [id, row.levels?.[id] ?? 'green'])));
    expect(report.status).toBe(row.status);
    for (const check of report.checks) expect(check.reason).not.toBe('');
  });

  it('never puts a secret in a reason', async () => {
    const environment = { ...HOSTED, ...EXPIRED, ...LOGIN };
    const store = createMemoryStore({ now: () => NOW });
    await saveLoginState(accountStore(store), failedLogin(10 * MINUTE));
    await recordChats(store, failedChat(MINUTE, 503, 'upstream_login_expired'));
    const report = await computeHealth({ config: parseConfig(environment), store, now: NOW });
    const text = JSON.stringify(report);
    for (const secret of [EXPIRED.JM_TOKEN, EXPIRED.SDP_SESSION, LOGIN.XJTLU_PASSWORD, HOSTED.API_KEYS, HOSTED.CRON_SECRET, HOSTED.UPSTASH_REDIS_REST_TOKEN]) {
      expect(text).not.toContain(secret);
    }
  });

  it('reads the store only (a handful of reads, no writes)', async () => {
    const { store: counting, calls } = countStoreCalls(createMemoryStore({ now: () => NOW }));
    await computeHealth({ config: parseConfig({ ...HOSTED, ...VALID, ...LOGIN }), store: counting, now: NOW });
    // The pool's totals are one hashGetAll, and only while the pool is on (the default).
    expect(calls.sort()).toEqual(['get', 'get', 'get', 'hashGetAll', 'listRange']);
    calls.length = 0;
    await computeHealth({ config: parseConfig(VALID), store: counting, now: NOW });
    expect(calls.sort()).toEqual(['get', 'get', 'hashGetAll', 'listRange']);
    calls.length = 0;
    await computeHealth({ config: parseConfig({ ...VALID, SESSION_POOL_SIZE: '0' }), store: counting, now: NOW });
    expect(calls.sort()).toEqual(['get', 'get', 'listRange']);
  });

  it('names the refusal in the pool check, and says chats still work', async () => {
    const store = createMemoryStore({ now: () => NOW });
    await endChat(accountStore(store), { sessionId: 101, now: NOW - 2 * MINUTE, policy: poolPolicy(), refused: POOL_REFUSAL });
    const report = await computeHealth({ config: parseConfig(VALID), store, now: NOW });
    expect(report.status).toBe('degraded');
    const pool = report.checks.find((check) => check.id === 'pool');
    expect(pool?.level).toBe('amber');
    expect(pool?.reason).toContain(`XIPU refused the warm pool's last refill 2 min ago (${POOL_REFUSAL})`);
    expect(pool?.reason).toContain('chats still work');

    const off = await computeHealth({ config: parseConfig({ ...VALID, SESSION_POOL_SIZE: '0' }), store, now: NOW });
    expect(off.checks.find((check) => check.id === 'pool')).toEqual({ id: 'pool', level: 'green', reason: 'off (SESSION_POOL_SIZE=0): every chat creates its own session' });
  });
});
