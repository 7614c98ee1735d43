/**
 * Every key the gateway keeps in the store, and how long it lives. One prefix so a shared
 * Upstash database can hold other data too.
 */
const PREFIX = 'xipu-gw:';

export const storeKeys = {
  /**
   * Hash: the account's call schedule (lib/store/slot-schedule.ts), with its sorted set of
   * reserved slots at `<this key>:slots` (slotScheduleKeys).
   */
  pacerSchedule: `${PREFIX}pacer`,
  /** Hash: upstream session id → JSON {owner, leaseUntil, createdAt, model} of sessions we created. */
  upstreamSessions: `${PREFIX}sessions`,
  /** String: JSON of the upstream credentials (token, session string, expiry, source). */
  credentials: `${PREFIX}credentials`,
  /**
   * String per token (by fingerprint, never the token): when it first served a successful
   * upstream call. A token rejected after serving was revoked or expired (log in again); one
   * rejected before it ever served points at a firewall or region block (back off).
   */
  credentialsServed: (fingerprint: string) => `${PREFIX}credentials:served:${fingerprint}`,
  /**
   * String per token (by fingerprint): set when a fresh login's token was first rejected before
   * it served, so that rejection is counted as a failed login once, not once per request.
   */
  credentialsRejected: (fingerprint: string) => `${PREFIX}credentials:rejected:${fingerprint}`,
  /** String: the persistent heartbeat session's id (never swept). */
  heartbeatSessionId: `${PREFIX}heartbeat-session`,
  /** String: held while one heartbeat runs, so two beats never both create a session. */
  heartbeatLock: `${PREFIX}heartbeat-lock`,
  /** String: JSON of the last heartbeat (time, outcome, action) for the admin page. */
  heartbeatState: `${PREFIX}heartbeat-state`,
  /** String: the token of the instance running a login (SET NX with a TTL). */
  loginLock: `${PREFIX}login:lock`,
  /** String: JSON of the last login (outcome, time, duration, failed step, back-off). */
  loginState: `${PREFIX}login:state`,
  /** String: base64 JPEG of the page where the last login failed. */
  loginScreenshot: `${PREFIX}login:screenshot`,
  /** String: JSON list of the running login's step events (admin page: "log in now"). */
  loginProgress: `${PREFIX}login:progress`,
  /** String: JSON of the keep-alive job's last run (time and report). */
  keepaliveLastRun: `${PREFIX}keepalive:last-run`,
  /** String: JSON of the last sweep {at, deleted, totalDeleted}. */
  sweepLastRun: `${PREFIX}sweep:last-run`,
  /** String: set while a background refresh has been asked for, so requests ask once. */
  refreshRequested: `${PREFIX}login:refresh-requested`,
  /** List: JSON request records (lib/metrics), newest first, the last few only. No content, no secrets. */
  metricsRecent: `${PREFIX}metrics:recent`,
  /** Hash per clock hour (epoch ms of its start): request, error and time-to-first-token counters. */
  metricsHour: (hourStart: number) => `${PREFIX}metrics:hour:${hourStart}`,
  /** Sorted set per client key: open requests with their lease expiry. */
  concurrency: (clientKeyId: string) => `${PREFIX}concurrency:${clientKeyId}`,
  /** Prefix handed to @upstash/ratelimit for the per-client-key limit. */
  rateLimit: (clientKeyId: string) => `${PREFIX}ratelimit:${clientKeyId}`,
} as const;

/** Keys only the admin page uses. */
export const adminStoreKeys = {
  /**
   * Prefix of the sign-in rate limit; the client IP (made ":"-free) is appended after a ":"
   * (the Upstash store splits the key at its last ":" into prefix and identifier).
   */
  signInRateLimit: `${PREFIX}admin:sign-in`,
  /** String: JSON of the last reachability check {at, targets}. */
  reachability: `${PREFIX}admin:reachability`,
} as const;

export const storeTtls = {
  /** A session's lease: renewed while it streams; after it lapses anyone may sweep it. */
  sessionLeaseMs: 90_000,
  /** A concurrency slot outlives the longest request (route maxDuration 300 s) slightly. */
  concurrencyLeaseMs: 320_000,
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
  /** A reachability result older than a day says little about now. */
  reachabilityMs: 24 * 3_600_000,
  /** The schedule key expires when idle; it only ever holds near-future times. */
  pacerIdleMs: 600_000,
  /** The recent-requests list outlives a quiet weekend day, then disappears with the last request. */
  metricsRecentMs: 2 * 24 * 3_600_000,
  /** An hour's counters: the 24-hour series plus two hours of slack. */
  metricsHourMs: 26 * 3_600_000,
} as const;
