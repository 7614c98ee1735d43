import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { parseKeyRecord, type KeyPatch, type ManagedKeyRecord } from './managed-key';

/**
 * Changes a managed key's name, limits or expiry (`null` removes one), read and written in
 * one store command so a concurrent revocation is never lost.
 * @returns the record as stored now, or undefined when no key has this id.
 */
export async function updateManagedKey(store: Store, id: string, patch: KeyPatch): Promise<ManagedKeyRecord | undefined> {
  const set: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) removed.push(field);
    else set[field] = field === 'expiresAt' ? new Date(value as string).toISOString() : field === 'models' ? [...new Set(value as string[])] : value;
  }
  return await writeFields(store, id, set, removed);
}

/**
 * Revokes a key: it keeps its record (the admin list shows it, with its usage) and from the
 * next request on, on every instance, answers 401. One store command.
 * @returns the record as stored now, or undefined when no key has this id.
 */
export async function revokeManagedKey(store: Store, id: string, now: number): Promise<ManagedKeyRecord | undefined> {
  return await writeFields(store, id, { revokedAt: new Date(now).toISOString() }, []);
}

async function writeFields(store: Store, id: string, set: Record<string, unknown>, removed: string[]): Promise<ManagedKeyRecord | undefined> {
  return await store.run(UPDATE_KEY_SCRIPT, [storeKeys.managedKeys], [id, JSON.stringify(set), JSON.stringify(removed)]);
}

/**
 * KEYS[1] the records hash.  ARGV[1] id   ARGV[2] JSON object of fields to set   ARGV[3] JSON
 * array of fields to remove.  Returns the new record JSON, or nil for an unknown id.
 */
const UPDATE_KEY_SCRIPT: StoreScript<ManagedKeyRecord | undefined> = {
  name: 'updateManagedKey',
  lua: `
local json = redis.call("HGET", KEYS[1], ARGV[1])
if not json then return false end
local record = cjson.decode(json)
for field, value in pairs(cjson.decode(ARGV[2])) do record[field] = value end
for _, field in ipairs(cjson.decode(ARGV[3])) do record[field] = nil end
local updated = cjson.encode(record)
redis.call("HSET", KEYS[1], ARGV[1], updated)
return updated
`,
  inMemory(redis, [records = ''], [id = '', setJson = '{}', removedJson = '[]']) {
    const json = redis.hGet(records, id);
    if (json === null) return null;
    const record = { ...(JSON.parse(json) as Record<string, unknown>), ...(JSON.parse(setJson) as Record<string, unknown>) };
    for (const field of JSON.parse(removedJson) as string[]) delete record[field];
    const updated = JSON.stringify(record);
    redis.hSet(records, { [id]: updated });
    return updated;
  },
  parse(reply) {
    if (reply === null) return undefined;
    const record = parseKeyRecord(z.string().parse(reply));
    if (!record) throw new Error('A managed key record in the store is not valid JSON of a record.');
    return record;
  },
};
