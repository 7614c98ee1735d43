import { z } from 'zod';
import { storeTtls } from '@/lib/store/keys';
import { luaToNumber } from '@/lib/store/memory-data';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { slotScheduleKeys, wholeMs, type SlotRequest, type SlotReservation } from './slot-schedule';

/**
 * Reserves the earliest free slot for `request.token` in the schedule at `key`
 * (./slot-schedule.ts); the same token asking again re-checks its slot (it may move earlier,
 * never lost to a refusal). One store command.
 */
export async function reserveSlot(store: Store, key: string, request: SlotRequest): Promise<SlotReservation> {
  return await store.run(RESERVE_SLOT_SCRIPT, slotScheduleKeys(key), [
    request.token,
    ...[request.now, request.gapMs, request.allowanceMs, request.maxWaitMs, request.hold?.leaseMs ?? 0, storeTtls.pacerIdleMs].map(wholeMs),
    request.background ? 1 : 0,
  ]);
}

const reserveSlotReplySchema = z.union([
  z.tuple([z.literal('reserved'), z.number(), z.number()]),
  z.union([z.tuple([z.literal('refused'), z.number()]), z.tuple([z.literal('refused'), z.number(), z.literal(1)])]),
  z.tuple([z.literal('busy'), z.number()]),
]);

/**
 * KEYS[1] the schedule hash   KEYS[2] the sorted set of reserved slots.
 * ARGV[1] token   ARGV[2] now (caller's clock, epoch ms)   ARGV[3] gapMs   ARGV[4] allowanceMs
 * ARGV[5] maxWaitMs   ARGV[6] hold leaseMs, 0 for no hold (the holder is the token)
 * ARGV[7] idleMs: the keys outlive the latest time they hold by this much.
 * ARGV[8] 1 for the background class (SlotRequest.background), else 0.
 *
 * Returns {"busy", holdUntil} | {"refused", waitMs} | {"refused", waitMs, 1} (background: others
 * wait or hold the account) | {"reserved", slotAt, waitMs}.
 */
