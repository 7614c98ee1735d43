import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { pruneExpiredWorkers, pruneExpiredWorkersLua } from './prune-expired-workers';
import { parseStoredWorkerEntry, type WorkerEntry } from './worker-entry';

/**
 * The live workers, sorted by id, with their apiKeys (for the gateway's calls; the routes
 * show `toWorkerView`). One store command: it prunes lapsed entries as it reads.
 */
export async function listWorkers(store: Store, now: number): Promise<WorkerEntry[]> {
  const flat = await store.run(LIST_WORKERS_SCRIPT, [storeKeys.workers, storeKeys.workerExpiry], [Math.round(now)]);
  const entries: WorkerEntry[] = [];
  for (let index = 1; index < flat.length; index += 2) {
    const entry = parseStoredWorkerEntry(flat[index]!);
    // The script pruned by the sorted set; the entry's own expiry is checked too, in case the two ever disagree.
    if (entry && entry.expiresAt > now) entries.push(entry);
  }
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * KEYS[1] the registry hash   KEYS[2] the expiry sorted set.   ARGV[1] now.
 * Prunes lapsed entries; returns HGETALL of the rest (id, JSON, id, JSON, …).
 */
export const LIST_WORKERS_SCRIPT: StoreScript<string[]> = {
  name: 'listWorkers',
  lua: `
local now = tonumber(ARGV[1])
${pruneExpiredWorkersLua}
return redis.call("HGETALL", KEYS[1])
`,
  inMemory(redis, [hashKey = '', expiryKey = ''], [nowText]) {
    pruneExpiredWorkers(redis, hashKey, expiryKey, Number(nowText));
    return Object.entries(redis.hGetAll(hashKey)).flat();
  },
  parse: (reply) => z.array(z.string()).parse(reply),
};
