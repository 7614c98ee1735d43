import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { hashKey, parseKeyRecord, type ManagedKeyRecord } from './managed-key';

/**
 * What the store knows of a presented key: its record (revoked or expired ones too: the
 * caller decides), or, when no key has that hash, how many managed keys exist (0 lets a
 * gateway without API_KEYS stay open as before).
 */
export type KeyLookup = { found: true; record: ManagedKeyRecord } | { found: false; managedKeyCount: number };

/**
 * Looks a presented key up by its SHA-256: one store command, nothing cached (a revocation
 * is seen by the next request on every instance).
 */
export async function findManagedKey(store: Store, key: string): Promise<KeyLookup> {
  return await store.run(FIND_KEY_SCRIPT, [storeKeys.managedKeys, storeKeys.managedKeyByHash], [hashKey(key)]);
}

/** How many managed keys exist, for a request that presents no key at all. One store command. */
export async function countManagedKeys(store: Store): Promise<number> {
  const lookup = await store.run(FIND_KEY_SCRIPT, [storeKeys.managedKeys, storeKeys.managedKeyByHash], ['']);
  return lookup.found ? 1 : lookup.managedKeyCount;
}

/**
 * KEYS[1] the records hash   KEYS[2] the hash → id index.   ARGV[1] the key's hash.
 * Returns the record's JSON (a string), or the number of records when the hash is unknown.
 */
const FIND_KEY_SCRIPT: StoreScript<KeyLookup> = {
  name: 'findManagedKey',
  lua: `
local id = redis.call("HGET", KEYS[2], ARGV[1])
if id then
  local record = redis.call("HGET", KEYS[1], id)
  if record then return record end
end
return redis.call("HLEN", KEYS[1])
`,
  inMemory(redis, [records = '', index = ''], [hash = '']) {
    const id = redis.hGet(index, hash);
    if (id !== null) {
      const record = redis.hGet(records, id);
      if (record !== null) return record;
    }
    return Object.keys(redis.hGetAll(records)).length;
  },
  parse(reply) {
    const value = z.union([z.string(), z.number()]).parse(reply);
    if (typeof value === 'number') return { found: false, managedKeyCount: value };
    const record = parseKeyRecord(value);
    if (!record) throw new Error('A managed key record in the store is not valid JSON of a record.');
    return { found: true, record };
  },
};
