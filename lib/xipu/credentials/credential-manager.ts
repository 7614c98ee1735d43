import { GatewayError } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import { abortableSleep } from '@/lib/pacing/abortable-sleep';
import { untilAborted } from '@/lib/pacing/until-aborted';
import { credentialsMissing, loginExpired } from '@/lib/xipu/api/xipu-errors';
import type { XipuCredentials } from '@/lib/xipu/api/xipu-api';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import { recordLoginFailure } from './start-login';
import type { CredentialRequestContext, CredentialSource } from '@/lib/xipu/api/credential-source';
import {
  credentialFingerprint,
  hasCredentialsServed,
  markCredentialsRejected,
  markCredentialsServed,
  readCredentialsRejectedAt,
  readLoginState,
  readStoredCredentials,
  TOKEN_REJECTED_STEP,
  type LoginState,
} from './credential-records';
import { pickCurrentCredentials } from './current-credentials';
import { refreshMarginMs } from './refresh-margin';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';

/** What asking for a login answered (the login route's reply). */
export type LoginTriggerResult =
  | { status: 'started' | 'in-progress' }
  | { status: 'backed-off'; nextAttemptAt: number; message?: string; failedStep?: string };

/** Asks for a login to run somewhere (the login route, over HTTP, in production). */
export type LoginTrigger = (origin: string | undefined) => Promise<LoginTriggerResult>;

