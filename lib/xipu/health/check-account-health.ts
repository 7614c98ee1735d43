import type { GatewayConfig } from '@/lib/config/env';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { readLoginState, readStoredCredentials, type LoginState } from '@/lib/xipu/credentials/credential-records';
import { pickCurrentCredentials } from '@/lib/xipu/credentials/current-credentials';
import { refreshMarginMs } from '@/lib/xipu/credentials/refresh-margin';
import { readHeartbeatState, type HeartbeatState } from '@/lib/xipu/keepalive/beat-heartbeat';
import { readSessionPoolTotals, type SessionPoolTotals } from '@/lib/xipu/sessions/session-pool';

/*
 * The account's part of GET /api/health: the credentials, login and heartbeat checks, from
 * the account's records and what the recent chats showed (lib/health/compute-health.ts reads
 * those and states the rules in full). Reads the store only; never calls XIPU.
 */

/** green: fine · amber: works now, needs attention soon · red: a chat would fail now. */
export type HealthLevel = 'green' | 'amber' | 'red';

export interface AccountHealthCheck {
  id: 'credentials' | 'login' | 'heartbeat' | 'pool';
  level: HealthLevel;
  reason: string;
}

/** What the account's records say. */
export interface AccountHealthState {
  stored?: StoredCredentials;
  login?: LoginState;
  heartbeat?: HeartbeatState;
  /** The warm pool's totals; read only while the pool is on (SESSION_POOL_SIZE > 0). */
  pool?: SessionPoolTotals;
}

/** What the gateway's recent chats showed (lib/metrics), for the account's checks. */
export interface ChatFacts {
  /**
   * The newest chat within the window that failed for credentials or the login, when no
   * chat that started after it succeeded (a heartbeat after it is weighed here).
   */
  credentialFailure?: { error: string; at: number; endedAt: number };
  /** When the newest successful chat ended. */
  lastSuccessEndedAt?: number;
}

/** The keep-alive cron runs daily (vercel.json; Hobby allows no more, ±59 min): a missed run plus slack. */
export const HEARTBEAT_MAX_AGE_MS = 36 * 3_600_000;

/** Reads only what the configuration makes relevant, all at once. @throws when the store fails. */
export async function readAccountHealthState(account: AccountStore, config: GatewayConfig): Promise<AccountHealthState> {
  const [stored, login, heartbeat, pool] = await Promise.all([
    config.demoMode ? undefined : readStoredCredentials(account),
    config.demoMode || !config.login.enabled ? undefined : readLoginState(account),
    // Also where no cron runs: a heartbeat (the admin's button, an outside scheduler) is an upstream success.
    config.demoMode ? undefined : readHeartbeatState(account),
    // One command (the pool's totals, not its records): whether the pool can refill.
    config.sessionPool.size > 0 ? readSessionPoolTotals(account) : undefined,
  ]);
  return { stored, login, heartbeat, pool };
}

/** The account's four checks (credentials, login, heartbeat, pool), in the report's order. */
export function checkAccountHealth(config: GatewayConfig, state: AccountHealthState, chats: ChatFacts, now: number): AccountHealthCheck[] {
  const credentials = checkCredentials(config, state, chats, now);
  return [
    credentials.check,
    checkLogin(config, state.login, credentials.usable, now),
    checkHeartbeat(config, state, chats, now),
    checkPool(config, state.pool, now),
  ];
}

/** The chats' credential failure, unless a heartbeat after it began proved the token since. */
function unansweredCredentialFailure(state: AccountHealthState, chats: ChatFacts): ChatFacts['credentialFailure'] {
  const failure = chats.credentialFailure;
  if (!failure) return undefined;
  return (state.heartbeat?.at ?? 0) > failure.at ? undefined : failure;
}

