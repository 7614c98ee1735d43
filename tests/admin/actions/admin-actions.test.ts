import { afterEach, describe, expect, it } from 'vitest';
import { decodeActionResult } from '@/lib/admin/view/action-result';
import { readSweepRecord } from '@/lib/xipu/sessions/sweep-record';
import { readReachabilityReport } from '@/lib/admin/context/reachability-report';
import { readLoginProgress } from '@/lib/xipu/credentials/login-progress';
import { createAdminSession } from '@/lib/admin/access/admin-session';
import { readLoginState, readStoredCredentials, saveLoginState } from '@/lib/xipu/credentials/credential-records';
import { readHeartbeatState } from '@/lib/xipu/keepalive/beat-heartbeat';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { storeKeys } from '@/lib/store/keys';
import { listManagedKeys } from '@/lib/keys/list-managed-keys';
import { maskSessionId } from '@/lib/xipu/api/mask-session-id';
import { freePort } from '../../support/gateway-process';
import { ADMIN_PASSWORD, GATEWAY_ORIGIN, resultParam, rewriteJwsPayload, startAdminKit, type AdminKit } from '../admin-test-kit';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

let kit: AdminKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

const ACTIONS = ['heartbeat', 'sweep', 'save-credentials', 'clear-backoff', 'check-reachability', 'create-key', 'update-key', 'revoke-key', 'log-in', 'sign-out'];

/** What the page will show after the redirect. */
async function resultOf(response: Response) {
  expect(response.status).toBe(303);
  return decodeActionResult(resultParam(response), ADMIN_PASSWORD, Date.now());
}

