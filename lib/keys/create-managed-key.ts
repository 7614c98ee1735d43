import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { hashKey, type CreateKeyInput, type ManagedKeyRecord } from './managed-key';

/** The key's text: `sk-` and 24 random bytes (192 bits) in base64url. */
const KEY_BYTES = 24;

/**
 * Makes a key and stores its record (with the key's SHA-256, not the key) and its hash index,
 * in one store command.
 * @returns the record and the key, which is never stored nor shown again.
 */
export async function createManagedKey(store: Store, input: CreateKeyInput, now: number): Promise<{ record: ManagedKeyRecord; key: string }> {
  const key = `sk-${randomBytes(KEY_BYTES).toString('base64url')}`;
  const record: ManagedKeyRecord = {
    id: `key_${randomBytes(8).toString('hex')}`,
    ...input,
    ...(input.models ? { models: [...new Set(input.models)] } : {}),
    ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt).toISOString() } : {}),
    hash: hashKey(key),
    createdAt: new Date(now).toISOString(),
  };
  await store.run(CREATE_KEY_SCRIPT, [storeKeys.managedKeys, storeKeys.managedKeyByHash], [record.id, JSON.stringify(record), record.hash]);
  return { record, key };
}

/**
 * KEYS[1] the records hash   KEYS[2] the hash → id index.
 * ARGV[1] id   ARGV[2] record JSON   ARGV[3] the key's hash.  Writes both; returns 1.
 */
const CREATE_KEY_SCRIPT: StoreScript<void> = {
  name: 'createManagedKey',
  lua: `
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("HSET", KEYS[2], ARGV[3], ARGV[1])
return 1
`,
  inMemory(redis, [records = '', index = ''], [id = '', json = '', hash = '']) {
    redis.hSet(records, { [id]: json });
    redis.hSet(index, { [hash]: id });
    return 1;
  },
  parse: (reply) => void z.literal(1).parse(reply),
};
