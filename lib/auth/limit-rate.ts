import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import type { Store } from '@/lib/store/store';
import { limitSlidingWindow, type RateLimitRequest, type RateLimitResult } from './limit-sliding-window';

/**
 * Upstash answers in milliseconds; below the store's own 3 s bound (lib/store/upstash-store.ts),
 * so a slow limit check fails open before the call itself would fail.
 */
const DEFAULT_TIMEOUT_MS = 1_500;

/**
 * Sliding-window rate limit: `limit` calls per `windowMs` per key, shared by every instance.
 *
 * On Upstash it is `@upstash/ratelimit`'s sliding window, reached through the client the
 * Upstash store lends (`UpstashStore.withClient`: its failures are store errors like any
 * other call's, and no second client or connection exists). The library uses the real clock
 * and **fails open** after `timeoutMs` (allows the call): a slow Upstash must not block chats,
 * and the pacer still protects the account. A Ratelimit is made per call (cheap, no I/O), so
 * nothing is kept in module memory. The key is split at its last ":" into the library's prefix
 * and identifier, so Redis keys read `<key>:<window index>`.
 *
 * On the memory store it is the same window as this module's script (./limit-sliding-window.ts),
 * on `request.now`. One store command either way.
 */
export async function limitRate(
  store: Store,
  request: RateLimitRequest,
  options: { timeoutMs?: number } = {},
): Promise<RateLimitResult> {
  if (store.backend === 'memory') return await limitSlidingWindow(store, request);
  return await store.withClient((redis) => limitWithUpstashRatelimit(redis, request, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
}

async function limitWithUpstashRatelimit(redis: Redis, request: RateLimitRequest, timeoutMs: number): Promise<RateLimitResult> {
  const { key, limit, windowMs } = request;
  const separator = key.lastIndexOf(':');
  const [prefix, identifier] = separator === -1 ? [key, 'default'] : [key.slice(0, separator), key.slice(separator + 1)];
  const rateLimiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(limit, `${windowMs} ms`),
    prefix,
    timeout: timeoutMs,
    analytics: false,
    // No per-process block list: both stores then answer alike, and a refused call costs
    // one command either way.
    ephemeralCache: false,
  });
  const result = await rateLimiter.limit(identifier);
  // After its timeout Ratelimit answers success with reset 0 (failing open).
  return { allowed: result.success, remaining: result.remaining, resetAt: result.reset || request.now };
}
