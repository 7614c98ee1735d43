import { z } from 'zod';
import { storeTtls } from '@/lib/store/keys';
import { luaToNumber } from '@/lib/store/memory-data';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { wholeMs, type SlotRelease } from './slot-schedule';

/**
 * Pushes the schedule at `key` (./slot-schedule.ts) to at least `now + gapMs` (a call
 * answered late, or a stream ended) and ends the hold when `release.token` owns it. One
 * store command.
 */
export async function releaseSlot(store: Store, key: string, release: SlotRelease): Promise<void> {
  await store.run(RELEASE_SLOT_SCRIPT, [key], [
    wholeMs(release.now),
    wholeMs(release.gapMs),
    release.token ?? '',
    wholeMs(storeTtls.pacerIdleMs),
  ]);
}

/**
 * KEYS[1] the schedule hash.
 * ARGV[1] now (epoch ms)   ARGV[2] gapMs   ARGV[3] token, "" for none   ARGV[4] idleMs.
 *
 * Returns 1.
 */
export const RELEASE_SLOT_SCRIPT: StoreScript<number> = {
  name: 'releaseSlot',
  lua: `
local key    = KEYS[1]
local now    = tonumber(ARGV[1])
local gapMs  = tonumber(ARGV[2])
local token  = ARGV[3]
local idleMs = tonumber(ARGV[4])

local state     = redis.call("HMGET", key, "next", "holder", "holdUntil")
local nextAt    = math.max(tonumber(state[1]) or 0, now + gapMs)
local holder    = state[2]
local holdUntil = tonumber(state[3]) or 0

redis.call("HSET", key, "next", nextAt)
local latest = nextAt
if holder and token ~= "" and holder == token then
  redis.call("HDEL", key, "holder", "holdUntil")
elseif holder then
  latest = math.max(latest, holdUntil)
end
redis.call("PEXPIRE", key, latest - now + idleMs)
return 1
`,
  inMemory(redis, [key = ''], [nowText, gapText, token = '', idleText]) {
    const now = Number(nowText);
    const gapMs = Number(gapText);
    const idleMs = Number(idleText);

    const [next, holder, holdUntilText] = redis.hmGet(key, 'next', 'holder', 'holdUntil');
    const nextAt = Math.max(luaToNumber(next ?? null) ?? 0, now + gapMs);
    const holdUntil = luaToNumber(holdUntilText ?? null) ?? 0;

    redis.hSet(key, { next: nextAt });
    let latest = nextAt;
    if (holder != null && token !== '' && holder === token) {
      redis.hDel(key, 'holder', 'holdUntil');
    } else if (holder != null) {
      latest = Math.max(latest, holdUntil);
    }
    redis.pExpire(key, latest - now + idleMs);
    return 1;
  },
  parse: (reply) => z.number().parse(reply),
};