export interface CredentialManagerOptions {
  /** The account whose credentials these are (its records in the store). */
  account: AccountStore;
  /** JM_TOKEN + SDP_SESSION from the environment. */
  fromEnvironment?: XipuCredentials;
  /** Automatic logins; absent when XJTLU_USERNAME/XJTLU_PASSWORD are not set. */
  login?: {
    trigger: LoginTrigger;
    /** Refresh this long before expiry, capped at a third of the token's lifetime. */
    refreshMarginMs: number;
    /** Longest a request waits for fresh credentials. */
    waitMs: number;
    pollMs?: number;
  };
  /**
   * The stored pair is re-read at most this often. A cache only: a rejected token always
   * re-reads the store, and a newer login found later is merely a little late to be used.
   * It keeps a chat at 8 store commands (docs: Upstash's free tier counts commands).
   */
  cacheMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_POLL_MS = 500;
/** How long a request waits for another's token-rejected record to be written: 3 × 100 ms, a few store round trips. */
const REJECTION_RECORD_POLLS = 3;
const REJECTION_RECORD_POLL_MS = 100;
/** Tokens this instance remembers having marked as served (a cache: forgetting costs one command). */
const CONFIRMED_TOKENS_REMEMBERED = 32;

/**
 * Credentials that look after themselves: the environment's pair and the stored one (the
 * newer wins), refreshed in the background before they expire, and replaced through one
 * shared login when the upstream rejects them.
 */
export function createCredentialManager(options: CredentialManagerOptions): CredentialSource {
  const { account } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms));
  const cacheMs = options.cacheMs ?? 300_000;
  let cached: { value: StoredCredentials | undefined; readAt: number } | undefined;
  /** Requests of this instance waiting for the same rejected token share one wait. */
  const waits = new Map<string, Promise<StoredCredentials>>();
  /** Fingerprints of tokens this instance has already marked as served. */
  const confirmed = new Set<string>();

  /** One store read at a time for this instance: concurrent requests share it. */
  let reading: Promise<StoredCredentials | undefined> | undefined;
  async function read(fresh = false): Promise<StoredCredentials | undefined> {
    if (fresh || !cached || now() - cached.readAt >= cacheMs) {
      reading ??= readStoredCredentials(account).finally(() => {
        reading = undefined;
      });
      const value = await reading;
      cached = { value, readAt: now() };
    }
    return pickCurrentCredentials(options.fromEnvironment, cached.value);
  }

  const isExpired = (credentials: StoredCredentials): boolean => credentials.expiresAt !== undefined && credentials.expiresAt <= now();
  const isValid = (credentials: StoredCredentials | undefined): credentials is StoredCredentials =>
    credentials !== undefined && !isExpired(credentials);

  function requestBackgroundRefresh(context: CredentialRequestContext): void {
    const login = options.login;
    if (!login) return;
    context.defer(async () => {
      try {
        if (!(await account.store.setIfAbsent(account.keys.refreshRequested, '1', xipuAccountTtls.refreshRequestMs))) return;
        const result = await login.trigger(context.origin);
        logEvent('info', 'background_refresh_requested', { status: result.status });
      } catch (error) {
        logEvent('warn', 'background_refresh_failed', { error: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  function waitForFresh(previous: StoredCredentials | undefined, context: CredentialRequestContext): Promise<StoredCredentials> {
    const login = options.login;
    if (!login) {
      throw previous ? loginExpired('the upstream rejected the current token and no XJTLU_USERNAME/XJTLU_PASSWORD are set for a new login') : credentialsMissing();
    }
    const key = previous?.jmToken ?? '';
    const shared = waits.get(key) ?? startWaiting(key, previous, login, context);
    return context.signal ? untilAborted(shared, context.signal) : shared;
  }

  function startWaiting(
    key: string,
    previous: StoredCredentials | undefined,
    login: NonNullable<CredentialManagerOptions['login']>,
    context: CredentialRequestContext,
  ): Promise<StoredCredentials> {
    const waiting = (async () => {
      const startedAt = now();
      const deadline = startedAt + login.waitMs;
      // A failure recorded before this wait (a token rejected a moment ago, say) is not the
      // outcome of the login it asks for, however close in time.
      const earlier = await readLoginState(account);
      let triggered: LoginTriggerResult;
      try {
        triggered = await login.trigger(context.origin);
      } catch (error) {
        throw loginUnavailable(error instanceof Error ? error.message : String(error));
      }
      if (triggered.status === 'backed-off') throw loginBackedOff(triggered, now());
      for (;;) {
        const candidate = await read(true);
        if (isValid(candidate) && candidate.jmToken !== previous?.jmToken) return candidate;
        const state = await readLoginState(account);
        // A failure written since this wait began is the login's outcome, also when another
        // instance had started that login earlier.
        const isNewRecord = state?.attemptedAt !== earlier?.attemptedAt || state?.failedStep !== earlier?.failedStep;
        if (state?.outcome === 'failure' && isNewRecord) throw loginFailed(state, now());
        if (now() >= deadline) throw loginInProgress();
        await sleep(Math.min(login.pollMs ?? DEFAULT_POLL_MS, Math.max(0, deadline - now())));
      }
    })().finally(() => waits.delete(key));
    waits.set(key, waiting);
    return waiting;
  }

  return {
    async current(context) {
      const credentials = await read();
      if (credentials && !isExpired(credentials)) {
        if (options.login && credentials.expiresAt !== undefined && credentials.expiresAt - now() <= refreshMarginMs(options.login.refreshMarginMs, credentials)) {
          requestBackgroundRefresh(context);
        }
        return credentials;
      }
      if (options.login) {
        // This instance's copy may be stale: another instance may have logged in already.
        const stored = await read(true);
        if (stored && !isExpired(stored)) return stored;
        return waitForFresh(stored ?? credentials, context);
      }
      if (!credentials) throw credentialsMissing();
      throw loginExpired(`the token from ${credentials.origin === 'env' ? 'JM_TOKEN' : `the ${credentials.origin}`} expired at ${new Date(credentials.expiresAt ?? 0).toISOString()}`);
    },

    async replaceRejected(rejected, context, replaceOptions = {}) {
      const candidate = await read(true);
      if (isValid(candidate) && candidate.jmToken !== rejected.jmToken) return candidate;
      const neverServed = options.login !== undefined && rejected.origin === 'login' && !(await hasServed(rejected));
      // A fresh login's token rejected before it ever worked: another login would likely be
      // rejected too, and one login per request would hammer the school's SSO. Its first
      // rejection anywhere is a failed login that backs off.
      if (neverServed) {
        const rejectedAt = now();
        if (await markCredentialsRejected(account, rejected, rejectedAt)) {
          const state = await recordLoginFailure(account, {
            attemptedAt: rejectedAt,
            now: rejectedAt,
            step: TOKEN_REJECTED_STEP,
            message: 'XIPU rejected freshly logged-in credentials before they served a single call, so a new login would not help (a firewall or region block answering 403?)',
          });
          throw loginFailed(state, now());
        }
        // Another request counted this token's rejection: while its back-off holds, say so
        // without asking for a login (none slips in before that back-off is written).
        const state = await readBackoffOfRejection(rejected);
        if (state) throw loginFailed(state, now());
      }
      if (replaceOptions.mayLogIn === false) {
        const state = neverServed ? await readLoginState(account) : undefined;
        if (state?.outcome === 'failure') throw loginFailed(state, now());
        throw loginExpired('XIPU rejected the credentials of a fresh login too');
      }
      return waitForFresh(rejected, context);
    },

    async fresherThan(rejected, waitMs) {
      const deadline = now() + waitMs;
      for (;;) {
        const candidate = await read(true);
        if (isValid(candidate) && candidate.jmToken !== rejected.jmToken) return candidate;
        if (now() >= deadline) return undefined;
        await sleep(Math.min(options.login?.pollMs ?? DEFAULT_POLL_MS, Math.max(0, deadline - now())));
      }
    },

    async confirm(credentials) {
      const fingerprint = credentialFingerprint(credentials);
      if (confirmed.has(fingerprint)) return false;
      try {
        const first = await markCredentialsServed(account, credentials, now());
        if (confirmed.size >= CONFIRMED_TOKENS_REMEMBERED) confirmed.clear();
        confirmed.add(fingerprint);
        return first;
      } catch (error) {
        logEvent('warn', 'credentials_confirm_failed', { error: error instanceof Error ? error.message : String(error) });
        return false;
      }
    },
  };

  /**
   * The login state that the first rejection of this never-served token wrote, while it still
   * backs off. Polls briefly when that state is not written yet (the other request is between
   * its mark and its write).
   */
  async function readBackoffOfRejection(rejected: StoredCredentials): Promise<LoginState | undefined> {
    const markedAt = await readCredentialsRejectedAt(account, rejected);
    for (let poll = 0; ; poll += 1) {
      const state = await readLoginState(account);
      const written = markedAt === undefined || (state !== undefined && state.attemptedAt >= markedAt);
      if (written || poll >= REJECTION_RECORD_POLLS) {
        const backsOff = state?.outcome === 'failure' && state.nextAttemptAt !== undefined && state.nextAttemptAt > now();
        return backsOff ? state : undefined;
      }
      await sleep(REJECTION_RECORD_POLL_MS);
    }
  }

  /** This instance knows it, or another instance recorded it. */
  async function hasServed(credentials: StoredCredentials): Promise<boolean> {
    return confirmed.has(credentialFingerprint(credentials)) || (await hasCredentialsServed(account, credentials));
  }
}

function loginInProgress(): GatewayError {
  return new GatewayError('The XIPU login expired and a new login is under way; try again in a moment.', {
    status: 503,
    type: 'upstream_error',
    code: 'upstream_login_in_progress',
    retryAfterSeconds: 30,
    retryable: true,
  });
}

function loginFailed(state: LoginState, now: number): GatewayError {
  const step = state.failedStep ? ` at step "${state.failedStep}"` : '';
  return new GatewayError(
    `The automatic XIPU login failed${step}: ${state.message ?? 'unknown error'}. Check XJTLU_USERNAME/XJTLU_PASSWORD, or paste fresh credentials by hand.`,
    {
      status: 503,
      type: 'upstream_error',
      code: 'upstream_login_failed',
      retryAfterSeconds: state.nextAttemptAt ? Math.max(1, Math.ceil((state.nextAttemptAt - now) / 1000)) : 60,
      retryable: false,
    },
  );
}

function loginBackedOff(backoff: { nextAttemptAt: number; message?: string; failedStep?: string }, now: number): GatewayError {
  const { nextAttemptAt, message, failedStep } = backoff;
  const step = failedStep ? ` at step "${failedStep}"` : '';
  return new GatewayError(
    `The XIPU login expired and recent login attempts failed${step}${message ? ` (${message})` : ''}; the next attempt is at ${new Date(nextAttemptAt).toISOString()}.`,
    {
      status: 503,
      type: 'upstream_error',
      code: 'upstream_login_failed',
      retryAfterSeconds: Math.max(1, Math.ceil((nextAttemptAt - now) / 1000)),
      retryable: false,
    },
  );
}

function loginUnavailable(detail: string): GatewayError {
  return new GatewayError(`The XIPU login expired and a new login could not be started: ${detail}`, {
    status: 503,
    type: 'upstream_error',
    code: 'upstream_login_unavailable',
    retryAfterSeconds: 60,
    retryable: false,
  });
}
