import type { ConfigResult, GatewayConfig } from '@/lib/config/env';
import {
  checkAccountHealth,
  HEARTBEAT_MAX_AGE_MS,
  readAccountHealthState,
  type AccountHealthState,
  type ChatFacts,
} from '@/lib/xipu/health/check-account-health';
import { classifyRequestOutcome } from '@/lib/metrics/classify-request-outcome';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import type { RequestRecord } from '@/lib/metrics/request-record';
import type { Store } from '@/lib/store/store';
import { accountStore } from '@/lib/xipu/account/account-store';
import { accountConfig, xipuAccountSettings } from '@/lib/xipu/account/account-settings';
import { summarizeHealth, type HealthCheck, type HealthCheckId, type HealthLevel, type HealthReport } from './health-report';

/**
 * Whether a chat would succeed now, from recorded state only: it reads the store (2 to 5
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
 * - **pool** (the warm session pool, while SESSION_POOL_SIZE > 0; its totals only, one
 *   command): XIPU refused the last refill and none has worked since (the 50-session cap,
 *   say) → amber; chats still work without it, each creating its own session, so never red.
 *   Off or refilling → green.
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

  const store: HealthCheck = { id: 'store', level: 'green', reason: input.store.backend === 'upstash' ? 'Upstash Redis answers' : 'in-memory store of this process' };
  if (state.accounts.length === 1) {
    const [only] = state.accounts;
    return report([store, ...checkAccountHealth(only!.config, only!.state, chatFacts(state.recent, now), now), checkRecentChats(state, now), configuration]);
  }
  // Several accounts: each checked on its own records and its own chats; the top-level
  // checks say whether the gateway can serve at all (red only when no account can).
  const accounts = state.accounts.map(({ id, config: accountConfig, state: accountState }) => {
    const checks = checkAccountHealth(accountConfig, accountState, chatFacts(state.recent.filter((record) => record.upstream === `xipu:${id}`), now), now);
    return { id, status: summarizeHealth(checks), checks };
  });
  return { ...report([store, ...sumUpAccounts(accounts), checkRecentChats(state, now), configuration]), accounts };
}

/** One check per account check id over several accounts: red if every account is red, amber if some are not green. */
function sumUpAccounts(accounts: Array<{ id: string; checks: HealthCheck[] }>): HealthCheck[] {
  const ids = [...new Set(accounts.flatMap((account) => account.checks.map((check) => check.id)))];
  return ids.map((checkId) => {
    const each = accounts.map((account) => ({ id: account.id, check: account.checks.find((check) => check.id === checkId) }));
    const red = each.filter(({ check }) => check?.level === 'red');
    const notGreen = each.filter(({ check }) => check !== undefined && check.level !== 'green');
    const level: HealthLevel = red.length === accounts.length ? 'red' : notGreen.length > 0 ? 'amber' : 'green';
    const reason =
      notGreen.length === 0
        ? `all ${accounts.length} accounts: ${each[0]?.check?.reason ?? 'fine'}`
        : notGreen.map(({ id, check }) => `${id}: ${check!.reason}`).join('; ') + (red.length < accounts.length && red.length > 0 ? ' (the other accounts serve)' : '');
    return { id: checkId, level, reason };
  });
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
/** The heartbeat's allowed age: the account's rule (lib/xipu/health/check-account-health.ts). */
export { HEARTBEAT_MAX_AGE_MS };

interface RecordedState {
  /** Each XIPU account's records (credentials, login, heartbeat), with its view of the configuration. */
  accounts: Array<{ id: string; config: GatewayConfig; state: AccountHealthState }>;
  /** Newest first. */
  recent: RequestRecord[];
}

/** Reads only what the configuration makes relevant, all at once. @throws when the store fails. */
async function readRecordedState(store: Store, config: GatewayConfig): Promise<RecordedState> {
  const settings = xipuAccountSettings(config);
  const [recent, ...states] = await Promise.all([
    readRecentRequests(store, RECENT_RECORDS_READ),
    ...settings.map((account) => readAccountHealthState(accountStore(store, account.id), accountConfig(config, account))),
  ]);
  return { recent, accounts: settings.map((account, index) => ({ id: account.id, config: accountConfig(config, account), state: states[index]! })) };
}

/** What the recent chats (of the account, when there are several) tell the account's checks. */
function chatFacts(recent: RequestRecord[], now: number): ChatFacts {
  const state = { recent };
  const failure = findUnansweredCredentialFailure(state, now);
  const lastSuccess = state.recent.find((record) => classifyRequestOutcome(record) === 'succeeded');
  return {
    credentialFailure: failure ? { error: failure.error ?? '', at: failure.at, endedAt: endOf(failure) } : undefined,
    lastSuccessEndedAt: lastSuccess ? endOf(lastSuccess) : undefined,
  };
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
 * The newest chat within the window that failed for credentials or the login, when no chat
 * that started after it succeeded (recorded in the shared recent list; a long answer that
 * began before the failure proves nothing). A heartbeat after it also answers it: the
 * account's check weighs that. Any instance reads the same.
 */
function findUnansweredCredentialFailure(state: Pick<RecordedState, 'recent'>, now: number): RequestRecord | undefined {
  const failure = state.recent.find((record) => CREDENTIAL_FAILURES.has(record.error ?? '') && now - endOf(record) <= RECENT_CHAT_WINDOW_MS);
  if (!failure) return undefined;
  const provenByChat = state.recent.some((record) => classifyRequestOutcome(record) === 'succeeded' && record.at > failure.at);
  return provenByChat ? undefined : failure;
}

/** Every check but `first` (and `also`), marked as not checked: the report keeps its shape. */
function withNotChecked(first: HealthCheck, why: string, ...also: HealthCheck[]): HealthCheck[] {
  const given = new Map<HealthCheckId, HealthCheck>([first, ...also].map((check) => [check.id, check]));
  return HEALTH_CHECK_ORDER.map((id) => given.get(id) ?? { id, level: 'amber', reason: `not checked: ${why}` });
}

const HEALTH_CHECK_ORDER: readonly HealthCheckId[] = ['store', 'credentials', 'login', 'heartbeat', 'pool', 'recent-chats', 'configuration'];

function endOf(record: RequestRecord): number {
  return record.at + record.durationMs;
}

function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3_600)} h`;
}