export const RESERVE_SLOT_SCRIPT: StoreScript<SlotReservation> = {
  name: 'reserveSlot',
  lua: `
local scheduleKey = KEYS[1]
local slotsKey    = KEYS[2]
local token       = ARGV[1]
local now         = tonumber(ARGV[2])
local gapMs       = tonumber(ARGV[3])
local allowanceMs = tonumber(ARGV[4])
local maxWaitMs   = tonumber(ARGV[5])
local leaseMs     = tonumber(ARGV[6])
local idleMs      = tonumber(ARGV[7])
local background  = ARGV[8] == "1"
local spacing     = gapMs + allowanceMs

local state     = redis.call("HMGET", scheduleKey, "next", "holder", "holdUntil", "waiterUntil")
local floorAt   = tonumber(state[1]) or 0
local holder    = state[2]
local holdUntil = tonumber(state[3]) or 0
local waiterUntil = tonumber(state[4]) or 0
local ownSlot   = tonumber(redis.call("ZSCORE", slotsKey, token))
if ownSlot and ownSlot <= now - spacing then
  ownSlot = nil
end

if holder and holder ~= token and holdUntil > now then
  if background then
    return {"refused", holdUntil - now, 1}
  end
  if ownSlot then
    return {"reserved", ownSlot, ownSlot - now}
  end
  -- A waiter told "busy" books nothing: it leaves a mark, so that when the hold ends a
  -- background call does not take the turn before it polls again (a probe leaves none).
  if maxWaitMs >= 0 then
    redis.call("HSET", scheduleKey, "waiterUntil", now + spacing)
  end
  return {"busy", holdUntil}
end
if background and waiterUntil > now then
  return {"refused", waiterUntil - now, 1}
end

redis.call("ZREMRANGEBYSCORE", slotsKey, "-inf", now - spacing)
local taken = redis.call("ZRANGE", slotsKey, 0, -1, "WITHSCORES")
if background and #taken > 0 then
  local lastSlot = tonumber(taken[#taken])
  if lastSlot > now then
    return {"refused", lastSlot + spacing - now, 1}
  end
end
local slotAt = math.max(now, floorAt)
for index = 1, #taken, 2 do
  if taken[index] ~= token then
    local other = tonumber(taken[index + 1])
    if leaseMs > 0 then
      slotAt = math.max(slotAt, other + spacing)
    elseif other - slotAt >= spacing then
      break
    elseif slotAt - other < spacing then
      slotAt = other + spacing
    end
  end
end

local waitMs = slotAt - now
if background and waitMs > 0 then
  return {"refused", waitMs}
end
if ownSlot and (ownSlot <= slotAt or waitMs > maxWaitMs) then
  return {"reserved", ownSlot, ownSlot - now}
end
if waitMs > maxWaitMs then
  return {"refused", waitMs}
end

redis.call("ZADD", slotsKey, slotAt, token)
if state[4] then
  -- A waiter got its slot: background calls queue behind slots from here on.
  redis.call("HDEL", scheduleKey, "waiterUntil")
end
local last = tonumber(redis.call("ZRANGE", slotsKey, -1, -1, "WITHSCORES")[2])
local latest = math.max(floorAt, last + spacing)
if leaseMs > 0 then
  holdUntil = slotAt + leaseMs
  latest = math.max(latest, holdUntil)
  redis.call("HSET", scheduleKey, "holder", token, "holdUntil", holdUntil)
elseif holder and holder ~= token then
  redis.call("HDEL", scheduleKey, "holder", "holdUntil")
elseif holder then
  latest = math.max(latest, holdUntil)
end
redis.call("PEXPIRE", scheduleKey, latest - now + idleMs)
redis.call("PEXPIRE", slotsKey, latest - now + idleMs)
return {"reserved", slotAt, waitMs}
`,
  inMemory(redis, [scheduleKey = '', slotsKey = ''], [token = '', ...numbers]) {
    const [now, gapMs, allowanceMs, maxWaitMs, leaseMs, idleMs, backgroundFlag] = numbers.map(Number) as [number, number, number, number, number, number, number];
    const background = backgroundFlag === 1;
    const spacing = gapMs + allowanceMs;

    const [next, holder, holdUntilText, waiterUntilText] = redis.hmGet(scheduleKey, 'next', 'holder', 'holdUntil', 'waiterUntil');
    const floorAt = luaToNumber(next ?? null) ?? 0;
    let holdUntil = luaToNumber(holdUntilText ?? null) ?? 0;
    const waiterUntil = luaToNumber(waiterUntilText ?? null) ?? 0;
    let ownSlot = redis.zScore(slotsKey, token);
    if (ownSlot !== null && ownSlot <= now - spacing) {
      ownSlot = null;
    }

    if (holder != null && holder !== token && holdUntil > now) {
      if (background) {
        return ['refused', holdUntil - now, 1];
      }
      if (ownSlot !== null) {
        return ['reserved', ownSlot, ownSlot - now];
      }
      if (maxWaitMs >= 0) {
        redis.hSet(scheduleKey, { waiterUntil: now + spacing });
      }
      return ['busy', holdUntil];
    }
    if (background && waiterUntil > now) {
      return ['refused', waiterUntil - now, 1];
    }

    redis.zRemRangeByScore(slotsKey, -Infinity, now - spacing);
    const taken = redis.zRangeWithScores(slotsKey, 0, -1);
    if (background && taken.length > 0) {
      const lastSlot = taken[taken.length - 1]![1];
      if (lastSlot > now) {
        return ['refused', lastSlot + spacing - now, 1];
      }
    }
    let slotAt = Math.max(now, floorAt);
    for (const [member, other] of taken) {
      if (member !== token) {
        if (leaseMs > 0) {
          slotAt = Math.max(slotAt, other + spacing);
        } else if (other - slotAt >= spacing) {
          break;
        } else if (slotAt - other < spacing) {
          slotAt = other + spacing;
        }
      }
    }

    const waitMs = slotAt - now;
    if (background && waitMs > 0) {
      return ['refused', waitMs];
    }
    if (ownSlot !== null && (ownSlot <= slotAt || waitMs > maxWaitMs)) {
      return ['reserved', ownSlot, ownSlot - now];
    }
    if (waitMs > maxWaitMs) {
      return ['refused', waitMs];
    }

    redis.zAdd(slotsKey, slotAt, token);
    if (waiterUntilText != null) {
      redis.hDel(scheduleKey, 'waiterUntil');
    }
    const [, last = slotAt] = redis.zRangeWithScores(slotsKey, -1, -1)[0] ?? [];
    let latest = Math.max(floorAt, last + spacing);
    if (leaseMs > 0) {
      holdUntil = slotAt + leaseMs;
      latest = Math.max(latest, holdUntil);
      redis.hSet(scheduleKey, { holder: token, holdUntil });
    } else if (holder != null && holder !== token) {
      redis.hDel(scheduleKey, 'holder', 'holdUntil');
    } else if (holder != null) {
      latest = Math.max(latest, holdUntil);
    }
    redis.pExpire(scheduleKey, latest - now + idleMs);
    redis.pExpire(slotsKey, latest - now + idleMs);
    return ['reserved', slotAt, waitMs];
  },
  parse(reply) {
    const parsed = reserveSlotReplySchema.parse(reply);
    switch (parsed[0]) {
      case 'reserved':
        return { status: 'reserved', slotAt: parsed[1], waitMs: parsed[2] };
      case 'refused':
        return parsed.length === 3 ? { status: 'refused', waitMs: parsed[1], othersWait: true } : { status: 'refused', waitMs: parsed[1] };
      case 'busy':
        return { status: 'busy', holdUntil: parsed[1] };
    }
  },
};