describe('every admin action is refused without a session and cross-site', () => {
  it.each(ACTIONS)('%s: no session → 401, nothing changes', async (action) => {
    kit = await startAdminKit();
    const before = await kit.harness.store.get(DEFAULT_KEYS.heartbeatState);
    const response = await kit.post(action, { fields: { 'jm-token': 'x'.repeat(40), 'sdp-app-session': 'y'.repeat(40), name: 'would-be-key' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await kit.harness.store.get(DEFAULT_KEYS.heartbeatState)).toBe(before);
    expect(await readStoredCredentials(accountStore(kit.harness.store))).toBeUndefined();
    expect(await listManagedKeys(kit.harness.store)).toEqual([]);
    expect(kit.harness.simulator.state().calls.saveSession).toBe(0);
  });

  it.each(ACTIONS.flatMap((action) => [
    [action, 'Origin of another site + Sec-Fetch-Site: cross-site', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    [action, 'Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    [action, 'Origin of another site, no Sec-Fetch-Site', { origin: 'https://evil.example', 'sec-fetch-site': '' }],
    [action, 'neither Origin nor Sec-Fetch-Site', { origin: '', 'sec-fetch-site': '' }],
  ]))('%s: refused cross-site (%s) even with a valid cookie', async (action, _, headers) => {
    kit = await startAdminKit();
    const response = await kit.post(action, {
      cookie: await kit.signIn(),
      headers,
      fields: { 'jm-token': 'x'.repeat(40), 'sdp-app-session': 'y'.repeat(40), name: 'would-be-key' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('cross-site');
    expect(await readStoredCredentials(accountStore(kit.harness.store))).toBeUndefined();
    expect(await listManagedKeys(kit.harness.store)).toEqual([]);
    expect(kit.harness.simulator.state().calls.saveSession).toBe(0);
  });

  it('an expired cookie, a tampered one and one of an old password are all refused', async () => {
    kit = await startAdminKit();
    const expired = await createAdminSession({ password: ADMIN_PASSWORD, now: Date.now() - 13 * 3_600_000, secure: false });
    const old = await createAdminSession({ password: 'the-previous-password', now: Date.now(), secure: false });
    const valid = await createAdminSession({ password: ADMIN_PASSWORD, now: Date.now(), secure: false });
    const tampered = rewriteJwsPayload(valid.value, (claims) => ({ ...claims, exp: Number(claims.exp) + 1 }));
    for (const value of [expired.value, old.value, tampered]) {
      expect((await kit.post('heartbeat', { cookie: `xipu-admin=${value}` })).status).toBe(401);
    }
    expect((await kit.post('heartbeat', { cookie: `xipu-admin=${valid.value}` })).status).toBe(303);
  });

  it('an unknown action is a 404', async () => {
    kit = await startAdminKit();
    const response = await kit.post('drop-database', { cookie: await kit.signIn() });
    expect(response.status).toBe(404);
  });
});

describe('each action, signed in', () => {
  it('heartbeat: one paced saveSession, the heartbeat state recorded, a masked session id in the message', async () => {
    kit = await startAdminKit();
    const result = await resultOf(await kit.post('heartbeat', { cookie: await kit.signIn() }));
    expect(result).toMatchObject({ action: 'heartbeat', outcome: 'ok' });
    const state = await readHeartbeatState(accountStore(kit.harness.store));
    expect(state).toMatchObject({ action: 'created' });
    expect(result!.message).toContain(`session ${maskSessionId(state!.sessionId)} created`);
    expect(kit.harness.simulator.state().calls.saveSession).toBe(1);

    const again = await resultOf(await kit.post('heartbeat', { cookie: await kit.signIn() }));
    expect(again!.message).toContain('updated');
    expect((await readHeartbeatState(accountStore(kit.harness.store)))!.sessionId).toBe(state!.sessionId);
  });

  it('heartbeat with a token XIPU rejects: a failed result naming the expired login', async () => {
    kit = await startAdminKit();
    kit.harness.simulator.injectFaults({ kind: 'expire-tokens' });
    const result = await resultOf(await kit.post('heartbeat', { cookie: await kit.signIn() }));
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result!.message).toMatch(/expired/i);
  });

  it('sweep: deletes the sessions a failed cleanup left behind, and records the sweep', async () => {
    kit = await startAdminKit();
    const cookie = await kit.signIn();
    expect(await resultOf(await kit.post('sweep', { cookie }))).toMatchObject({ outcome: 'info', message: expect.stringContaining('Nothing to sweep') });

    kit.harness.simulator.injectFaults({ endpoint: 'delSession', kind: 'status', status: 502 });
    const chat = await kit.harness.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-REPLY: ok' }] });
    expect(chat.status).toBe(200);
    await chat.text();
    await kit.harness.settle();
    const registry = createSessionRegistry(accountStore(kit.harness.store));
    expect(await registry.listExpired()).toHaveLength(1);
    expect(kit.harness.simulator.state().sessionsOpen).toBe(1);

    const result = await resultOf(await kit.post('sweep', { cookie }));
    expect(result).toMatchObject({ outcome: 'ok', message: 'Swept 1 expired session(s).' });
    expect(kit.harness.simulator.state().sessionsOpen).toBe(0);
    expect(await registry.list()).toEqual([]);
    expect(await readSweepRecord(accountStore(kit.harness.store))).toMatchObject({ deleted: 1, totalDeleted: 1 });
  });

  it('save-credentials: the pasted pair is stored as "manual"; the answer never repeats it', async () => {
    kit = await startAdminKit();
    const pair = kit.harness.simulator.mintCredentials({ lifetimeSeconds: 7_200 });
    const response = await kit.post('save-credentials', {
      cookie: await kit.signIn(),
      fields: { 'jm-token': ` jm-token: ${pair.jmToken} `, 'sdp-app-session': pair.sdpSession },
    });
    const result = await resultOf(response);
    expect(result).toMatchObject({ action: 'save-credentials' });
    expect(result!.message).toContain('Saved the pasted pair');
    expect(response.headers.get('location')).not.toContain(pair.jmToken);
    expect(JSON.stringify(result)).not.toContain(pair.jmToken);
    expect(JSON.stringify(result)).not.toContain(pair.sdpSession);
    const stored = await readStoredCredentials(accountStore(kit.harness.store));
    expect(stored).toMatchObject({ jmToken: pair.jmToken, sdpSession: pair.sdpSession, origin: 'manual' });
    expect(stored!.expiresAt).toBe(pair.expiresAt * 1000);
  });

  it.each([
    ['empty fields', { 'jm-token': '', 'sdp-app-session': '' }, 'is empty'],
    ['a value with line breaks', { 'jm-token': 'abc\ndef-ghijklmnop', 'sdp-app-session': 'session-value-123' }, 'spaces or line breaks'],
  ])('save-credentials refuses %s', async (_, fields, message) => {
    kit = await startAdminKit();
    const result = await resultOf(await kit.post('save-credentials', { cookie: await kit.signIn(), fields }));
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result!.message).toContain(message);
    expect(await readStoredCredentials(accountStore(kit.harness.store))).toBeUndefined();
  });

  it('save-credentials refuses a token whose JWT has expired', async () => {
    kit = await startAdminKit();
    const pair = kit.harness.simulator.mintCredentials({ lifetimeSeconds: -60 });
    const result = await resultOf(await kit.post('save-credentials', { cookie: await kit.signIn(), fields: { 'jm-token': pair.jmToken, 'sdp-app-session': pair.sdpSession } }));
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringContaining('already expired') });
    expect(await readStoredCredentials(accountStore(kit.harness.store))).toBeUndefined();
  });

  it('clear-backoff: rewrites the login state without nextAttemptAt (the failure count stays)', async () => {
    kit = await startAdminKit();
    const cookie = await kit.signIn();
    expect(await resultOf(await kit.post('clear-backoff', { cookie }))).toMatchObject({ outcome: 'info' });
    const failed = { outcome: 'failure' as const, attemptedAt: Date.now() - 1_000, durationMs: 900, failedStep: 'submit-login', message: 'refused', consecutiveFailures: 3, nextAttemptAt: Date.now() + 240_000 };
    await saveLoginState(accountStore(kit.harness.store), failed);
    expect(await resultOf(await kit.post('clear-backoff', { cookie }))).toMatchObject({ outcome: 'ok' });
    const { nextAttemptAt: _, ...rest } = failed;
    expect(await readLoginState(accountStore(kit.harness.store))).toEqual(rest);
  });

  it('check-reachability: one plain GET of each host, no credentials, the report kept for the page', async () => {
    kit = await startAdminKit();
    const seen: Array<{ url: string; headers: Headers; redirect?: RequestRedirect }> = [];
    kit.dependencies.fetch = async (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers), redirect: init?.redirect });
      return fetch(input, init);
    };
    const result = await resultOf(await kit.post('check-reachability', { cookie: await kit.signIn() }));
    expect(result).toMatchObject({ outcome: 'ok', message: expect.stringContaining('Reachable') });
    expect(seen.map((request) => request.url).sort()).toEqual([`${kit.harness.simulator.url}/`, kit.harness.simulator.portalUrl].sort());
    for (const request of seen) {
      expect(request.headers.has('jm-token')).toBe(false);
      expect(request.redirect).toBe('manual');
    }
    const report = await readReachabilityReport(kit.harness.store);
    expect(report!.targets.map((target) => target.reachable)).toEqual([true, true]);
    expect(kit.harness.simulator.state().calls.saveSession).toBe(0);
  });

  it('check-reachability reports a host that does not answer', async () => {
    kit = await startAdminKit({ environment: { XIPU_PORTAL_URL: `http://127.0.0.1:${await freePort()}` } });
    const result = await resultOf(await kit.post('check-reachability', { cookie: await kit.signIn() }));
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringContaining('connection refused') });
  });

  it('sign-out: deletes the cookie', async () => {
    kit = await startAdminKit();
    const response = await kit.post('sign-out', { cookie: await kit.signIn() });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toBe('xipu-admin=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
  });

  it('a result the page did not sign is not shown', async () => {
    kit = await startAdminKit();
    const response = await kit.post('clear-backoff', { cookie: await kit.signIn() });
    const param = resultParam(response)!;
    const forged = rewriteJwsPayload(param, () => ({ action: 'x', outcome: 'ok', message: 'Call this number', at: Date.now() }));
    expect(await decodeActionResult(forged, ADMIN_PASSWORD, Date.now())).toBeUndefined();
    expect(await decodeActionResult(param, 'another-password', Date.now())).toBeUndefined();
    expect(await decodeActionResult(param, ADMIN_PASSWORD, Date.now() + 11 * 60_000)).toBeUndefined();
  });
});

