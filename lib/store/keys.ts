/**
 * The gateway's own keys (metrics, client limits, stored responses, the admin page) and how long they live;
 * each XIPU account's keys are its own (lib/xipu/account/account-keys.ts). One prefix so a
 * shared Upstash database can hold other data too.
 */
const PREFIX = 'xipu-gw:';
/**
 * The gateway's prefix, for the keys other layers own: each upstream account's keys are its
 * own (lib/xipu/account/account-keys.ts).
 */
export const STORE_PREFIX = PREFIX;

export const storeKeys = {
  /** List: JSON request records (lib/metrics), newest first, the last few only. No content, no secrets. */
  metricsRecent: `${PREFIX}metrics:recent`,
  /** Hash per clock hour (epoch ms of its start): request, error and time-to-first-token counters. */
  metricsHour: (hourStart: number) => `${PREFIX}metrics:hour:${hourStart}`,
  /** Sorted set per client key: open requests with their lease expiry. */
  concurrency: (clientKeyId: string) => `${PREFIX}concurrency:${clientKeyId}`,
  /** Prefix handed to @upstash/ratelimit for the per-client-key limit. */
  rateLimit: (clientKeyId: string) => `${PREFIX}ratelimit:${clientKeyId}`,
  /** String: JSON of one stored Responses answer (lib/api/responses/stored-responses.ts), with RESPONSES_STORE_TTL_HOURS. */
  storedResponse: (responseId: string) => `${PREFIX}responses:${responseId}`,
  /** String: the id of the stored response whose output holds this item (`item_reference` input items). Same TTL. */
  storedResponseItem: (itemId: string) => `${PREFIX}responses:item:${itemId}`,
  /**
   * String: JSON of an UPSTREAMS entry's model list read from its `GET /models`
   * (lib/openai-compatible/create-upstream-source.ts): `{ models, fetchedAt, error?, errorAt? }`.
   * Refreshed after 5 minutes, kept a week so a list survives the upstream being down.
   */
  upstreamModels: (upstreamId: string) => `${PREFIX}upstream:${upstreamId}:models`,
  /** String: the routing turn counter of a source with several endpoints (lib/providers/take-route-turn.ts), e.g. XIPU's accounts. */
  routeTurn: (sourceId: string) => `${PREFIX}route-turn:${sourceId}`,
  /**
   * Hash: the worker registry (lib/workers), one field per worker id holding the JSON of its
   * entry (with its apiKey: this key is read by the gateway only, never shown).
   */
  workers: `${PREFIX}workers`,
  /** Sorted set: each registered worker's id scored by when its entry expires (epoch ms); the registry's scripts prune by it. */
  workerExpiry: `${PREFIX}workers:expiry`,
  /**
   * Sorted set per endpoint (`worker:<id>`, `upstream:<id>`; lib/balancing): its calls in
   * flight on every instance, each scored by when its lease runs out, so a killed instance's
   * calls stop counting by themselves.
   */
  balanceInFlight: (endpointId: string) => `${PREFIX}balance:${endpointId}:in-flight`,
  /** Hash per endpoint (lib/balancing): consecutive failures, cooldown and probe state; deleted by a success. */
  balanceHealth: (endpointId: string) => `${PREFIX}balance:${endpointId}:health`,
  /** Hash: the managed client keys (lib/keys), one field per key id holding its record's JSON (the key's SHA-256, never the key). */
  managedKeys: `${PREFIX}keys`,
  /** Hash: a managed key's SHA-256 (hex) → its id, so the presented key is found in one command. */
  managedKeyByHash: `${PREFIX}keys:by-hash`,
  /** String per managed key and UTC day (`YYYY-MM-DD`): tokens used plus reserved that day (the daily quota). */
  managedKeyTokens: (keyId: string, day: string) => `${PREFIX}keys:${keyId}:tokens:${day}`,
  /** Hash per managed key: `<day>:requests|prompt|completion` counters and `lastUsedAt`, expiring a month after the last use. */
  managedKeyUsage: (keyId: string) => `${PREFIX}keys:${keyId}:usage`,
} as const;

/** Keys only the admin page uses. */
export const adminStoreKeys = {
  /**
   * Prefix of the sign-in rate limit; the client IP (made ":"-free) is appended after a ":"
   * (lib/auth/limit-rate.ts splits the key at its last ":" into prefix and identifier).
   */
  signInRateLimit: `${PREFIX}admin:sign-in`,
  /** String: JSON of the last reachability check {at, targets}. */
  reachability: `${PREFIX}admin:reachability`,
  /** String per "Create a key" form sent (its random form id): a resent form (a reload of the answer) makes no second key. */
  keyFormSent: (formId: string) => `${PREFIX}admin:key-form:${formId}`,
} as const;

export const storeTtls = {
  /** A concurrency slot outlives the longest request (route maxDuration 300 s) slightly. */
  concurrencyLeaseMs: 320_000,
  /** A reachability result older than a day says little about now. */
  reachabilityMs: 24 * 3_600_000,
  /** A create-key form is remembered a day: longer than anyone keeps the answer's tab to reload it. */
  keyFormSentMs: 24 * 3_600_000,
  /** The schedule key expires when idle; it only ever holds near-future times. */
  pacerIdleMs: 600_000,
  /** The recent-requests list outlives a quiet weekend day, then disappears with the last request. */
  metricsRecentMs: 2 * 24 * 3_600_000,
  /** An hour's counters: the 24-hour series plus two hours of slack. */
  metricsHourMs: 26 * 3_600_000,
  /** A balanced call's in-flight lease: like a client's concurrency slot, it outlives the longest request. */
  balanceLeaseMs: 320_000,
  /** An endpoint's failure record outlives its cooldown by this much, then goes (a quiet endpoint starts afresh). */
  balanceHealthKeepMs: 3_600_000,
  /** A day's token counter outlives its UTC day (and a request that crosses midnight) by a day. */
  managedKeyTokensMs: 2 * 24 * 3_600_000,
  /** A key's usage counters: the 30-day view plus a day, renewed by every use. */
  managedKeyUsageMs: 31 * 24 * 3_600_000,
} as const;
