import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCredentialManager, type LoginTrigger, type LoginTriggerResult } from '@/lib/xipu/credentials/credential-manager';
import {
  credentialFingerprint,
  describeCredentials,
  hasCredentialsServed,
  readLoginState,
  saveCredentials,
  saveLoginState,
} from '@/lib/xipu/credentials/credential-records';
import { storeKeys } from '@/lib/store/keys';
import { countStoreCalls } from '@/tests/metrics/count-store-calls';
import { createMemoryStore } from '@/lib/store/memory-store';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

const MINUTE = 60_000;
const start = Date.UTC(2026, 10, 22, 8, 0);
const secret = new TextEncoder().encode('test-secret-for-jwts-only-32bytes!');

async function token(issuedAt: number, lifetimeMs: number, subject = 'student'): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt(Math.floor(issuedAt / 1000))
    .setExpirationTime(Math.floor((issuedAt + lifetimeMs) / 1000))
    .sign(secret);
}

function setup(options: { login?: boolean; waitMs?: number; marginMs?: number; trigger?: (count: number) => Promise<LoginTriggerResult> } = {}) {
  let time = start;
  const now = () => time;
  const store = createMemoryStore({ now });
  let triggers = 0;
  const deferred: Array<() => Promise<void>> = [];
  const trigger: LoginTrigger = async () => {
    triggers += 1;
    return options.trigger ? options.trigger(triggers) : { status: 'started' };
  };
  const manager = (fromEnvironment?: { jmToken: string; sdpSession: string }) =>
    createCredentialManager({
      account: accountStore(store),
      fromEnvironment,
      now,
      cacheMs: 0,
      sleep: async (ms) => {
        time += ms;
        await new Promise((resolve) => setImmediate(resolve));
      },
      login:
        options.login === false
          ? undefined
          : { trigger, refreshMarginMs: options.marginMs ?? 30 * MINUTE, waitMs: options.waitMs ?? 25_000, pollMs: 500 },
    });
  const context = { defer: (task: () => Promise<void>) => void deferred.push(task), origin: 'http://gateway.test' };
  return {
    store,
    manager,
    context,
    deferred,
    triggers: () => triggers,
    advance: (ms: number) => void (time += ms),
    now,
  };
}