describe('log in now', () => {
  it('starts a login ignoring the back-off, records its steps as they run, then the outcome', async () => {
    kit = await startAdminKit({
      createLogin: (_, onStep) => async () => {
        onStep?.({ step: 'launch-browser', status: 'started', elapsedMs: 0 });
        onStep?.({ step: 'launch-browser', status: 'done', elapsedMs: 120 });
        onStep?.({ step: 'open-portal', status: 'started', elapsedMs: 121 });
        onStep?.({ step: 'open-portal', status: 'done', elapsedMs: 300 });
        return kit!.harness.simulator.mintCredentials();
      },
      harness: { performLogin: () => async () => ({ jmToken: 'unused', sdpSession: 'unused' }) },
    });
    await saveLoginState(accountStore(kit.harness.store), {
      outcome: 'failure', attemptedAt: Date.now() - 1_000, durationMs: 500, failedStep: 'submit-login', message: 'refused', consecutiveFailures: 2, nextAttemptAt: Date.now() + 120_000,
    });
    const cookie = await kit.signIn();
    const result = await resultOf(await kit.post('log-in', { cookie }));
    expect(result).toMatchObject({ action: 'log-in', outcome: 'info', message: expect.stringContaining('Login started') });

    const running = await (await kit.get('status', cookie)).json();
    expect(running.progress).toMatchObject({ status: 'running', steps: [] });
    expect((await kit.harness.store.get(DEFAULT_KEYS.loginLock))).toBeTruthy();

    await kit.harness.settle();
    const finished = await (await kit.get('status', cookie)).json();
    expect(finished.progress.status).toBe('success');
    expect(finished.progress.steps.map((step: { step: string; status: string }) => `${step.step}:${step.status}`)).toEqual([
      'launch-browser:started',
      'launch-browser:done',
      'open-portal:started',
      'open-portal:done',
    ]);
    expect(finished.login).toMatchObject({ outcome: 'success' });
    expect(await readStoredCredentials(accountStore(kit.harness.store))).toMatchObject({ origin: 'login' });
    expect(await kit.harness.store.get(DEFAULT_KEYS.loginLock)).toBeNull();
  });

  it('a failed login: progress says failure with the step, the back-off is recorded; a second press while running says so', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    kit = await startAdminKit({
      createLogin: (_, onStep) => async () => {
        onStep?.({ step: 'submit-login', status: 'started', elapsedMs: 10 });
        await gate;
        onStep?.({ step: 'submit-login', status: 'failed', elapsedMs: 20 });
        throw Object.assign(new Error("Browser login failed at step 'submit-login': the SSO refused the credentials"), { step: 'submit-login' });
      },
      harness: { performLogin: () => async () => ({ jmToken: 'unused', sdpSession: 'unused' }) },
    });
    const cookie = await kit.signIn();
    await resultOf(await kit.post('log-in', { cookie }));
    const settling = kit.harness.settle();
    const second = await resultOf(await kit.post('log-in', { cookie }));
    expect(second!.message).toContain('already running');
    release();
    await settling;
    const progress = await readLoginProgress(accountStore(kit.harness.store), Date.now());
    expect(progress).toMatchObject({ status: 'failure', message: expect.stringContaining('submit-login') });
    expect(await readLoginState(accountStore(kit.harness.store))).toMatchObject({ outcome: 'failure', failedStep: 'submit-login', consecutiveFailures: 1 });
  });

  it('without XJTLU_USERNAME/XJTLU_PASSWORD: says automatic login is off, starts nothing', async () => {
    kit = await startAdminKit();
    const result = await resultOf(await kit.post('log-in', { cookie: await kit.signIn() }));
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringContaining('XJTLU_USERNAME') });
    expect(await kit.harness.store.get(DEFAULT_KEYS.loginProgress)).toBeNull();
  });
});

