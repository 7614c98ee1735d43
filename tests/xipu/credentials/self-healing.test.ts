import { primaryXipuAccount } from '@/lib/gateway/build-gateway-context';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium, loginWithBrowser } from '@/lib/xipu/browser-login/login-with-browser';
import { describeCredentials, readLoginState, readStoredCredentials, saveCredentials } from '@/lib/xipu/credentials/credential-records';
import { runKeepalive } from '@/lib/xipu/keepalive/run-keepalive';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { storeKeys } from '@/lib/store/keys';
import { createMemoryStore } from '@/lib/store/memory-store';
import { startGatewayHarness, type GatewayHarness } from '@/tests/support/gateway-harness';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

/**
 * Credentials that look after themselves, end to end: a real headless Chromium logs in
 * through the simulator's SSO portal whenever the gateway needs fresh credentials.
 */
const user = (content: string) => ({ role: 'user', content });
const realLogin =
  (password?: string) =>
  ({ simulator }: { simulator: SimulatorHandle }) =>
  () =>
    loginWithBrowser({
      portalUrl: simulator.portalUrl,
      username: simulator.portalAccount.username,
      password: password ?? simulator.portalAccount.password,
      launch: () => launchChromium({}),
    });

let gateways: GatewayHarness[] = [];
let simulators: SimulatorHandle[] = [];
afterEach(async () => {
  for (const gateway of gateways) await gateway.close();
  for (const simulator of simulators) await simulator.close();
  gateways = [];
  simulators = [];
});

async function start(options: Parameters<typeof startGatewayHarness>[0]) {
  const gateway = await startGatewayHarness({ withoutCredentials: true, ...options });
  gateways.push(gateway);
  return gateway;
}

/** A chat whose deferred work (cleanup, background refresh) runs afterwards, like after(). */
async function chat(gateway: GatewayHarness, content = 'SIM-REPLY: ok') {
  const response = await gateway.chat({ model: 'gpt-4.1', messages: [user(content)] });
  const body = await response.json();
  await gateway.settle();
  return { status: response.status, body };
}

