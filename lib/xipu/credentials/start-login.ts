import { randomUUID } from 'node:crypto';
import { logEvent } from '@/lib/log/log-event';
import type { XipuCredentials } from '@/lib/xipu/api/xipu-api';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { XipuAccountSettings } from '@/lib/xipu/account/account-settings';
import {
  describeCredentials,
  readLoginState,
  saveCredentials,
  saveLoginScreenshot,
  saveLoginState,
  type LoginState,
} from './credential-records';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { loginBackoffMs } from './login-backoff';

/** Performs one login (the browser, in production) and returns the captured pair. */
export type PerformLogin = () => Promise<XipuCredentials>;

/** What the browser login reports per step (lib/xipu/browser-login/run-login-step.ts). */
export interface LoginStepEvent {
  step: string;
  status: string;
  elapsedMs: number;
}

/**
 * Makes the login of one account, told of each step as it runs (production:
 * createBrowserLogin, which only the browser routes import; tests pass one without a browser).
 */
export type CreateLogin = (account: XipuAccountSettings, onStep?: (event: LoginStepEvent) => void) => PerformLogin;

export type LoginOutcome =
  | { status: 'success'; credentials: StoredCredentials; durationMs: number }
  | { status: 'failure'; state: LoginState };

export type LoginStart =
  /** This caller holds the lock: it must call `run` (once). */
  | { status: 'started'; run: (performLogin: PerformLogin) => Promise<LoginOutcome> }
  /** Another instance is logging in; its result will appear in the store. */
  | { status: 'in-progress' }
  /** Recent failures: no login before `nextAttemptAt`. */
  | { status: 'backed-off'; nextAttemptAt: number; state: LoginState };

/**
 * Takes the account's login lock, unless another instance holds it or failed logins back
 * off. Only one login runs at a time across every instance; the lock's TTL frees it if the
 * instance dies mid-login. `run` records the outcome (credentials, or the failed step, its
 * screenshot and the next back-off) and releases the lock.
 */
export async function startLogin(options: { account: AccountStore; now?: () => number; ignoreBackoff?: boolean }): Promise<LoginStart> {
  const { account } = options;
  const now = options.now ?? Date.now;
  const previous = await readLoginState(account);
  if (!options.ignoreBackoff && previous?.nextAttemptAt !== undefined && previous.nextAttemptAt > now()) {
    return { status: 'backed-off', nextAttemptAt: previous.nextAttemptAt, state: previous };
  }
  const token = randomUUID();
  if (!(await account.store.setIfAbsent(account.keys.loginLock, token, xipuAccountTtls.loginLockMs))) return { status: 'in-progress' };

  let ran = false;
  return {
    status: 'started',
    async run(performLogin) {
      if (ran) throw new Error('a login start runs once');
      ran = true;
      const startedAt = now();
      try {
        const captured = await performLogin();
        const credentials = describeCredentials(captured, 'login', now());
        await saveCredentials(account, credentials);
        const durationMs = now() - startedAt;
        await saveLoginState(account, { outcome: 'success', attemptedAt: startedAt, durationMs, consecutiveFailures: 0 }).catch(() => undefined);
        logEvent('info', 'login_succeeded', { account: account.accountId, durationMs, expiresAt: credentials.expiresAt ? new Date(credentials.expiresAt).toISOString() : undefined });
        return { status: 'success', credentials, durationMs };
      } catch (error) {
        const failure = describeLoginFailure(error);
        const state = await recordLoginFailure(account, { attemptedAt: startedAt, now: now(), step: failure.step, message: failure.message });
        if (failure.screenshot) await saveLoginScreenshot(account, failure.screenshot).catch(() => undefined);
        return { status: 'failure', state };
      } finally {
        await account.store.deleteIfEquals(account.keys.loginLock, token).catch(() => undefined);
      }
    },
  };
}

/**
 * Records a failed login (or credentials that failed right after one) and the back-off it
 * earns: the next attempt waits 1, 2, 4 … minutes. Logged, never thrown.
 */
export async function recordLoginFailure(
  account: AccountStore,
  failure: { attemptedAt: number; now: number; step?: string; message: string },
): Promise<LoginState> {
  const consecutiveFailures = ((await readLoginState(account).catch(() => undefined))?.consecutiveFailures ?? 0) + 1;
  const state: LoginState = {
    outcome: 'failure',
    attemptedAt: failure.attemptedAt,
    durationMs: failure.now - failure.attemptedAt,
    failedStep: failure.step,
    message: failure.message,
    consecutiveFailures,
    nextAttemptAt: failure.now + loginBackoffMs(consecutiveFailures),
  };
  await saveLoginState(account, state).catch(() => undefined);
  logEvent('error', 'login_failed', { account: account.accountId, step: failure.step, message: failure.message, consecutiveFailures });
  return state;
}

/** The browser login's errors name their step and may carry a screenshot (lib/xipu/browser-login). */
function describeLoginFailure(error: unknown): { step?: string; message: string; screenshot?: Uint8Array } {
  if (error && typeof error === 'object') {
    const candidate = error as { step?: unknown; message?: unknown; screenshot?: unknown };
    return {
      step: typeof candidate.step === 'string' ? candidate.step : undefined,
      message: typeof candidate.message === 'string' ? candidate.message.slice(0, 500) : 'login failed',
      screenshot: candidate.screenshot instanceof Uint8Array ? candidate.screenshot : undefined,
    };
  }
  return { message: String(error).slice(0, 500) };
}