describe('admin GET routes', () => {
  it('status: 401 JSON without a session; never cached', async () => {
    kit = await startAdminKit();
    const response = await kit.get('status');
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(await response.json()).toEqual({ error: 'not signed in' });
  });

  it('login-screenshot: 401 without a session, 404 with none kept, the JPEG with one', async () => {
    kit = await startAdminKit();
    expect((await kit.get('login-screenshot')).status).toBe(401);
    const cookie = await kit.signIn();
    expect((await kit.get('login-screenshot', cookie)).status).toBe(404);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    await kit.harness.store.set(DEFAULT_KEYS.loginScreenshot, jpeg.toString('base64'));
    expect((await kit.get('login-screenshot')).status).toBe(401);
    const response = await kit.get('login-screenshot', cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(jpeg);
  });
});

describe('open (local, no ADMIN_PASSWORD) and off (hosted, no ADMIN_PASSWORD)', () => {
  it('open: actions run without a session, but the cross-site check still holds', async () => {
    kit = await startAdminKit({ withoutPassword: true });
    expect((await kit.post('clear-backoff')).status).toBe(303);
    expect((await kit.post('clear-backoff', { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await kit.get('status')).status).toBe(200);
  });

  it('off: every action and route says how to turn the page on', async () => {
    kit = await startAdminKit({ withoutPassword: true, environment: { VERCEL: '1', API_KEYS: 'sk-test-12345678' } });
    const response = await kit.post('heartbeat', { cookie: `xipu-admin=${(await createAdminSession({ password: 'x', now: Date.now(), secure: false })).value}` });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Set ADMIN_PASSWORD');
    expect((await kit.get('status')).status).toBe(401);
  });
});

describe('GATEWAY_ORIGIN', () => {
  it('is loopback http (the kit relies on it)', () => {
    expect(new URL(GATEWAY_ORIGIN).protocol).toBe('http:');
  });
});
