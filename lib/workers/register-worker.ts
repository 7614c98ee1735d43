import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { pruneExpiredWorkersLua, pruneExpiredWorkers } from './prune-expired-workers';
import { DEFAULT_WORKER_TTL_SECONDS, workerRegistrationSchema, type WorkerEntry, type WorkerRegistration } from './worker-entry';

/**
 * Registers a worker, or heartbeats one already there (the same call): its entry, valid for
 * `ttlSeconds` (default 90) from `now`, shared by every instance. One store command.
 * @throws z.ZodError when `registration` is invalid (the route answers 400 first).
 * @returns the entry stored and whether it was new (not a heartbeat).
 */
export async function registerWorker(store: Store, registration: WorkerRegistration, now: number): Promise<{ entry: WorkerEntry; created: boolean }> {
  const valid = workerRegistrationSchema.parse(registration);
  const ttlSeconds = valid.ttlSeconds ?? DEFAULT_WORKER_TTL_SECONDS;
  const at = Math.round(now);
  const entry: WorkerEntry = {
    id: valid.id,
    baseUrl: valid.baseUrl,
    ...(valid.apiKey !== undefined ? { apiKey: valid.apiKey } : {}),
    models: [...new Set(valid.models)],
    ttlSeconds,
    lastHeartbeatAt: at,
    expiresAt: at + ttlSeconds * 1000,
  };
  const created = await store.run(REGISTER_WORKER_SCRIPT, [storeKeys.workers, storeKeys.workerExpiry], [entry.id, JSON.stringify(entry), at, entry.expiresAt]);
  return { entry, created };
}

/**
 * KEYS[1] the registry hash (id → entry JSON)   KEYS[2] the expiry sorted set (id → expiresAt).
 * ARGV[1] id   ARGV[2] entry JSON   ARGV[3] now   ARGV[4] expiresAt.
 *
 * Prunes lapsed entries, writes this one and its expiry, and lets both keys expire with the
 * latest entry. Returns 1 when the id was not registered (a registration), 0 for a heartbeat.
 */
export const REGISTER_WORKER_SCRIPT: StoreScript<boolean> = {
  name: 'registerWorker',
  lua: `
local now = tonumber(ARGV[3])
${pruneExpiredWorkersLua}
local added = redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("ZADD", KEYS[2], tonumber(ARGV[4]), ARGV[1])
local latest = redis.call("ZRANGE", KEYS[2], -1, -1, "WITHSCORES")
local ttl = math.ceil(tonumber(latest[2]) - now)
redis.call("PEXPIRE", KEYS[1], ttl)
redis.call("PEXPIRE", KEYS[2], ttl)
return added
`,
  inMemory(redis, [hashKey = '', expiryKey = ''], [id = '', json = '', nowText, expiresText]) {
    const now = Number(nowText);
    pruneExpiredWorkers(redis, hashKey, expiryKey, now);
    const added = redis.hSet(hashKey, { [id]: json });
    redis.zAdd(expiryKey, Number(expiresText), id);
    const [, latest = now] = redis.zRangeWithScores(expiryKey, -1, -1)[0] ?? [];
    const ttl = Math.ceil(latest - now);
    redis.pExpire(hashKey, ttl);
    redis.pExpire(expiryKey, ttl);
    return added;
  },
  parse: (reply) => z.number().parse(reply) === 1,
};