describe('credential manager', () => {
  it('returns valid credentials without asking for a login', async () => {
    const harness = setup();
    await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: await token(start, 8 * 60 * MINUTE), sdpSession: 's1' }, 'login'));
    const credentials = await harness.manager().current(harness.context);
    expect(credentials.sdpSession).toBe('s1');
    expect(harness.triggers()).toBe(0);
    expect(harness.deferred).toHaveLength(0);
  });

  it('near expiry: goes on with the current pair and asks once for a background refresh', async () => {
    const harness = setup();
    await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: await token(start, 8 * 60 * MINUTE), sdpSession: 's1' }, 'login'));
    harness.advance(8 * 60 * MINUTE - 20 * MINUTE); // 20 minutes left, margin 30
    const manager = harness.manager();
    expect((await manager.current(harness.context)).sdpSession).toBe('s1');
    expect((await manager.current(harness.context)).sdpSession).toBe('s1');
    expect(harness.triggers()).toBe(0); // nothing before the response
    for (const task of harness.deferred.splice(0)) await task();
    expect(harness.triggers()).toBe(1); // two requests, one refresh request
  });

  it('a token shorter-lived than the margin is refreshed in its last third, not on every request', async () => {
    const harness = setup();
    await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: await token(start, 6 * MINUTE), sdpSession: 's1' }, 'login'));
    const manager = harness.manager();
    harness.advance(3 * MINUTE); // 3 of 6 minutes left: more than a third
    await manager.current(harness.context);
    expect(harness.deferred).toHaveLength(0);
    harness.advance(90_000); // 1.5 minutes left: within the last third
    await manager.current(harness.context);
    expect(harness.deferred).toHaveLength(1);
  });

  it('expired: 20 concurrent requests share one login and all get its credentials', async () => {
    const fresh = await token(start, 60 * MINUTE);
    const harness = setup({
      trigger: async () => {
        // The login's result lands in the store (the route runs it; waiters poll for it).
        await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: fresh, sdpSession: 'fresh' }, 'login'));
        return { status: 'started' };
      },
    });
    await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: await token(start - 2 * 60 * MINUTE, 60 * MINUTE), sdpSession: 'old' }, 'login'));
    const manager = harness.manager();
    const results = await Promise.all(Array.from({ length: 20 }, () => manager.current(harness.context)));
    expect(results.map((credentials) => credentials.sdpSession)).toEqual(Array(20).fill('fresh'));
    expect(harness.triggers()).toBe(1);
  });

  it('a failed login answers 503 naming the failed step', async () => {
    const harness = setup({
      trigger: async () => {
        await saveLoginState(accountStore(harness.store), {
          outcome: 'failure',
          attemptedAt: harness.now(),
          durationMs: 1_200,
          failedStep: 'submit-login',
          message: 'Invalid username or password.',
          consecutiveFailures: 1,
          nextAttemptAt: harness.now() + MINUTE,
        });
        return { status: 'started' };
      },
    });
    await expect(harness.manager().current(harness.context)).rejects.toMatchObject({
      status: 503,
      code: 'upstream_login_failed',
      message: expect.stringContaining('submit-login'),
      retryAfterSeconds: 60,
    });
  });

  it('backed off: 503 at once with Retry-After until the next attempt', async () => {
    const harness = setup({ trigger: async () => ({ status: 'backed-off', nextAttemptAt: start + 4 * MINUTE, message: 'Invalid username or password.' }) });
    await expect(harness.manager().current(harness.context)).rejects.toMatchObject({
      status: 503,
      code: 'upstream_login_failed',
      retryAfterSeconds: 240,
    });
  });

  it('no credentials within the wait: 503 saying a login is under way', async () => {
    const harness = setup({ waitMs: 5_000, trigger: async () => ({ status: 'in-progress' }) });
    await expect(harness.manager().current(harness.context)).rejects.toMatchObject({
      status: 503,
      code: 'upstream_login_in_progress',
      retryAfterSeconds: 30,
    });
    expect(harness.now() - start).toBe(5_000);
  });

  it('a rejected token is replaced by a fresher stored one without a new login', async () => {
    const harness = setup();
    const rejected = describeCredentials({ jmToken: await token(start - MINUTE, 60 * MINUTE), sdpSession: 'rejected' }, 'login');
    await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: await token(start, 60 * MINUTE), sdpSession: 'newer' }, 'login'));
    expect((await harness.manager().replaceRejected(rejected, harness.context)).sdpSession).toBe('newer');
    expect(harness.triggers()).toBe(0);
  });

  it('a logged-in token that served a call and is then rejected gets one new login, whatever its age', async () => {
    const fresh = await token(start + 1_000, 60 * MINUTE);
    const harness = setup({
      trigger: async () => {
        await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: fresh, sdpSession: 'fresh' }, 'login', harness.now()));
        return { status: 'started' };
      },
    });
    // Logged in a second ago: young, but it served a call (on another instance: one shared store).
    const used = describeCredentials({ jmToken: await token(start, 60 * MINUTE), sdpSession: 'used' }, 'login', start);
    await saveCredentials(accountStore(harness.store), used);
    await harness.manager().confirm(used);
    harness.advance(1_000);
    const replacements = await Promise.all(Array.from({ length: 10 }, () => harness.manager().replaceRejected(used, harness.context)));
    expect(replacements.map((credentials) => credentials.sdpSession)).toEqual(Array(10).fill('fresh'));
    expect(harness.triggers()).toBeGreaterThanOrEqual(1);
    expect(await readLoginState(accountStore(harness.store))).toBeUndefined(); // no failure, no back-off
  });

  it('a logged-in token rejected before it ever served a call is a failed login that backs off, without a login', async () => {
    const harness = setup();
    const unused = describeCredentials({ jmToken: await token(start - 2 * 60 * MINUTE, 8 * 60 * MINUTE), sdpSession: 'unused' }, 'login', start - 2 * 60 * MINUTE);
    await saveCredentials(accountStore(harness.store), unused);
    await expect(harness.manager().replaceRejected(unused, harness.context)).rejects.toMatchObject({
      status: 503,
      code: 'upstream_login_failed',
      message: expect.stringContaining('token-rejected'),
    });
    expect(harness.triggers()).toBe(0);
    expect(await readLoginState(accountStore(harness.store))).toMatchObject({ outcome: 'failure', failedStep: 'token-rejected', consecutiveFailures: 1 });
  });

  it('a never-served token rejected again: one failed login in all, then a login once the back-off lapses', async () => {
    const fresh = await token(start + 5 * MINUTE, 60 * MINUTE);
    const harness = setup({
      trigger: async () => {
        const state = await readLoginState(accountStore(harness.store));
        if (state?.nextAttemptAt !== undefined && state.nextAttemptAt > harness.now()) {
          return { status: 'backed-off', nextAttemptAt: state.nextAttemptAt, message: state.message, failedStep: state.failedStep };
        }
        await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: fresh, sdpSession: 'fresh' }, 'login', harness.now()));
        return { status: 'started' };
      },
    });
    // Rotated before its first use (the user logged in elsewhere): every call rejects it.
    const rotated = describeCredentials({ jmToken: await token(start, 8 * 60 * MINUTE), sdpSession: 'rotated' }, 'login', start);
    await saveCredentials(accountStore(harness.store), rotated);
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => harness.manager().replaceRejected(rotated, harness.context)));
    expect(attempts.map((attempt) => attempt.status)).toEqual(Array(5).fill('rejected'));
    for (const attempt of attempts) {
      expect((attempt as PromiseRejectedResult).reason).toMatchObject({ code: 'upstream_login_failed', message: expect.stringContaining('token-rejected') });
    }
    // Counted once, however many requests saw it: the back-off stays at its first step.
    expect(await readLoginState(accountStore(harness.store))).toMatchObject({ failedStep: 'token-rejected', consecutiveFailures: 1, nextAttemptAt: start + MINUTE });
    harness.advance(MINUTE + 1);
    expect((await harness.manager().replaceRejected(rotated, harness.context)).sdpSession).toBe('fresh');
  });

  it('a second rejection within one request (mayLogIn: false) asks for no login', async () => {
    const harness = setup();
    const used = describeCredentials({ jmToken: await token(start, 60 * MINUTE), sdpSession: 'used' }, 'login', start);
    await saveCredentials(accountStore(harness.store), used);
    const manager = harness.manager();
    await manager.confirm(used);
    await expect(manager.replaceRejected(used, harness.context, { mayLogIn: false })).rejects.toMatchObject({ code: 'upstream_login_expired' });
    expect(harness.triggers()).toBe(0);
    const newer = describeCredentials({ jmToken: await token(start + 1_000, 60 * MINUTE), sdpSession: 'newer' }, 'login', start);
    await saveCredentials(accountStore(harness.store), newer);
    expect((await manager.replaceRejected(used, harness.context, { mayLogIn: false })).sdpSession).toBe('newer');
  });

  it('cleanup waits a little for a pair others log in for, never asking for a login itself', async () => {
    const harness = setup();
    const rejected = describeCredentials({ jmToken: await token(start, 60 * MINUTE), sdpSession: 'rejected' }, 'login', start);
    await saveCredentials(accountStore(harness.store), rejected);
    const manager = harness.manager();
    expect(await manager.fresherThan(rejected, 2_000)).toBeUndefined();
    expect(harness.now() - start).toBe(2_000);
    await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: await token(start + 3_000, 60 * MINUTE), sdpSession: 'other' }, 'login', harness.now()));
    expect((await manager.fresherThan(rejected, 2_000))?.sdpSession).toBe('other');
    expect(harness.triggers()).toBe(0);
    expect(await readLoginState(accountStore(harness.store))).toBeUndefined();
  });

  it('a rejected fresh token that works later ends its token-rejected back-off (not a wrong password\'s)', async () => {
    const harness = setup();
    const unused = describeCredentials({ jmToken: await token(start, 8 * 60 * MINUTE), sdpSession: 'unused' }, 'login', start);
    await saveCredentials(accountStore(harness.store), unused);
    await expect(harness.manager().replaceRejected(unused, harness.context)).rejects.toMatchObject({ code: 'upstream_login_failed' });
    expect((await readLoginState(accountStore(harness.store)))?.nextAttemptAt).toBeGreaterThan(start);
    // The firewall lifted: the same token now serves a call.
    await harness.manager().confirm(unused);
    expect(await readLoginState(accountStore(harness.store))).toMatchObject({ outcome: 'failure', failedStep: 'token-rejected', consecutiveFailures: 0 });
    expect((await readLoginState(accountStore(harness.store)))?.nextAttemptAt).toBeUndefined();

    const wrongPassword = { outcome: 'failure' as const, attemptedAt: start, durationMs: 1, failedStep: 'submit-login', consecutiveFailures: 2, nextAttemptAt: start + 2 * MINUTE };
    await saveLoginState(accountStore(harness.store), wrongPassword);
    const other = describeCredentials({ jmToken: await token(start + 1_000, 8 * 60 * MINUTE), sdpSession: 'other' }, 'login', start);
    await harness.manager().confirm(other);
    expect(await readLoginState(accountStore(harness.store))).toEqual(wrongPassword);
  });

  it('a failure recorded a moment before a login is asked for is not taken for that login\'s outcome', async () => {
    const fresh = await token(start + 2_000, 60 * MINUTE);
    let polls = 0;
    const harness = setup({ trigger: async () => ({ status: 'started' }) });
    await saveLoginState(accountStore(harness.store), { outcome: 'failure', attemptedAt: start - 500, durationMs: 0, failedStep: 'token-rejected', consecutiveFailures: 0 });
    const used = describeCredentials({ jmToken: await token(start - MINUTE, 60 * MINUTE), sdpSession: 'used' }, 'login', start - MINUTE);
    await saveCredentials(accountStore(harness.store), used);
    const manager = harness.manager();
    await manager.confirm(used);
    // The login lands after a few polls.
    const store = harness.store;
    const originalGet = store.get.bind(store);
    store.get = async (key) => {
      if (key === DEFAULT_KEYS.credentials && (polls += 1) === 4) {
        await saveCredentials(accountStore(store), describeCredentials({ jmToken: fresh, sdpSession: 'fresh' }, 'login', harness.now()));
      }
      return originalGet(key);
    };
    expect((await manager.replaceRejected(used, harness.context)).sdpSession).toBe('fresh');
  });

  it('a JM_TOKEN from the environment rejected before serving still gets a login (it may just be stale)', async () => {
    const fresh = await token(start, 60 * MINUTE);
    const harness = setup({
      trigger: async () => {
        await saveCredentials(accountStore(harness.store), describeCredentials({ jmToken: fresh, sdpSession: 'fresh' }, 'login', harness.now()));
        return { status: 'started' };
      },
    });
    const environment = { jmToken: await token(start - MINUTE, 60 * MINUTE), sdpSession: 'pasted' };
    const manager = harness.manager(environment);
    const current = await manager.current(harness.context);
    expect(current.sdpSession).toBe('pasted');
    expect((await manager.replaceRejected(current, harness.context)).sdpSession).toBe('fresh');
    expect(harness.triggers()).toBe(1);
  });

  it('confirm marks a token once per instance, and every instance sees the mark', async () => {
    const harness = setup();
    const { store: counting, calls } = countStoreCalls(harness.store);
    const credentials = describeCredentials({ jmToken: await token(start, 60 * MINUTE), sdpSession: 's' }, 'login', start);
    const instance = createCredentialManager({ account: accountStore(counting), now: harness.now, cacheMs: 0 });
    for (let chat = 0; chat < 5; chat += 1) await instance.confirm(credentials);
    // The first mark anywhere also looks at the login state (a token-rejected back-off to end).
    expect(calls).toEqual(['setIfAbsent', 'get']);
    expect(await hasCredentialsServed(accountStore(harness.store), credentials)).toBe(true);
    const other = describeCredentials({ jmToken: await token(start + 1_000, 60 * MINUTE), sdpSession: 's' }, 'login', start);
    expect(await hasCredentialsServed(accountStore(harness.store), other)).toBe(false);
    // The mark names the token by a 16-digit fingerprint only, and holds when it first served.
    expect(credentialFingerprint(credentials)).toMatch(/^[0-9a-f]{16}$/);
    expect(await harness.store.get(DEFAULT_KEYS.credentialsServed(credentialFingerprint(credentials)))).toBe(String(start));
  });

  it('a request that gives up stops waiting for the login at once; the login goes on for the others', async () => {
    const harness = setup({ waitMs: 20_000, trigger: async () => ({ status: 'in-progress' }) });
    const manager = harness.manager();
    const controller = new AbortController();
    const gaveUp = manager.current({ ...harness.context, signal: controller.signal });
    const patient = manager.current(harness.context);
    controller.abort(new Error('client went away'));
    await expect(gaveUp).rejects.toThrow('client went away');
    await expect(patient).rejects.toMatchObject({ code: 'upstream_login_in_progress' });
    expect(harness.now() - start).toBe(20_000);
  });

  it('the newer of the environment pair and the stored pair wins', async () => {
    const harness = setup({ login: false });
    const older = { jmToken: await token(start - 60 * MINUTE, 8 * 60 * MINUTE), sdpSession: 'older' };
    const newer = { jmToken: await token(start - MINUTE, 8 * 60 * MINUTE), sdpSession: 'newer' };
    await saveCredentials(accountStore(harness.store), describeCredentials(newer, 'login'));
    expect((await harness.manager(older).current(harness.context)).sdpSession).toBe('newer');
    await saveCredentials(accountStore(harness.store), describeCredentials(older, 'login'));
    expect((await harness.manager(newer).current(harness.context)).sdpSession).toBe('newer');
  });

  it('without automatic login: missing → credentials missing; expired → login expired', async () => {
    const harness = setup({ login: false });
    await expect(harness.manager().current(harness.context)).rejects.toMatchObject({ status: 503, code: 'upstream_credentials_missing' });
    const expired = { jmToken: await token(start - 2 * 60 * MINUTE, 60 * MINUTE), sdpSession: 'old' };
    await expect(harness.manager(expired).current(harness.context)).rejects.toMatchObject({ status: 503, code: 'upstream_login_expired' });
  });
});
