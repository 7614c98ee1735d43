import { XIPU_ACCOUNT_ID_PATTERN } from '@/lib/config/provider-entries';
import { STORE_PREFIX } from '@/lib/store/keys';

/** The account a single-account deployment has always had; it keeps that gateway's keys. */
export const DEFAULT_ACCOUNT_ID = 'default';

/** An account id: short, and safe inside a store key and a log line (XIPU_ACCOUNTS ids are checked against it). */
export const ACCOUNT_ID_PATTERN = XIPU_ACCOUNT_ID_PATTERN;

/** Every key one XIPU account keeps in the store (docs/architecture.md "XIPU's home"). */
export interface XipuAccountKeys {
  /**
   * Hash: the account's call schedule (lib/pacing/slot-schedule.ts), with its sorted set of
   * reserved slots at `<this key>:slots`. One schedule per account: XIPU limits each account.
   */
  pacerSchedule: string;
  /**
   * Hash: upstream session id → JSON {owner, leaseUntil, createdAt, model, state?, settings?}
   * of sessions we created — in flight, pooled and pending a delete — and `refill:<token>`
   * placeholders (lib/xipu/sessions/session-pool.ts).
   */
  upstreamSessions: string;
  /** Hash: the warm pool's totals (hits, misses, refills, the last refill error, the last settings). */
  sessionPoolStats: string;
  /** String: held while one instance deletes the queue of used sessions in a batch (SET NX with a TTL). */
  sessionDeleteLock: string;
  /** String: JSON of the upstream credentials (token, session string, expiry, source). */
  credentials: string;
  /**
   * String per token (by fingerprint, never the token): when it first served a successful
   * upstream call. A token rejected after serving was revoked or expired (log in again); one
   * rejected before it ever served points at a firewall or region block (back off).
   */
  credentialsServed: (fingerprint: string) => string;
  /**
   * String per token (by fingerprint): set when a fresh login's token was first rejected before
   * it served, so that rejection is counted as a failed login once, not once per request.
   */
  credentialsRejected: (fingerprint: string) => string;
  /** String: the persistent heartbeat session's id (never swept). */
  heartbeatSessionId: string;
  /** String: held while one heartbeat runs, so two beats never both create a session. */
  heartbeatLock: string;
  /** String: JSON of the last heartbeat (time, outcome, action) for the admin page. */
  heartbeatState: string;
  /** String: the token of the instance running a login (SET NX with a TTL). */
  loginLock: string;
  /** String: JSON of the last login (outcome, time, duration, failed step, back-off). */
  loginState: string;
  /** String: base64 JPEG of the page where the last login failed. */
  loginScreenshot: string;
  /** String: JSON list of the running login's step events (admin page: "log in now"). */
  loginProgress: string;
  /** String: set while a background refresh has been asked for, so requests ask once. */
  refreshRequested: string;
  /** String: JSON of the keep-alive job's last run (time and report). */
  keepaliveLastRun: string;
  /** String: JSON of the last sweep {at, deleted, totalDeleted}. */
  sweepLastRun: string;
  /**
   * String: when XIPU last refused a session for the account's 50-session cap (after the
   * sweep freed nothing); lives a minute, while routing skips the account (docs/accounts.md).
   */
  sessionCapRefused: string;
}

/**
 * The keys of one account. The default account's are the keys the single-account gateway
 * always used (`xipu-gw:credentials`, …), so an upgraded deployment keeps its stored login,
 * its heartbeat session and its session records without a migration; every other account's
 * keys carry its id (`xipu-gw:account:<id>:credentials`).
 */
export function xipuAccountKeys(accountId: string): XipuAccountKeys {
  if (!ACCOUNT_ID_PATTERN.test(accountId)) throw new Error(`not an account id: ${JSON.stringify(accountId)}`);
  const prefix = accountId === DEFAULT_ACCOUNT_ID ? STORE_PREFIX : `${STORE_PREFIX}account:${accountId}:`;
  return {
    pacerSchedule: `${prefix}pacer`,
    upstreamSessions: `${prefix}sessions`,
    sessionPoolStats: `${prefix}session-pool:stats`,
    sessionDeleteLock: `${prefix}sessions:delete-lock`,
    credentials: `${prefix}credentials`,
    credentialsServed: (fingerprint) => `${prefix}credentials:served:${fingerprint}`,
    credentialsRejected: (fingerprint) => `${prefix}credentials:rejected:${fingerprint}`,
    heartbeatSessionId: `${prefix}heartbeat-session`,
    heartbeatLock: `${prefix}heartbeat-lock`,
    heartbeatState: `${prefix}heartbeat-state`,
    loginLock: `${prefix}login:lock`,
    loginState: `${prefix}login:state`,
    loginScreenshot: `${prefix}login:screenshot`,
    loginProgress: `${prefix}login:progress`,
    refreshRequested: `${prefix}login:refresh-requested`,
    keepaliveLastRun: `${prefix}keepalive:last-run`,
    sweepLastRun: `${prefix}sweep:last-run`,
    sessionCapRefused: `${prefix}sessions:cap-refused`,
  };
}

/** How long an account's records live. */
export const xipuAccountTtls = {
  /** A session's lease: renewed while it streams; after it lapses anyone may sweep it. */
  sessionLeaseMs: 90_000,
  /** A heartbeat (two paced calls, each bounded by its timeouts) ends well within this. */
  heartbeatLockMs: 120_000,
  /** A login may take this long (browser start, SSO, page loads) before its lock lapses. */
  loginLockMs: 240_000,
  /** A failed login's screenshot is kept this long for the admin page. */
  loginScreenshotMs: 24 * 3_600_000,
  /** A served mark outlives its token (JWT `exp`) by this much; a token without `exp` keeps it this long. */
  credentialsServedSlackMs: 24 * 3_600_000,
  /** One background refresh request per this period, however many requests see the margin. */
  refreshRequestMs: 60_000,
  /** A running login's step list outlives the longest login (lock 240 s) with room to read it. */
  loginProgressMs: 10 * 60_000,
  /** The last keep-alive run is shown on the admin page; a week covers any cron schedule. */
  keepaliveRecordMs: 7 * 24 * 3_600_000,
  /** After a session-cap refusal the account is skipped this long, then tried again (the sweep and deletes free sessions). */
  sessionCapRefusedMs: 60_000,
} as const;
