import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { readLoginState, readStoredCredentials } from '@/lib/xipu/credentials/credential-records';
import { startLogin } from '@/lib/xipu/credentials/start-login';
import { storeKeys } from '@/lib/store/keys';
import { createMemoryStore } from '@/lib/store/memory-store';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

const start = Date.UTC(2026, 10, 22, 8, 0);

function setup() {
  let time = start;
  const now = () => time;
  return { store: createMemoryStore({ now }), now, advance: (ms: number) => void (time += ms) };
}

const jwt = (issuedAt: number, lifetimeSeconds: number) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(issuedAt / 1000).setExpirationTime(issuedAt / 1000 + lifetimeSeconds).sign(new TextEncoder().encode('k'.repeat(32)));

/** A login failure as the browser login reports it: the step, and the page. */
class StepFailure extends Error {
  constructor(readonly step: string, readonly screenshot: Uint8Array) {
    super('Invalid username or password.');
  }
}

describe('startLogin', () => {
  it('lets one caller at a time log in, across instances', async () => {
    const { store, now } = setup();
    const first = await startLogin({ account: accountStore(store), now });
    const second = await startLogin({ account: accountStore(store), now });
    expect(first.status).toBe('started');
    expect(second.status).toBe('in-progress');
  });

  it('stores the credentials with the expiry read from the JWT, then frees the lock', async () => {
    const { store, now } = setup();
    const token = await jwt(start, 3_600);
    const login = await startLogin({ account: accountStore(store), now });
    if (login.status !== 'started') throw new Error('expected to start');
    const outcome = await login.run(async () => ({ jmToken: token, sdpSession: 'sdp-1' }));
    expect(outcome.status).toBe('success');
    expect(await readStoredCredentials(accountStore(store))).toMatchObject({ jmToken: token, sdpSession: 'sdp-1', origin: 'login', expiresAt: start + 3_600_000 });
    expect(await readLoginState(accountStore(store))).toMatchObject({ outcome: 'success', consecutiveFailures: 0 });
    expect(await store.get(DEFAULT_KEYS.loginLock)).toBeNull();
  });

  it('records a failure with its step and screenshot, and backs off exponentially', async () => {
    const { store, now, advance } = setup();
    const page = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const fail = async () => {
      const login = await startLogin({ account: accountStore(store), now });
      if (login.status !== 'started') return login.status;
      await login.run(async () => {
        throw new StepFailure('submit-login', page);
      });
      return 'ran';
    };
    expect(await fail()).toBe('ran');
    const state = await readLoginState(accountStore(store));
    expect(state).toMatchObject({ outcome: 'failure', failedStep: 'submit-login', message: 'Invalid username or password.', consecutiveFailures: 1, nextAttemptAt: start + 60_000 });
    expect(Buffer.from((await store.get(DEFAULT_KEYS.loginScreenshot))!, 'base64')).toEqual(Buffer.from(page));
    expect(await store.get(DEFAULT_KEYS.loginLock)).toBeNull();

    expect(await fail()).toBe('backed-off'); // no retry storm
    advance(60_000);
    expect(await fail()).toBe('ran');
    expect(await readLoginState(accountStore(store))).toMatchObject({ consecutiveFailures: 2, nextAttemptAt: start + 60_000 + 120_000 });
    expect((await startLogin({ account: accountStore(store), now, ignoreBackoff: true })).status).toBe('started');
  });
});