function checkCredentials(config: GatewayConfig, state: AccountHealthState, chats: ChatFacts, now: number): { check: AccountHealthCheck; usable: boolean } {
  const result = (level: HealthLevel, reason: string, usable: boolean) => ({ check: { id: 'credentials' as const, level, reason }, usable });
  if (config.demoMode) return result('green', 'demo simulator: no XIPU credentials needed', true);

  const current = pickCurrentCredentials(config.xipu.manualCredentials, state.stored);
  const loginPossible = canLogIn(config);
  const backedOffUntil = loginBackedOffUntil(state.login, now);
  const failure = unansweredCredentialFailure(state, chats);
  const expired = current?.expiresAt !== undefined && current.expiresAt <= now;

  if (failure) {
    const failed = `a chat failed with ${failure.error} ${formatAge(now - failure.endedAt)} ago and no upstream call has succeeded since`;
    if (current && !expired && freshnessOf(current) > failure.at) {
      return result('amber', `${failed}, but the ${originName(current)} pair is newer than that failure (not used yet)`, false);
    }
    const remedy = !loginPossible
      ? `no login can renew them${loginBlocker(config)}: set fresh JM_TOKEN and SDP_SESSION`
      : backedOffUntil !== undefined
        ? `logins are backed off until ${formatTime(backedOffUntil)}`
        : 'the next chat tries again';
    return result('red', `${failed}; ${remedy}`, false);
  }

  if (!current || expired) {
    const what = !current ? 'no XIPU credentials' : `the ${originName(current)} token expired at ${formatTime(current.expiresAt ?? 0)}`;
    if (!loginPossible) {
      return result('red', `${what}, and no login can renew them${loginBlocker(config)}: set fresh JM_TOKEN and SDP_SESSION`, false);
    }
    if (backedOffUntil !== undefined) {
      return result('red', `${what}, and logins are backed off until ${formatTime(backedOffUntil)} after failures`, false);
    }
    return result('amber', `${what}; the next chat runs a login and waits up to ${Math.round(config.login.waitMs / 1000)} s for it`, false);
  }

  const validity = current.expiresAt === undefined ? 'valid (the token carries no expiry)' : `valid until ${formatTime(current.expiresAt)}`;
  const source = `${originName(current)} token ${validity}`;
  if (current.expiresAt !== undefined && current.expiresAt - now <= refreshMarginMs(config.login.refreshMarginMs, current)) {
    if (!loginPossible) return result('amber', `${source}, and nothing can renew it${loginBlocker(config)}: set fresh JM_TOKEN and SDP_SESSION soon`, true);
    if (backedOffUntil !== undefined) return result('amber', `${source}; logins are backed off until ${formatTime(backedOffUntil)}`, true);
    return result('green', `${source}; a background login renews it`, true);
  }
  return result('green', source, true);
}

function checkLogin(config: GatewayConfig, login: LoginState | undefined, credentialsUsable: boolean, now: number): AccountHealthCheck {
  const check = (level: HealthLevel, reason: string): AccountHealthCheck => ({ id: 'login', level, reason });
  if (config.demoMode) return check('green', 'not needed (demo simulator)');
  if (!config.login.enabled) return check('green', 'not configured: credentials are given by hand (JM_TOKEN, SDP_SESSION)');
  if (!login) return check('green', 'configured; no login has run yet');
  if (login.outcome === 'success') return check('green', `the last login succeeded at ${formatTime(login.attemptedAt)}`);

  const failure = `the last login failed at ${formatTime(login.attemptedAt)}${login.failedStep ? ` at step "${login.failedStep}"` : ''}${login.message ? ` (${login.message.slice(0, 200)})` : ''}`;
  const backedOffUntil = loginBackedOffUntil(login, now);
  if (credentialsUsable) {
    const backoff = backedOffUntil !== undefined ? ` (no new login before ${formatTime(backedOffUntil)})` : '';
    return check('green', `${failure}${backoff}; the current credentials work, so chats are not affected`);
  }
  if (backedOffUntil !== undefined) {
    return check('red', `${failure}; no new login before ${formatTime(backedOffUntil)}. Check XJTLU_USERNAME/XJTLU_PASSWORD`);
  }
  return check('amber', `${failure}; the next login may run now`);
}