async function untilExpired(gateway: GatewayHarness) {
  const credentials = await readStoredCredentials(accountStore(gateway.store));
  const wait = (credentials?.expiresAt ?? Date.now()) - Date.now() + 50;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

describe('self-healing credentials (real Chromium against the simulator portal)', () => {
  it('logs in when there are no credentials, and stores them with the JWT expiry', async () => {
    const gateway = await start({ performLogin: realLogin(), simulator: { tokenLifetimeSeconds: 3600 } });
    const { status, body } = await chat(gateway);
    expect(status).toBe(200);
    expect(body.choices[0].message.content).toBe('ok');
    const stored = await readStoredCredentials(accountStore(gateway.store));
    expect(stored).toMatchObject({ origin: 'login' });
    const lifetime = stored!.expiresAt! - stored!.issuedAt!;
    expect(lifetime).toBe(3_600_000);
    expect(gateway.simulator.state().portal.loginsSucceeded).toBe(1);
    expect((await readLoginState(accountStore(gateway.store)))?.outcome).toBe('success');
  }, 60_000);

  it('a wrong password: 503 naming the step, a screenshot kept, back-off recorded, no retry storm', async () => {
    const gateway = await start({ performLogin: realLogin('not-the-password') });
    const first = await chat(gateway);
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe('upstream_login_failed');
    expect(first.body.error.message).toContain('submit-login');
    expect(first.body.error.message).not.toContain('not-the-password');
    const state = await readLoginState(accountStore(gateway.store));
    expect(state).toMatchObject({ outcome: 'failure', failedStep: 'submit-login', consecutiveFailures: 1 });
    expect(state!.nextAttemptAt! - state!.attemptedAt).toBeGreaterThanOrEqual(60_000);
    const screenshot = Buffer.from((await gateway.store.get(DEFAULT_KEYS.loginScreenshot))!, 'base64');
    expect(screenshot.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff])); // a JPEG

    for (let attempt = 0; attempt < 3; attempt += 1) {
      const again = await chat(gateway);
      expect(again.status).toBe(503);
      expect(Number(again.body.error.message.length)).toBeGreaterThan(0);
    }
    expect(gateway.simulator.state().portal.loginsFailed).toBe(1);
    expect(gateway.simulator.state().calls.saveSession).toBe(0);
  }, 60_000);

  it('the token expires between requests: the next request logs in once and succeeds', async () => {
    const gateway = await start({ performLogin: realLogin(), simulator: { tokenLifetimeSeconds: 4 } });
    expect((await chat(gateway)).status).toBe(200);
    await untilExpired(gateway);
    const { status, body } = await chat(gateway, 'SIM-REPLY: after expiry');
    expect(status).toBe(200);
    expect(body.choices[0].message.content).toBe('after expiry');
    expect(gateway.simulator.state().portal.loginsSucceeded).toBe(2);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  }, 60_000);

  it('20 concurrent requests during expiry share exactly one login', async () => {
    const gateway = await start({ performLogin: realLogin(), environment: { MAX_CONCURRENT_PER_KEY: '50' } });
    // The stored login has just expired (a token minted for one second, waited out).
    const expiring = gateway.simulator.mintCredentials({ lifetimeSeconds: 1, account: gateway.simulator.portalAccount.username });
    await saveCredentials(accountStore(gateway.store), describeCredentials(expiring, 'login'));
    await new Promise((resolve) => setTimeout(resolve, expiring.expiresAt * 1000 - Date.now() + 50));

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => gateway.chat({ model: 'gpt-4.1', messages: [user(`SIM-REPLY: answer ${index}`)] })),
    );
    const bodies = await Promise.all(responses.map((response) => response.json()));
    await gateway.settle();
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(bodies.map((body) => body.choices[0].message.content)).toEqual(Array.from({ length: 20 }, (_, index) => `answer ${index}`));
    expect(gateway.simulator.state().portal.loginsSucceeded).toBe(1);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  }, 90_000);

  it('the upstream rejects a token early (403), right after it served a chat: one login, one retry, success', async () => {
    const gateway = await start({ performLogin: realLogin(), simulator: { tokenLifetimeSeconds: 3600 } });
    expect((await chat(gateway)).status).toBe(200);
    // Revoked a moment after its login (the SSO rotated it): an ordinary revocation, whatever its age.
    gateway.simulator.injectFaults({ kind: 'expire-tokens' });
    const { status, body } = await chat(gateway, 'SIM-REPLY: healed');
    expect(status).toBe(200);
    expect(body.choices[0].message.content).toBe('healed');
    expect(gateway.simulator.state().portal.loginsSucceeded).toBe(2);
  }, 60_000);

  it.each([
    // A firewall in front of XIPU answers 403 to everything, whatever the token.
    { blocked: 'saveSession' as const, case: 'a fresh login rejected before it served a call' },
    // A policy refuses completions only: saveSession's success alone does not count as serving.
    { blocked: 'completions' as const, case: 'a policy that refuses completions while saveSession works' },
  ])('$case: one login in all, then a back-off naming the cause', async ({ blocked }) => {
    const gateway = await start({ performLogin: realLogin(), simulator: { tokenLifetimeSeconds: 3600 } });
    expect((await chat(gateway)).status).toBe(200);
    gateway.simulator.injectFaults({ endpoint: blocked, kind: 'status', status: 403, times: 10 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const { status, body } = await chat(gateway);
      expect(status).toBe(503);
      expect(body.error.code).toBe('upstream_login_failed');
      expect(body.error.message).toContain('token-rejected');
    }
    // The used token's rejection earned one login; its fresh token's rejection is judged once.
    expect(gateway.simulator.state().portal.loginsSucceeded).toBe(2);
    expect(await readLoginState(accountStore(gateway.store))).toMatchObject({ outcome: 'failure', failedStep: 'token-rejected', consecutiveFailures: 1 });
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  }, 60_000);

  it('a token shorter-lived than the refresh margin still gets one login per lifetime, not one per request', async () => {
    // 6 s tokens against the default 30 min margin: the margin becomes a third of the lifetime.
    const gateway = await start({ performLogin: realLogin(), simulator: { tokenLifetimeSeconds: 6 } });
    expect((await chat(gateway)).status).toBe(200);
    const firstToken = await readStoredCredentials(accountStore(gateway.store));
    const requestsUntil = firstToken!.expiresAt! - 300;
    let requests = 1;
    while (Date.now() < requestsUntil) {
      expect((await chat(gateway)).status).toBe(200);
      requests += 1;
      await Promise.all(gateway.logins);
    }
    expect(requests).toBeGreaterThan(5);
    // The first login, and one background refresh in the token's last third.
    expect(gateway.simulator.state().portal.loginsSucceeded).toBe(2);
    const refreshed = await readStoredCredentials(accountStore(gateway.store));
    expect(refreshed!.jmToken).not.toBe(firstToken!.jmToken);
  }, 60_000);
});

describe('keep-alive with an idle-expiring sdp-app-session (profile)', () => {
  it('a gateway that heartbeats keeps working across an idle period; one that does not, fails', async () => {
    const simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1, sdpSessionIdleMs: 1_500 });
    simulators.push(simulator);
    // Two instances of one account: one store, so one schedule.
    const store = createMemoryStore();
    const beating = await startGatewayHarness({ existingSimulator: simulator, store });
    const silent = await startGatewayHarness({ existingSimulator: simulator, store });
    gateways.push(beating, silent);
    expect((await chat(beating)).status).toBe(200);
    expect((await chat(silent)).status).toBe(200);

    // 3 s without chats; only the first gateway's keep-alive job runs meanwhile.
    const idleUntil = Date.now() + 3_000;
    while (Date.now() < idleUntil) {
      const report = await runKeepalive({ account: primaryXipuAccount(beating.context) });
      expect(report.heartbeat, JSON.stringify(report.heartbeat)).toMatchObject({ status: 'ok' });
      await new Promise((resolve) => setTimeout(resolve, 600));
    }

    expect((await chat(beating, 'SIM-REPLY: still here')).body.choices[0].message.content).toBe('still here');
    const lapsed = await chat(silent);
    expect(lapsed.status).toBe(503);
    expect(lapsed.body.error.code).toBe('upstream_login_expired');
  }, 60_000);
});
