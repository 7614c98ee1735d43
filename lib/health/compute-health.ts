import type { ConfigResult, GatewayConfig } from '@/lib/config/env';
import { readLoginState, readStoredCredentials, type LoginState } from '@/lib/xipu/credentials/credential-records';
import { pickCurrentCredentials } from '@/lib/xipu/credentials/current-credentials';
import { refreshMarginMs } from '@/lib/xipu/credentials/refresh-margin';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { readHeartbeatState, type HeartbeatState } from '@/lib/xipu/keepalive/beat-heartbeat';
import { classifyRequestOutcome } from '@/lib/metrics/classify-request-outcome';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import type { RequestRecord } from '@/lib/metrics/request-record';
import type { Store } from '@/lib/store/store';
import { accountStore } from '@/lib/xipu/account/account-store';
import { summarizeHealth, type HealthCheck, type HealthCheckId, type HealthLevel, type HealthReport } from './health-report';

/**
 * Whether a chat would succeed now, from recorded state only: it reads the store (2 to 4
 * commands, sharing one HTTP request on Upstash) and never calls XIPU, so polling it spends
 * none of the account's upstream calls. Rules, by check:
 *
 * - **store**: a failed read is red (the reads are the ping: no extra command per poll).
 * - **credentials** (the newer of JM_TOKEN/SDP_SESSION and the stored pair, as the
 *   credential manager picks): a chat within RECENT_CHAT_WINDOW_MS that failed for
 *   credentials or the login (CREDENTIAL_FAILURES: not `upstream_login_in_progress`, the
 *   normal answer during a routine refresh) and after which no upstream call succeeded — no
 *   chat, no heartbeat — is red at once: the next chat fails the same way. A pair obtained
 *   after that failure makes it amber (not yet proven); any later success makes it green.
 *   Otherwise unusable = none or expired (JWT `exp`): no login possible → red; logins
 *   backed off → red; a login can run now → amber (the next chat waits for it). Usable but
 *   within the refresh margin (as the manager computes it) → amber without a login or with
 *   logins backed off, else green. Demo mode: green. A login is possible when
 *   XJTLU_USERNAME/XJTLU_PASSWORD are set and, hosted, the login route has its CRON_SECRET.
 * - **login**: a failed, backed-off login is red while the credentials are unusable; failed,
 *   not backed off → amber while they are unusable (the next chat retries it); while the
 *   current credentials work it is green, its failure and back-off named in the reason (the
 *   admin page shows them; chats are not affected). Otherwise green (or "not configured").
 * - **heartbeat**: only where the daily keep-alive cron runs (hosted, not demo): no
 *   heartbeat within HEARTBEAT_MAX_AGE_MS → amber, unless a chat succeeded within that time
 *   (the account is active, which is what the heartbeat protects: docs/xipu-protocol §6).
 *   Locally nothing schedules it, and chats work without it: green. Never red.
 * - **recent-chats**: the decisive outcomes (succeeded or failed, see
 *   classify-request-outcome.ts: a content-filter answer succeeded; client errors, client
 *   limits and disconnects say nothing) of chats that ended within RECENT_CHAT_WINDOW_MS,
 *   newest first, at most RECENT_CHATS_CONSIDERED (a heartbeat proves the token, not that
 *   chats work: at the session cap it still succeeds); credential failures are the credentials check's, and a
 *   routine `upstream_login_in_progress` says nothing: none →
 *   green; the newest succeeded → green (a success after failures heals); all failed →
 *   red; some → amber.
 * - **configuration**: a bad environment → red; hosted without Upstash → red; hosted without
 *   API_KEYS and without ALLOW_ANONYMOUS → red (every chat gets 401
 *   `api_keys_not_configured`: stricter than amber, since no chat can succeed); hosted
 *   without CRON_SECRET → amber (the keep-alive cron and the login route refuse to run).
 *
 * Status: any red → down; any amber → degraded; else ok.
 */
export async function computeHealth(input: HealthInput): Promise<HealthReport> {
  const { now } = input;
  const report = (checks: HealthCheck[]): HealthReport => ({ status: summarizeHealth(checks), checkedAt: now, checks });

  if (!input.config.ok) {
    return report(
      withNotChecked(
        { id: 'configuration', level: 'red', reason: `${input.config.problem.message}. Fix this environment variable and redeploy.` },
        'the configuration is invalid',
      ),
    );
  }
  const config = input.config.config;
  const configuration = checkConfiguration(config);
  if (!input.store) {
    return report(withNotChecked({ id: 'store', level: 'red', reason: 'no store is configured' }, 'no store', configuration));
  }

  let state: RecordedState;
  try {
    state = await readRecordedState(input.store, config);
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const store: HealthCheck = { id: 'store', level: 'red', reason: `the store cannot be read (${detail.slice(0, 200)}); every chat needs it` };
    return report(withNotChecked(store, 'the store cannot be read', configuration));
  }

  const credentials = checkCredentials(config, state, now);
  return report([
    {
      id: 'store',
      level: 'green',
      reason: input.store.backend === 'upstash' ? 'Upstash Redis answers' : 'in-memory store of this process',
    },
    credentials.check,
    checkLogin(config, state.login, credentials.usable, now),
    checkHeartbeat(config, state, now),
    checkRecentChats(state, now),
    configuration,
  ]);
}

