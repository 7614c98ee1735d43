import type { RateLimitResult } from './store';

/**
 * Counters the sliding window reads and bumps: plain string keys holding integers.
 * `increment` sets `ttlMs` when it creates the key (INCRBY + PEXPIRE on first use).
 */
export interface WindowCounters {
  read(key: string): number;
  increment(key: string, ttlMs: number): number;
}

/**
 * The sliding-window limit of `@upstash/ratelimit` (`Ratelimit.slidingWindow`, single region),
 * for the in-memory store, so both stores count the same way on the same keys
 * (`<key>:<window index>`): the current fixed window's count plus the previous window's,
 * weighted by how much of it still overlaps the sliding window. A refused call counts nothing.
 * `resetAt` is the end of the current fixed window.
 */
export function limitSlidingWindow(
  counters: WindowCounters,
  request: { key: string; limit: number; windowMs: number; now: number },
): RateLimitResult {
  const { key, limit, windowMs, now } = request;
  const currentWindow = Math.floor(now / windowMs);
  const currentKey = `${key}:${currentWindow}`;
  const previousKey = `${key}:${currentWindow - 1}`;
  const resetAt = (currentWindow + 1) * windowMs;

  const shareOfCurrentWindow = (now % windowMs) / windowMs;
  const previousWeighted = Math.floor((1 - shareOfCurrentWindow) * counters.read(previousKey));
  if (previousWeighted + counters.read(currentKey) >= limit) {
    return { allowed: false, remaining: 0, resetAt };
  }
  // Same expiry as the Upstash script: long enough to serve as the next window's "previous".
  const count = counters.increment(currentKey, windowMs * 2 + 1000);
  return { allowed: true, remaining: Math.max(0, limit - (count + previousWeighted)), resetAt };
}