function checkHeartbeat(config: GatewayConfig, state: AccountHealthState, chats: ChatFacts, now: number): AccountHealthCheck {
  const check = (level: HealthLevel, reason: string): AccountHealthCheck => ({ id: 'heartbeat', level, reason });
  if (config.demoMode) return check('green', 'not needed (demo simulator)');
  if (!heartbeatExpected(config)) return check('green', 'no daily keep-alive cron runs locally; chats keep the account active');
  const heartbeatAt = state.heartbeat?.at;
  if (heartbeatAt !== undefined && now - heartbeatAt <= HEARTBEAT_MAX_AGE_MS) {
    return check('green', `the last heartbeat was ${formatAge(now - heartbeatAt)} ago`);
  }
  const seen = heartbeatAt === undefined ? 'no heartbeat recorded yet' : `the last heartbeat was ${formatAge(now - heartbeatAt)} ago`;
  const lastSuccessEndedAt = chats.lastSuccessEndedAt;
  if (lastSuccessEndedAt !== undefined && now - lastSuccessEndedAt <= HEARTBEAT_MAX_AGE_MS) {
    return check('green', `${seen}, but a chat succeeded ${formatAge(now - lastSuccessEndedAt)} ago (the account is active)`);
  }
  return check('amber', `${seen}: the daily keep-alive cron (/api/cron/keepalive) should run; check CRON_SECRET and the project's Cron Jobs`);
}

/**
 * The warm pool is a speed-up, never a condition of a chat: one that cannot refill (XIPU
 * refused its last refill after the last one that worked: the 50-session cap, say) is amber,
 * never red, since each chat then creates its own session.
 */
function checkPool(config: GatewayConfig, pool: SessionPoolTotals | undefined, now: number): AccountHealthCheck {
  const check = (level: HealthLevel, reason: string): AccountHealthCheck => ({ id: 'pool', level, reason });
  if (config.sessionPool.size === 0) return check('green', 'off (SESSION_POOL_SIZE=0): every chat creates its own session');
  const error = pool?.refillError;
  if (error) {
    const refused = `XIPU refused the warm pool's last refill ${formatAge(now - error.at)} ago${error.message ? ` (${error.message.slice(0, 200)})` : ''}`;
    return check('amber', `${refused}: chats still work, each creating its own session; sweep sessions on /admin if the account is at its session cap`);
  }
  if (pool?.lastRefillAt === undefined) return check('green', `on (${config.sessionPool.size} sessions); no refill yet`);
  return check('green', `on (${config.sessionPool.size} sessions); the last refill worked ${formatAge(now - pool.lastRefillAt)} ago`);
}

/** When the pair was made: the JWT's issue time, else when it was obtained. */
function freshnessOf(credentials: StoredCredentials): number {
  return credentials.issuedAt ?? credentials.obtainedAt ?? 0;
}

/** Logins need the username and password, and hosted the login route's bearer secret (CRON_SECRET). */
function canLogIn(config: GatewayConfig): boolean {
  return config.login.enabled && (!config.hosted || Boolean(config.cronSecret));
}

function loginBlocker(config: GatewayConfig): string {
  if (!config.login.enabled) return ' (no XJTLU_USERNAME/XJTLU_PASSWORD)';
  return config.hosted && !config.cronSecret ? ' (the login route needs CRON_SECRET)' : '';
}

function loginBackedOffUntil(login: LoginState | undefined, now: number): number | undefined {
  if (login?.outcome !== 'failure' || login.nextAttemptAt === undefined || login.nextAttemptAt <= now) return undefined;
  return login.nextAttemptAt;
}

/** The daily cron runs on Vercel deployments only, and demo mode needs no account. */
function heartbeatExpected(config: GatewayConfig): boolean {
  return config.hosted && !config.demoMode;
}

function originName(credentials: StoredCredentials): string {
  switch (credentials.origin) {
    case 'env':
      return 'JM_TOKEN';
    case 'login':
      return 'logged-in';
    case 'manual':
      return 'pasted';
    case 'demo':
      return 'demo';
  }
}

function formatTime(at: number): string {
  return new Date(at).toISOString();
}

function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3_600)} h`;
}
