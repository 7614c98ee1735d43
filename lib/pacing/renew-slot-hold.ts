import { z } from 'zod';
import { storeTtls } from '@/lib/store/keys';
import { luaToNumber } from '@/lib/store/memory-data';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { wholeMs, type SlotRenewal } from './slot-schedule';

/**
 * Extends the hold `renewal.token` owns in the schedule at `key` (./slot-schedule.ts) to
 * `now + leaseMs`. One store command.
 * @returns false when the token no longer owns the hold.
 */
export async function renewSlotHold(store: Store, key: string, renewal: SlotRenewal): Promise<boolean> {
  return await store.run(RENEW_SLOT_HOLD_SCRIPT, [key], [
    renewal.token,
    wholeMs(renewal.now),
    wholeMs(renewal.leaseMs),
    wholeMs(storeTtls.pacerIdleMs),
  ]);
}

/**
 * KEYS[1] the schedule hash.
 * ARGV[1] token   ARGV[2] now (epoch ms)   ARGV[3] leaseMs   ARGV[4] idleMs.
 *
 * Returns 1 when renewed, 0 when the token no longer owns the hold.
 */
export const RENEW_SLOT_HOLD_SCRIPT: StoreScript<boolean> = {
  name: 'renewSlotHold',
  lua: `
local key     = KEYS[1]
local token   = ARGV[1]
local now     = tonumber(ARGV[2])
local leaseMs = tonumber(ARGV[3])
local idleMs  = tonumber(ARGV[4])

local state  = redis.call("HMGET", key, "next", "holder")
if state[2] ~= token then
  return 0
end
local holdUntil = now + leaseMs
redis.call("HSET", key, "holdUntil", holdUntil)
redis.call("PEXPIRE", key, math.max(tonumber(state[1]) or 0, holdUntil) - now + idleMs)
return 1
`,
  inMemory(redis, [key = ''], [token = '', nowText, leaseText, idleText]) {
    const now = Number(nowText);
    const leaseMs = Number(leaseText);
    const idleMs = Number(idleText);

    const [next, holder] = redis.hmGet(key, 'next', 'holder');
    if (holder !== token) {
      return 0;
    }
    const holdUntil = now + leaseMs;
    redis.hSet(key, { holdUntil });
    redis.pExpire(key, Math.max(luaToNumber(next ?? null) ?? 0, holdUntil) - now + idleMs);
    return 1;
  },
  parse: (reply) => z.number().parse(reply) === 1,
};
