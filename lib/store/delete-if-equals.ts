import { z } from 'zod';
import type { StoreScript } from './store-script';

/**
 * Store.deleteIfEquals on both stores: deletes the key only while it still holds the
 * expected value (releasing a lock one owns), in one command.
 *
 * KEYS[1] the key.  ARGV[1] the expected value.  Returns 1 when deleted, else 0.
 */
export const DELETE_IF_EQUALS_SCRIPT: StoreScript<boolean> = {
  name: 'deleteIfEquals',
  lua: `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
`,
  inMemory(redis, [key = ''], [expected]) {
    if (redis.get(key) === expected) return redis.del(key);
    return 0;
  },
  parse: (reply) => z.number().parse(reply) === 1,
};
