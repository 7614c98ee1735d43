import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { z } from 'zod';
import {
  CANCEL_SLOT_SCRIPT,
  parseReserveSlotReply,
  releaseSlotArguments,
  RELEASE_SLOT_SCRIPT,
  renewSlotHoldArguments,
  RENEW_SLOT_HOLD_SCRIPT,
  reserveSlotArguments,
  RESERVE_SLOT_SCRIPT,
  slotScheduleKeys,
} from './slot-schedule';
import { appendMetricArguments, APPEND_METRIC_SCRIPT } from './append-metric';
import { acquireLeaseArguments, ACQUIRE_LEASE_SCRIPT } from './concurrency-lease';
import { storeTtls } from './keys';
import type { RateLimitResult, Store } from './store';

export interface UpstashStoreOptions {
  /** REST URL (`UPSTASH_REDIS_REST_URL` / `KV_REST_API_URL`). */
  url: string;
  token: string;
  /** `false` turns off the client's retries of network errors (tests). */
  retry?: false;
  /** Bound on every HTTP call to Upstash; an unreachable or hung Upstash fails with an error. */
  timeoutMs?: number;
  /**
   * `@upstash/ratelimit` gives up after this long and **fails open** (allows the call): a slow
   * Upstash must not block chats, and the pacer still protects the account.
   */
  rateLimitTimeoutMs?: number;
}

/**
 * Upstash answers in milliseconds; 3 s means it is down or unreachable, and a chat would
 * rather fail with an error than hang until the route's maxDuration.
 */
const DEFAULT_TIMEOUT_MS = 3_000;
/** Below DEFAULT_TIMEOUT_MS, so a slow limit check fails open before the call itself fails. */
const DEFAULT_RATE_LIMIT_TIMEOUT_MS = 1_500;
/**
 * The client retries network errors (not timeouts) 5 times over ~4 s by default; two quick
 * retries ride out a dropped keep-alive connection without stretching a failure.
 */
const DEFAULT_RETRY = { retries: 2, backoff: (retryCount: number) => 50 * 2 ** retryCount };

/**
 * Deletes the key when it still holds the expected value (releasing a lock one owns).
 * KEYS[1] the key.  ARGV[1] the expected value.  Returns 1 when deleted, else 0.
 */