export interface HealthInput {
  /** loadConfig()'s result (or parseConfig's): a bad environment is itself a finding. */
  config: ConfigResult;
  /** The gateway's store; absent when the configuration gives none. */
  store?: Store;
  /** The moment of the check (epoch ms). */
  now: number;
}

/** Chats that ended longer ago than this say little about now. */
export const RECENT_CHAT_WINDOW_MS = 30 * 60_000;
/** How many of the newest decisive chats are weighed. */
export const RECENT_CHATS_CONSIDERED = 3;
/**
 * Chats that failed for the credentials or the login: the next chat fails the same way until
 * an upstream call succeeds again. Not `upstream_login_in_progress`: a routine refresh.
 */
export const CREDENTIAL_FAILURES: ReadonlySet<string> = new Set([
  'upstream_login_expired',
  'upstream_login_failed',
  'upstream_login_unavailable',
  'upstream_credentials_missing',
]);
/** A routine refresh's answer (503 with Retry-After): says nothing about whether chats work. */
const LOGIN_IN_PROGRESS = 'upstream_login_in_progress';
/** Records read to find them (one command however many; skips client errors in between). */
const RECENT_RECORDS_READ = 20;
/** The keep-alive cron runs daily (vercel.json; Hobby allows no more, ±59 min): a missed run plus slack. */
export const HEARTBEAT_MAX_AGE_MS = 36 * 3_600_000;

interface RecordedState {
  stored?: StoredCredentials;
  login?: LoginState;
  heartbeat?: HeartbeatState;
  /** Newest first. */
  recent: RequestRecord[];
}

/** Reads only what the configuration makes relevant, all at once. @throws when the store fails. */
async function readRecordedState(store: Store, config: GatewayConfig): Promise<RecordedState> {
  // The configuration's one account (the default); several accounts' health is issue 12's.
  const account = accountStore(store);
  const [stored, login, heartbeat, recent] = await Promise.all([
    config.demoMode ? undefined : readStoredCredentials(account),
    config.demoMode || !config.login.enabled ? undefined : readLoginState(account),
    // Also where no cron runs: a heartbeat (the admin's button, an outside scheduler) is an upstream success.
    config.demoMode ? undefined : readHeartbeatState(account),
    readRecentRequests(store, RECENT_RECORDS_READ),
  ]);
  return { stored, login, heartbeat, recent };
}

function checkConfiguration(config: GatewayConfig): HealthCheck {
  const check = (level: HealthLevel, reason: string): HealthCheck => ({ id: 'configuration', level, reason });
  if (config.hosted && !config.upstash) {
    return check('red', 'hosted without Upstash Redis (UPSTASH_REDIS_REST_URL or KV_REST_API_URL): every route refuses to run');
  }
  if (config.hosted && config.clientKeys.length === 0 && !config.allowAnonymous) {
    return check('red', 'hosted without API_KEYS: every chat is refused (401). Set API_KEYS, or ALLOW_ANONYMOUS=true');
  }
  if (config.hosted && !config.cronSecret) {
    return check('amber', 'CRON_SECRET is not set: the keep-alive cron and the login route refuse to run');
  }
  if (config.demoMode) return check('green', 'demo mode: a built-in simulator stands in for XIPU');
  return check('green', config.hosted ? 'hosted, with Upstash and API keys' : 'local');
}

