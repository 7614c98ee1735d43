import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCredentialsServed, readLoginState, readStoredCredentials, saveLoginState } from '@/lib/xipu/credentials/credential-records';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { storeKeys } from '@/lib/store/keys';
import { createUpstashStore } from '@/lib/store/upstash-store';
import type { Store } from '@/lib/store/store';
import { startGatewayCluster, type GatewayCluster } from '../support/gateway-cluster';
import { PER_CHAT_SESSIONS, type GatewayProcess } from '../support/gateway-process';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

/**
 * Truthful under credential faults, as deployed: three `next start` processes (three
 * serverless instances) share one real Redis through the Upstash REST protocol, and log in
 * with real headless Chromium through the simulator's SSO portal. It extends the health
 * fault table (tests/health/health-matches-chats.test.ts) with the faults that need a login
 * and more than one instance: a token revoked after use, a firewall that rejects fresh
 * tokens, logins refused then allowed — and recovery by a heartbeat alone and by a chat
 * alone. Health is always read on another instance than the one that saw the chat.
 *
 * The steps run in order on one account, as a deployment would live through them.
 */
const API_KEY = 'sk-credential-faults-123456';
const CRON_SECRET = 'cron-secret-credential-faults';
/** The health route reuses its public answer this long per instance (lib/handlers/health.ts). */
const HEALTH_CACHE_MS = 10_000;

let cluster: GatewayCluster;
let simulator: SimulatorHandle;
let store: Store;
let gateways: GatewayProcess[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1, tokenLifetimeSeconds: 3_600 });
  const environment = {
    XIPU_API_BASE: simulator.apiBase,
    XIPU_PORTAL_URL: simulator.portalUrl,
    XJTLU_USERNAME: simulator.portalAccount.username,
    XJTLU_PASSWORD: simulator.portalAccount.password,
    API_KEYS: API_KEY,
    CRON_SECRET,
    UPSTREAM_MIN_GAP_MS: '50',
    UPSTREAM_ANSWER_ALLOWANCE_MS: '40',
    RATE_LIMIT_RPM: '1000',
    MAX_CONCURRENT_PER_KEY: '50',
    // An old deployment's variable: still accepted (ignored, with a warning at start).
    RELOGIN_MIN_TOKEN_AGE_MS: '60000',
    // Faults are injected on saveSession, which a pool hit does not make: sessions per chat.
    ...PER_CHAT_SESSIONS,
  };
  cluster = await startGatewayCluster({ count: 3, environment });
  gateways = cluster.gateways;
  store = createUpstashStore({ url: cluster.redis.url, token: cluster.redis.token, retry: false });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await simulator?.close();
});

const gateway = (index: number): GatewayProcess => gateways[index % gateways.length]!;

async function chat(index: number, content = 'SIM-REPLY: ok'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway(index).url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content }] }),
  });
  return { status: response.status, body: await response.json() };
}

async function health(index: number): Promise<{ http: number; status: string }> {
  const response = await fetch(`${gateway(index).url}/api/health`);
  return { http: response.status, status: (await response.json()).status };
}

