import { z } from 'zod';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';

/**
 * Counting semaphore with leases: a sorted set whose members are the open requests, scored
 * by when their lease runs out (epoch ms). A holder that crashes never releases; its lease
 * simply lapses.
 *
 * A lease is live while `expiresAt > now`. Acquiring a member that is already live renews it
 * (and succeeds even at the limit). The key expires with its last lease.
 */
export interface LeaseRequest {
  member: string;
  /** At most this many live leases. */
  limit: number;
  /** Caller's clock, epoch ms. */
  now: number;
  /** The lease runs out this long after `now`. */
  ttlMs: number;
}

/**
 * Adds `lease.member` to the set at `key` when fewer than `limit` live members exist (or it
 * already is one). One store command.
 * @returns whether the lease was acquired.
 */
export async function acquireLease(store: Store, key: string, lease: LeaseRequest): Promise<boolean> {
  return await store.run(ACQUIRE_LEASE_SCRIPT, [key], [lease.member, lease.limit, Math.round(lease.now), Math.round(lease.ttlMs)]);
}

/**
 * Gives a lease back before it lapses. One store command. (A finished request's lease is
 * released by its metrics write instead, in the same command: lib/metrics/append-metric.ts.)
 */
export async function releaseLease(store: Store, key: string, member: string): Promise<void> {
  await store.run(RELEASE_LEASE_SCRIPT, [key], [member]);
}

/**
 * KEYS[1] the sorted set.
 * ARGV[1] member   ARGV[2] limit   ARGV[3] now (caller's clock, epoch ms)   ARGV[4] ttlMs.
 *
 * Removes lapsed leases, then adds `member` with score `now + ttlMs` when fewer than `limit`
 * live members exist (or it already is one), and sets the key to expire with its latest lease.
 * Returns 1 when acquired, 0 when the limit is reached.
 */
export const ACQUIRE_LEASE_SCRIPT: StoreScript<boolean> = {
  name: 'acquireLease',
  lua: `
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
`,
  inMemory(redis, [key = ''], [member = '', limitText, nowText, ttlText]) {
    const limit = Number(limitText);
    const now = Number(nowText);
    const ttlMs = Number(ttlText);

    redis.zRemRangeByScore(key, -Infinity, now);
    if (redis.zScore(key, member) === null && redis.zCard(key) >= limit) {
      return 0;
    }
    redis.zAdd(key, now + ttlMs, member);
    const [, latest = now + ttlMs] = redis.zRangeWithScores(key, -1, -1)[0] ?? [];
    redis.pExpire(key, Math.ceil(latest - now));
    return 1;
  },
  parse: (reply) => z.number().parse(reply) === 1,
};

/** KEYS[1] the sorted set.  ARGV[1] member.  ZREM; returns how many were removed (0 or 1). */
export const RELEASE_LEASE_SCRIPT: StoreScript<number> = {
  name: 'releaseLease',
  lua: `
return redis.call("ZREM", KEYS[1], ARGV[1])
`,
  inMemory(redis, [key = ''], [member = '']) {
    return redis.zRem(key, member);
  },
  parse: (reply) => z.number().parse(reply),
};
