import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCredentialManager, type LoginTrigger, type LoginTriggerResult } from '@/lib/credentials/credential-manager';
import { describeCredentials, saveCredentials, saveLoginState } from '@/lib/credentials/credential-records';
import { createMemoryStore } from '@/lib/store/memory-store';

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
      store,
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
    await saveCredentials(harness.store, describeCredentials({ jmToken: await token(start, 8 * 60 * MINUTE), sdpSession: 's1' }, 'login'));
    const credentials = await harness.manager().current(harness.context);
    expect(credentials.sdpSession).toBe('s1');
    expect(harness.triggers()).toBe(0);
    expect(harness.deferred).toHaveLength(0);
  });

  it('near expiry: goes on with the current pair and asks once for a background refresh', async () => {
    const harness = setup();
    await saveCredentials(harness.store, describeCredentials({ jmToken: await token(start, 8 * 60 * MINUTE), sdpSession: 's1' }, 'login'));
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
    await saveCredentials(harness.store, describeCredentials({ jmToken: await token(start, 6 * MINUTE), sdpSession: 's1' }, 'login'));
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
        await saveCredentials(harness.store, describeCredentials({ jmToken: fresh, sdpSession: 'fresh' }, 'login'));
        return { status: 'started' };
      },
    });
    await saveCredentials(harness.store, describeCredentials({ jmToken: await token(start - 2 * 60 * MINUTE, 60 * MINUTE), sdpSession: 'old' }, 'login'));
    const manager = harness.manager();
    const results = await Promise.all(Array.from({ length: 20 }, () => manager.current(harness.context)));
    expect(results.map((credentials) => credentials.sdpSession)).toEqual(Array(20).fill('fresh'));
    expect(harness.triggers()).toBe(1);
  });

  it('a failed login answers 503 naming the failed step', async () => {
    const harness = setup({
      trigger: async () => {
        await saveLoginState(harness.store, {
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
    await saveCredentials(harness.store, describeCredentials({ jmToken: await token(start, 60 * MINUTE), sdpSession: 'newer' }, 'login'));
    expect((await harness.manager().replaceRejected(rejected, harness.context)).sdpSession).toBe('newer');
    expect(harness.triggers()).toBe(0);
  });

  it('the newer of the environment pair and the stored pair wins', async () => {
    const harness = setup({ login: false });
    const older = { jmToken: await token(start - 60 * MINUTE, 8 * 60 * MINUTE), sdpSession: 'older' };
    const newer = { jmToken: await token(start - MINUTE, 8 * 60 * MINUTE), sdpSession: 'newer' };
    await saveCredentials(harness.store, describeCredentials(newer, 'login'));
    expect((await harness.manager(older).current(harness.context)).sdpSession).toBe('newer');
    await saveCredentials(harness.store, describeCredentials(older, 'login'));
    expect((await harness.manager(newer).current(harness.context)).sdpSession).toBe('newer');
  });

  it('without automatic login: missing → credentials missing; expired → login expired', async () => {
    const harness = setup({ login: false });
    await expect(harness.manager().current(harness.context)).rejects.toMatchObject({ status: 503, code: 'upstream_credentials_missing' });
    const expired = { jmToken: await token(start - 2 * 60 * MINUTE, 60 * MINUTE), sdpSession: 'old' };
    await expect(harness.manager(expired).current(harness.context)).rejects.toMatchObject({ status: 503, code: 'upstream_login_expired' });
  });
});
