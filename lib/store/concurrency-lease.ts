/**
 * Counting semaphore with leases: a sorted set whose members are the open requests, scored
 * by when their lease runs out (epoch ms). A holder that crashes never releases; its lease
 * simply lapses. Once as Lua for Redis, once as a pure function for the in-memory store.
 *
 * A lease is live while `expiresAt > now`. Acquiring a member that is already live renews it
 * (and succeeds even at the limit). The key expires with its last lease.
 */

/**
 * KEYS[1] the sorted set.
 * ARGV[1] member   ARGV[2] limit   ARGV[3] now (caller's clock, epoch ms)   ARGV[4] ttlMs.
 *
 * Removes lapsed leases, then adds `member` with score `now + ttlMs` when fewer than `limit`
 * live members exist (or it already is one), and sets the key to expire with its latest lease.
 * Returns 1 when acquired, 0 when the limit is reached.
 */
export const ACQUIRE_LEASE_SCRIPT = `
local key    = KEYS[1]
local member = ARGV[1]
local limit  = tonumber(ARGV[2])
local now    = tonumber(ARGV[3])
local ttlMs  = tonumber(ARGV[4])

redis.call("ZREMRANGEBYSCORE", key, "-inf", now)
if not redis.call("ZSCORE", key, member) and redis.call("ZCARD", key) >= limit then
  return 0
end
redis.call("ZADD", key, now + ttlMs, member)
local latest = redis.call("ZRANGE", key, -1, -1, "WITHSCORES")
redis.call("PEXPIRE", key, math.ceil(tonumber(latest[2]) - now))
return 1
`;

/** ARGV for ACQUIRE_LEASE_SCRIPT. */
export function acquireLeaseArguments(lease: { member: string; limit: number; now: number; ttlMs: number }): string[] {
  return [lease.member, String(lease.limit), String(Math.round(lease.now)), String(Math.round(lease.ttlMs))];
}

/**
 * ACQUIRE_LEASE_SCRIPT as a pure function over the set (member → expiresAt), which it
 * changes in place. When acquired, `ttlMs` is the key's new TTL (its latest lease); when not,
 * the key's TTL stays as it was (the set may now be empty: then the key is gone).
 */
export function acquireLeaseInSet(
  members: Map<string, number>,
  lease: { member: string; limit: number; now: number; ttlMs: number },
): { acquired: true; ttlMs: number } | { acquired: false } {
  const now = Math.round(lease.now);
  for (const [member, expiresAt] of members) {
    if (expiresAt <= now) members.delete(member);
  }
  if (!members.has(lease.member) && members.size >= lease.limit) return { acquired: false };
  members.set(lease.member, now + Math.round(lease.ttlMs));
  return { acquired: true, ttlMs: Math.ceil(Math.max(...members.values()) - now) };
}
