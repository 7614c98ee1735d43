import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { pruneExpiredWorkers, pruneExpiredWorkersLua } from './prune-expired-workers';

/**
 * Removes a worker from the registry at once (a worker shutting down says so instead of
 * letting its TTL run out). One store command. Its balancing state expires by itself.
 * @returns whether it was registered.
 */
export async function deregisterWorker(store: Store, id: string, now: number): Promise<boolean> {
  return await store.run(DEREGISTER_WORKER_SCRIPT, [storeKeys.workers, storeKeys.workerExpiry], [id, Math.round(now)]);
}

/**
 * KEYS[1] the registry hash   KEYS[2] the expiry sorted set.   ARGV[1] id   ARGV[2] now.
 * Prunes lapsed entries, then removes this one. Returns 1 when it was live.
 */
export const DEREGISTER_WORKER_SCRIPT: StoreScript<boolean> = {
  name: 'deregisterWorker',
  lua: `
local now = tonumber(ARGV[2])
${pruneExpiredWorkersLua}
redis.call("ZREM", KEYS[2], ARGV[1])
return redis.call("HDEL", KEYS[1], ARGV[1])
`,
  inMemory(redis, [hashKey = '', expiryKey = ''], [id = '', nowText]) {
    pruneExpiredWorkers(redis, hashKey, expiryKey, Number(nowText));
    redis.zRem(expiryKey, id);
    return redis.hDel(hashKey, id);
  },
  parse: (reply) => z.number().parse(reply) === 1,
};
