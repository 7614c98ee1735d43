import { z } from 'zod';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { slotScheduleKeys } from './slot-schedule';

/**
 * Gives a token's slot back (its waiter gave up before its call started) and ends its hold,
 * in the schedule at `key` (./slot-schedule.ts). One store command.
 */
export async function cancelSlot(store: Store, key: string, token: string): Promise<void> {
  await store.run(CANCEL_SLOT_SCRIPT, slotScheduleKeys(key), [token]);
}

/**
 * KEYS[1] the schedule hash   KEYS[2] the sorted set of reserved slots   KEYS[3] the movable ones.
 * ARGV[1] token.
 *
 * Returns 1 when the token had a slot, else 0.
 */
export const CANCEL_SLOT_SCRIPT: StoreScript<number> = {
  name: 'cancelSlot',
  lua: `
local scheduleKey = KEYS[1]
local slotsKey    = KEYS[2]
local movableKey  = KEYS[3]
local token       = ARGV[1]

if redis.call("HGET", scheduleKey, "holder") == token then
  redis.call("HDEL", scheduleKey, "holder", "holdUntil")
end
if movableKey then
  redis.call("ZREM", movableKey, token)
end
return redis.call("ZREM", slotsKey, token)
`,
  inMemory(redis, [scheduleKey = '', slotsKey = '', movableKey], [token = '']) {
    if (redis.hGet(scheduleKey, 'holder') === token) {
      redis.hDel(scheduleKey, 'holder', 'holdUntil');
    }
    if (movableKey !== undefined) redis.zRem(movableKey, token);
    return redis.zRem(slotsKey, token);
  },
  parse: (reply) => z.number().parse(reply),
};