const DELETE_IF_EQUALS_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
`;

const flatHashSchema = z.union([z.array(z.string()), z.record(z.string(), z.string()), z.null()]);
const integerReplySchema = z.number();
const listReplySchema = z.array(z.string());

/**
 * The Store on Upstash Redis over REST, shared by every instance. Values round-trip exactly
 * (`automaticDeserialization: false`: "0123", "null" and JSON text stay strings). Every
 * HTTP call is bounded by `timeoutMs` and rejects after it. Scripts run with EVALSHA and fall
 * back to EVAL on NOSCRIPT. Concurrent calls share one HTTP request (auto-pipelining); each
 * store method costs one Redis command, except a script's first use on a fresh database
 * (EVALSHA → NOSCRIPT → EVAL).
 *
 * `limitRate` is `@upstash/ratelimit`'s sliding window: one Ratelimit per (prefix, limit,
 * window), the key split at its last ":" into prefix and identifier so Redis keys read
 * `<key>:<window index>`; it uses the real clock and fails open after `rateLimitTimeoutMs`.
 */
export function createUpstashStore(options: UpstashStoreOptions): Store {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: options.retry ?? DEFAULT_RETRY,
    // A function: the client then calls it per request and throws on abort (a plain signal
    // would be shared by every request and turn an abort into a fake result).
    signal: () => AbortSignal.timeout(timeoutMs),
  });
  const scripts = {
    reserveSlot: redis.createScript<unknown>(RESERVE_SLOT_SCRIPT),
    cancelSlot: redis.createScript<unknown>(CANCEL_SLOT_SCRIPT),
    releaseSlot: redis.createScript<unknown>(RELEASE_SLOT_SCRIPT),
    renewSlotHold: redis.createScript<unknown>(RENEW_SLOT_HOLD_SCRIPT),
    acquireLease: redis.createScript<unknown>(ACQUIRE_LEASE_SCRIPT),
    deleteIfEquals: redis.createScript<unknown>(DELETE_IF_EQUALS_SCRIPT),
    appendMetric: redis.createScript<unknown>(APPEND_METRIC_SCRIPT),
  };
  const rateLimiters = new Map<string, Ratelimit>();
  const rateLimitTimeoutMs = options.rateLimitTimeoutMs ?? DEFAULT_RATE_LIMIT_TIMEOUT_MS;

  const rateLimiterFor = (prefix: string, limit: number, windowMs: number): Ratelimit => {
    const cacheKey = `${limit}/${windowMs}/${prefix}`;
    let rateLimiter = rateLimiters.get(cacheKey);
    if (!rateLimiter) {
      rateLimiter = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(limit, `${windowMs} ms`),
        prefix,
        timeout: rateLimitTimeoutMs,
        analytics: false,
        // No per-process block list: both stores then answer alike, and a refused call costs
        // one command either way.
        ephemeralCache: false,
      });
      rateLimiters.set(cacheKey, rateLimiter);
    }
    return rateLimiter;
  };

  return {
    backend: 'upstash',

    async get(key) {
      return await redis.get<string>(key);
    },

    async set(key, value, setOptions) {
      if (setOptions?.ttlMs === undefined) await redis.set(key, value);
      else await redis.set(key, value, { px: setOptions.ttlMs });
    },

    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(key, value, { nx: true, px: ttlMs })) === 'OK';
    },

    async deleteIfEquals(key, expected) {
      return integerReplySchema.parse(await scripts.deleteIfEquals.exec([key], [expected])) === 1;
    },

    async delete(...keys) {
      if (keys.length > 0) await redis.del(...keys);
    },

    async hashSet(key, fields) {
      if (Object.keys(fields).length > 0) await redis.hset(key, fields);
    },

    async hashGetAll(key) {
      const reply = flatHashSchema.parse(await redis.hgetall(key));
      if (reply === null) return {};
      if (!Array.isArray(reply)) return reply;
      const fields: Record<string, string> = {};
      for (let index = 0; index + 1 < reply.length; index += 2) {
        fields[reply[index] as string] = reply[index + 1] as string;
      }
      return fields;
    },

    async hashDelete(key, ...fields) {
      if (fields.length > 0) await redis.hdel(key, ...fields);
    },

    async reserveSlot(key, request) {
      return parseReserveSlotReply(
        await scripts.reserveSlot.exec(slotScheduleKeys(key), reserveSlotArguments(request, storeTtls.pacerIdleMs)),
      );
    },

    async cancelSlot(key, token) {
      await scripts.cancelSlot.exec(slotScheduleKeys(key), [token]);
    },

    async releaseSlot(key, release) {
      await scripts.releaseSlot.exec([key], releaseSlotArguments(release, storeTtls.pacerIdleMs));
    },

    async renewSlotHold(key, renewal) {
      const reply = await scripts.renewSlotHold.exec([key], renewSlotHoldArguments(renewal, storeTtls.pacerIdleMs));
      return integerReplySchema.parse(reply) === 1;
    },

    async acquireLease(key, lease) {
      return integerReplySchema.parse(await scripts.acquireLease.exec([key], acquireLeaseArguments(lease))) === 1;
    },

    async releaseLease(key, member) {
      await redis.zrem(key, member);
    },

    async limitRate(key, limit, windowMs): Promise<RateLimitResult> {
      const separator = key.lastIndexOf(':');
      const [prefix, identifier] =
        separator === -1 ? [key, 'default'] : [key.slice(0, separator), key.slice(separator + 1)];
      const result = await rateLimiterFor(prefix, limit, windowMs).limit(identifier);
      // After its timeout Ratelimit answers success with reset 0 (failing open).
      return { allowed: result.success, remaining: result.remaining, resetAt: result.reset || Date.now() };
    },

    async appendMetric(metric) {
      const { keys, args } = appendMetricArguments(metric);
      await scripts.appendMetric.exec(keys, args);
    },

    async listRange(key, start, stop) {
      return listReplySchema.parse(await redis.lrange(key, start, stop));
    },

    async ping() {
      await redis.ping();
    },
  };
}
