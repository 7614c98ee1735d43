import { z } from 'zod';
import type { StoreScript } from '@/lib/store/store-script';

/**
 * Writes a stored response and the index keys of its output items in ONE store command, so
 * storing costs one command per response however many items it has (the AI SDK finds an item
 * by its id alone: stored-responses.ts). Every key gets the same TTL, so an index key never
 * outlives the response it points to.
 *
 * KEYS[1] the response key; KEYS[2…] one index key per output item.
 * ARGV[1] the response's JSON   ARGV[2] ttlMs   ARGV[3] the response id (each index key's value).
 * Returns 1.
 */
export const SAVE_STORED_RESPONSE_SCRIPT: StoreScript<void> = {
  name: 'saveStoredResponse',
  lua: `
local ttlMs = tonumber(ARGV[2])
redis.call("SET", KEYS[1], ARGV[1], "PX", ttlMs)
for i = 2, #KEYS do
  redis.call("SET", KEYS[i], ARGV[3], "PX", ttlMs)
end
return 1
`,
  inMemory(redis, keys, [json = '', ttlText, responseId = '']) {
    const ttlMs = Number(ttlText);
    const [responseKey = '', ...itemKeys] = keys;
    redis.set(responseKey, json, { px: ttlMs });
    for (const itemKey of itemKeys) {
      redis.set(itemKey, responseId, { px: ttlMs });
    }
    return 1;
  },
  parse: (reply) => {
    z.literal(1).parse(reply);
  },
};