/** Health as an uptime monitor sees it once this instance's cached answer has expired. */
async function healthWithin(index: number, expected: string, ms = HEALTH_CACHE_MS + 2_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { status } = await health(index);
    if (status === expected || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const logins = () => simulator.state().portal;

/** What the processes logged as warnings or errors: the message of a failed expectation. */
function warnings(): string {
  return gateways
    .flatMap((instance, index) => instance.output().split('\n').filter((line) => /"level":"(warn|error)"/.test(line)).map((line) => `#${index} ${line}`))
    .join('\n')
    .slice(-4_000);
}

/** Sessions open upstream besides the persistent heartbeat session, once the deletes have run. */
async function untilNoSessionsOpen(): Promise<number> {
  const heartbeatSessions = async () => ((await store.get(DEFAULT_KEYS.heartbeatSessionId)) === null ? 0 : 1);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const open = simulator.state().sessionsOpen - (await heartbeatSessions());
    if (open <= 0 || Date.now() > deadline) return open;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('credential faults across three instances (real Chromium, real Redis)', () => {
  it('says at start that RELOGIN_MIN_TOKEN_AGE_MS is ignored', () => {
    for (const instance of gateways) expect(instance.output()).toContain('RELOGIN_MIN_TOKEN_AGE_MS is ignored');
  });

  it('logs in on the first chat', async () => {
    const first = await chat(0);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(logins().loginsSucceeded).toBe(1);
  }, 60_000);

  it('a token revoked after use, young as it is: one shared login, every request succeeds', async () => {
    simulator.injectFaults({ kind: 'expire-tokens' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => chat(index, `SIM-REPLY: after revocation ${index}`)));
    expect(results.map((result) => result.status)).toEqual(Array(10).fill(200));
    expect(results.map((result) => result.body.choices[0].message.content)).toEqual(
      Array.from({ length: 10 }, (_, index) => `after revocation ${index}`),
    );
    expect(logins().loginsSucceeded).toBe(2);
    expect(await untilNoSessionsOpen(), warnings()).toBe(0);
    expect(await health(2)).toEqual({ http: 200, status: 'ok' });
  }, 90_000);

  it('a firewall rejects the token and the fresh login: down at once on another instance, no login storm', async () => {
    // Two 403s: the used token's call (→ one login) and the fresh token's call (→ a failed login, backing off).
    simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status: 403, times: 2 });
    const failed = await chat(0);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('upstream_login_failed');
    expect(failed.body.error.message).toContain('token-rejected');
    expect(logins().loginsSucceeded).toBe(3);
    expect(await readLoginState(accountStore(store))).toMatchObject({ outcome: 'failure', failedStep: 'token-rejected' });
    // Read first on this instance, so its answer is fresh: down, although earlier chats succeeded.
    expect(await health(1)).toEqual({ http: 503, status: 'down' });
  }, 60_000);

  it('recovery by a heartbeat alone: the keep-alive proves the token works, and health says ok', async () => {
    const response = await fetch(`${gateway(2).url}/api/cron/keepalive`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    const report = await response.json();
    expect(report.heartbeat, JSON.stringify(report)).toMatchObject({ status: 'ok' });
    // The heartbeat recorded, for every instance, that the fresh token works after all, and its
    // token-rejected back-off ended.
    expect(await hasCredentialsServed(accountStore(store), (await readStoredCredentials(accountStore(store)))!)).toBe(true);
    expect((await readLoginState(accountStore(store)))?.nextAttemptAt).toBeUndefined();
    // Not degraded by the past login failure and its back-off: the current credentials work.
    expect(await healthWithin(2, 'ok')).toBe('ok');
    expect(logins().loginsSucceeded).toBe(3);
    const after = await chat(2, 'SIM-REPLY: works again');
    expect(after.body.choices[0].message.content).toBe('works again');
  }, 60_000);

  it('logins refused, then allowed: down while they fail, ok after a chat succeeds', async () => {
    simulator.injectFaults({ kind: 'expire-tokens' }, { kind: 'login-refused', times: 1 });
    const refused = await chat(1);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('upstream_login_failed');
    expect(refused.body.error.message).toContain('submit-login');
    expect(await healthWithin(0, 'down')).toBe('down');
    const backedOff = await chat(2);
    expect(backedOff.body.error.code).toBe('upstream_login_failed');
    expect(logins().loginsFailed).toBe(1); // backed off: no second attempt

    // The refusal is over; the admin clears the back-off ("clear back-off" does this).
    const { nextAttemptAt: _cleared, ...state } = (await readLoginState(accountStore(store)))!;
    await saveLoginState(accountStore(store), state);

    const healed = await chat(1, 'SIM-REPLY: healed');
    expect(healed.status, JSON.stringify(healed.body)).toBe(200);
    expect(healed.body.choices[0].message.content).toBe('healed');
    // Sessions whose delete failed while the token was revoked and logins refused are left to
    // the sweep; the new token's first success sweeps them.
    expect(await healthWithin(0, 'ok')).toBe('ok');
    expect(await untilNoSessionsOpen(), warnings()).toBe(0);
  }, 90_000);
});
