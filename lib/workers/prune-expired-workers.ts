import type { MemoryData } from '@/lib/store/memory-data';

/**
 * The registry's expiry, shared by its scripts: hash fields have no TTL of their own on every
 * Redis version (HEXPIRE is Redis 7.4; Upstash's support varies), so each entry's expiry is its
 * score in a sorted set, and every script first drops the entries whose time has come.
 * Expects `now` (a number), KEYS[1] the hash and KEYS[2] the expiry sorted set.
 */
export const pruneExpiredWorkersLua = `
local expired = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", now)
for _, lapsed in ipairs(expired) do
  redis.call("HDEL", KEYS[1], lapsed)
end
redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", now)
`;

/** The same for the memory store's twins. */
export function pruneExpiredWorkers(redis: MemoryData, hashKey: string, expiryKey: string, now: number): void {
  for (const [lapsed, expiresAt] of redis.zRangeWithScores(expiryKey, 0, -1)) {
    if (expiresAt <= now) redis.hDel(hashKey, lapsed);
  }
  redis.zRemRangeByScore(expiryKey, -Infinity, now);
}
