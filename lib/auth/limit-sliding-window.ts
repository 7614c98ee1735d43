import { z } from 'zod';
import { luaToNumber } from '@/lib/store/memory-data';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';

export interface RateLimitRequest {
  /** The limit's key; the counters are `<key>:<window index>`. */
  key: string;
  /** Calls allowed per window. */
  limit: number;
  windowMs: number;
  /** Caller's clock, epoch ms. */
  now: number;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** When the caller may try again (epoch ms); meaningful when not allowed. */
  resetAt: number;
}

/**
 * The sliding-window limit of `@upstash/ratelimit` (`Ratelimit.slidingWindow`, single region)
 * as this module's own script, so the in-memory store counts the same way on the same keys:
 * the current fixed window's count plus the previous window's, weighted by how much of it
 * still overlaps the sliding window. A refused call counts nothing. `resetAt` is the end of
 * the current fixed window. One store command.
 *
 * The memory store's rate limit (lib/auth/limit-rate.ts); on Upstash the library itself runs
 * it, and tests/auth/limit-rate.test.ts checks on real Redis that this script and the library
 * count alike.
 */
export async function limitSlidingWindow(store: Store, request: RateLimitRequest): Promise<RateLimitResult> {
  const { key, limit, windowMs } = request;
  const now = Math.round(request.now);
  const currentWindow = Math.floor(now / windowMs);
  const resetAt = (currentWindow + 1) * windowMs;
  const remaining = await store.run(SLIDING_WINDOW_SCRIPT, [`${key}:${currentWindow}`, `${key}:${currentWindow - 1}`], [limit, now, windowMs]);
  return remaining < 0 ? { allowed: false, remaining: 0, resetAt } : { allowed: true, remaining, resetAt };
}

/**
 * The library's script (@upstash/ratelimit 2.2 `slidingWindowLimitScript`) without its
 * dynamic limit and refunds, which the gateway does not use.
 *
 * KEYS[1] the current window's counter   KEYS[2] the previous window's counter.
 * ARGV[1] limit   ARGV[2] now (epoch ms)   ARGV[3] windowMs.
 *
 * Returns -1 when refused, else the calls left in the window.
 */
export const SLIDING_WINDOW_SCRIPT: StoreScript<number> = {
  name: 'limitRate',
  lua: `
local currentKey  = KEYS[1]
local previousKey = KEYS[2]
local limit       = tonumber(ARGV[1])
local now         = tonumber(ARGV[2])
local windowMs    = tonumber(ARGV[3])

local current  = tonumber(redis.call("GET", currentKey) or "0")
local previous = tonumber(redis.call("GET", previousKey) or "0")
local shareOfCurrentWindow = (now % windowMs) / windowMs
local previousWeighted = math.floor((1 - shareOfCurrentWindow) * previous)
if previousWeighted + current >= limit then
  return -1
end

local count = redis.call("INCRBY", currentKey, 1)
if count == 1 then
  -- Long enough to serve as the next window's "previous".
  redis.call("PEXPIRE", currentKey, windowMs * 2 + 1000)
end
return limit - (count + previousWeighted)
`,
  inMemory(redis, [currentKey = '', previousKey = ''], [limitText, nowText, windowText]) {
    const limit = Number(limitText);
    const now = Number(nowText);
    const windowMs = Number(windowText);

    const current = luaToNumber(redis.get(currentKey) ?? '0') ?? 0;
    const previous = luaToNumber(redis.get(previousKey) ?? '0') ?? 0;
    const shareOfCurrentWindow = (now % windowMs) / windowMs;
    const previousWeighted = Math.floor((1 - shareOfCurrentWindow) * previous);
    if (previousWeighted + current >= limit) {
      return -1;
    }

    const count = redis.incrBy(currentKey, 1);
    if (count === 1) {
      redis.pExpire(currentKey, windowMs * 2 + 1000);
    }
    return limit - (count + previousWeighted);
  },
  parse: (reply) => z.number().int().parse(reply),
};