function checkCredentials(config: GatewayConfig, state: RecordedState, now: number): { check: HealthCheck; usable: boolean } {
  const result = (level: HealthLevel, reason: string, usable: boolean) => ({ check: { id: 'credentials' as const, level, reason }, usable });
  if (config.demoMode) return result('green', 'demo simulator: no XIPU credentials needed', true);

  const current = pickCurrentCredentials(config.xipu.manualCredentials, state.stored);
  const loginPossible = canLogIn(config);
  const backedOffUntil = loginBackedOffUntil(state.login, now);
  const failure = findUnansweredCredentialFailure(state, now);
  const expired = current?.expiresAt !== undefined && current.expiresAt <= now;

  if (failure) {
    const failed = `a chat failed with ${failure.error} ${formatAge(now - endOf(failure))} ago and no upstream call has succeeded since`;
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

function checkLogin(config: GatewayConfig, login: LoginState | undefined, credentialsUsable: boolean, now: number): HealthCheck {
  const check = (level: HealthLevel, reason: string): HealthCheck => ({ id: 'login', level, reason });
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

function checkHeartbeat(config: GatewayConfig, state: RecordedState, now: number): HealthCheck {
  const check = (level: HealthLevel, reason: string): HealthCheck => ({ id: 'heartbeat', level, reason });
  if (config.demoMode) return check('green', 'not needed (demo simulator)');
  if (!heartbeatExpected(config)) return check('green', 'no daily keep-alive cron runs locally; chats keep the account active');
  const heartbeatAt = state.heartbeat?.at;
  if (heartbeatAt !== undefined && now - heartbeatAt <= HEARTBEAT_MAX_AGE_MS) {
    return check('green', `the last heartbeat was ${formatAge(now - heartbeatAt)} ago`);
  }
  const seen = heartbeatAt === undefined ? 'no heartbeat recorded yet' : `the last heartbeat was ${formatAge(now - heartbeatAt)} ago`;
  const lastSuccess = state.recent.find((record) => classifyRequestOutcome(record) === 'succeeded');
  if (lastSuccess && now - endOf(lastSuccess) <= HEARTBEAT_MAX_AGE_MS) {
    return check('green', `${seen}, but a chat succeeded ${formatAge(now - endOf(lastSuccess))} ago (the account is active)`);
  }
  return check('amber', `${seen}: the daily keep-alive cron (/api/cron/keepalive) should run; check CRON_SECRET and the project's Cron Jobs`);
}

function checkRecentChats(state: RecordedState, now: number): HealthCheck {
  const check = (level: HealthLevel, reason: string): HealthCheck => ({ id: 'recent-chats', level, reason });
  const decisive = state.recent
    .filter((record) => now - endOf(record) <= RECENT_CHAT_WINDOW_MS)
    .filter((record) => !CREDENTIAL_FAILURES.has(record.error ?? '') && record.error !== LOGIN_IN_PROGRESS)
    .map((record) => ({ record, outcome: classifyRequestOutcome(record) }))
    .filter(({ outcome }) => outcome === 'succeeded' || outcome === 'failed')
    .slice(0, RECENT_CHATS_CONSIDERED);
  const newest = decisive[0];
  if (!newest) return check('green', `no chats in the last ${RECENT_CHAT_WINDOW_MS / 60_000} min`);
  if (newest.outcome === 'succeeded') {
    return check('green', `the last chat succeeded ${formatAge(now - endOf(newest.record))} ago`);
  }
  const failures = decisive.filter(({ outcome }) => outcome === 'failed');
  const codes = [...new Set(failures.map(({ record }) => record.error ?? `HTTP ${record.status}`))].join(', ');
  if (failures.length === decisive.length) {
    return check('red', `the last ${decisive.length === 1 ? 'chat' : `${decisive.length} chats`} failed (${codes})`);
  }
  return check('amber', `the last chat failed (${newest.record.error ?? `HTTP ${newest.record.status}`}); ${failures.length} of the last ${decisive.length} failed`);
}

/**
 * The newest chat within the window that failed for credentials or the login, when no
 * upstream call has succeeded since: no chat that started after it did (recorded in the
 * shared recent list; a long answer that began before the failure proves nothing) and no
 * heartbeat after it began (the keep-alive job and the admin's button run them). Any
 * instance reads the same.
 */
function findUnansweredCredentialFailure(state: RecordedState, now: number): RequestRecord | undefined {
  const failure = state.recent.find((record) => CREDENTIAL_FAILURES.has(record.error ?? '') && now - endOf(record) <= RECENT_CHAT_WINDOW_MS);
  if (!failure) return undefined;
  const provenByChat = state.recent.some((record) => classifyRequestOutcome(record) === 'succeeded' && record.at > failure.at);
  const provenByHeartbeat = (state.heartbeat?.at ?? 0) > failure.at;
  return provenByChat || provenByHeartbeat ? undefined : failure;
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

/** Every check but `first` (and `also`), marked as not checked: the report keeps its shape. */
function withNotChecked(first: HealthCheck, why: string, ...also: HealthCheck[]): HealthCheck[] {
  const given = new Map<HealthCheckId, HealthCheck>([first, ...also].map((check) => [check.id, check]));
  return HEALTH_CHECK_ORDER.map((id) => given.get(id) ?? { id, level: 'amber', reason: `not checked: ${why}` });
}

const HEALTH_CHECK_ORDER: readonly HealthCheckId[] = ['store', 'credentials', 'login', 'heartbeat', 'recent-chats', 'configuration'];

function endOf(record: RequestRecord): number {
  return record.at + record.durationMs;
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
