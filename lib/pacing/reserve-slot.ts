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
    request.fair ? wholeMs(request.fair.recheckBeyondMs) : -1,
  ]);
}

const reserveSlotReplySchema = z.union([
  z.tuple([z.literal('reserved'), z.number(), z.number()]),
  z.union([z.tuple([z.literal('refused'), z.number()]), z.tuple([z.literal('refused'), z.number(), z.literal(1)])]),
  z.tuple([z.literal('busy'), z.number()]),
]);

/**
 * KEYS[1] the schedule hash   KEYS[2] the sorted set of reserved slots   KEYS[3] the sorted set
 * of movable slots (fair queuing).
 * ARGV[1] token   ARGV[2] now (caller's clock, epoch ms)   ARGV[3] gapMs   ARGV[4] allowanceMs
 * ARGV[5] maxWaitMs   ARGV[6] hold leaseMs, 0 for no hold (the holder is the token)
 * ARGV[7] idleMs: the keys outlive the latest time they hold by this much.
 * ARGV[8] 1 for the background class (SlotRequest.background), else 0.
 * ARGV[9] fair queuing's recheckBeyondMs (SlotRequest.fair), -1 (or absent) for none.
 *
 * Returns {"busy", holdUntil} | {"refused", waitMs} | {"refused", waitMs, 1} (background: others
 * wait or hold the account) | {"reserved", slotAt, waitMs}.
 */
export const RESERVE_SLOT_SCRIPT: StoreScript<SlotReservation> = {
  name: 'reserveSlot',
  lua: `
local scheduleKey = KEYS[1]
local slotsKey    = KEYS[2]
local movableKey  = KEYS[3]
local token       = ARGV[1]
local now         = tonumber(ARGV[2])
local gapMs       = tonumber(ARGV[3])
local allowanceMs = tonumber(ARGV[4])
local maxWaitMs   = tonumber(ARGV[5])
local leaseMs     = tonumber(ARGV[6])
local idleMs      = tonumber(ARGV[7])
local background  = ARGV[8] == "1"
local recheckBeyond = tonumber(ARGV[9]) or -1
local spacing     = gapMs + allowanceMs
local fair        = recheckBeyond >= 0 and leaseMs == 0 and not background

-- A fair waiter's slot stays movable while its waiter will ask again (its wait exceeds recheckBeyond).
local function settleMovable(slot)
  if not fair then
    return
  end
  if slot - now > recheckBeyond then
    redis.call("ZADD", movableKey, slot, token)
    local ttl = redis.call("PTTL", slotsKey)
    if ttl > 0 then
      redis.call("PEXPIRE", movableKey, ttl)
    end
  else
    redis.call("ZREM", movableKey, token)
  end
end
-- A token's client ("lane") and its request's arrival: queueToken's "<client>|<arrivedAt>|…".
local function laneOf(member)
  local lane, arrived = string.match(member, "^([^|]*)|(%d+)|")
  if lane then
    return lane, tonumber(arrived)
  end
  return "", 0
end

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
    settleMovable(ownSlot)
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
redis.call("ZREMRANGEBYSCORE", movableKey, "-inf", now - spacing)
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

-- Fair queuing: a new call's place in the round robin across clients, when it comes before
-- slotAt (slot-schedule.ts). Movable slots from there on move later; nothing else moves.
local moves = nil
if fair and not ownSlot then
  local myLane, myArrival = laneOf(token)
  local movable = {}
  for _, member in ipairs(redis.call("ZRANGE", movableKey, 0, -1)) do
    movable[member] = true
  end
  local round = 0
  local afterOwn = 0
  for index = 1, #taken, 2 do
    if tonumber(taken[index + 1]) > now then
      local lane, arrived = laneOf(taken[index])
      if lane == myLane and arrived <= myArrival then
        round = round + 1
        afterOwn = index
      end
    end
  end
  local seen = {}
  local place = nil
  for index = 1, #taken, 2 do
    local at = tonumber(taken[index + 1])
    if at > now then
      local lane, arrived = laneOf(taken[index])
      local rank = seen[lane] or 0
      seen[lane] = rank + 1
      if place == nil and index > afterOwn and at < slotAt and movable[taken[index]]
          and (rank > round or (rank == round and lane == myLane and arrived > myArrival)) then
        place = index
      end
    end
  end
  if place then
    local fixed = {}
    local movers = {}
    for index = 1, #taken, 2 do
      local at = tonumber(taken[index + 1])
      if index >= place and at > now and movable[taken[index]] then
        movers[#movers + 1] = {taken[index], at}
      else
        fixed[#fixed + 1] = at
      end
    end
    -- The earliest time from 'at' at least one spacing from every fixed slot.
    local function fit(at)
      local moved = true
      while moved do
        moved = false
        for _, other in ipairs(fixed) do
          if math.abs(at - other) < spacing then
            at = other + spacing
            moved = true
          end
        end
      end
      return at
    end
    local mine = fit(math.max(tonumber(taken[place + 1]), now, floorAt))
    if mine < slotAt then
      fixed[#fixed + 1] = mine
      local previous = mine
      for _, mover in ipairs(movers) do
        local at = fit(math.max(mover[2], previous + spacing))
        fixed[#fixed + 1] = at
        previous = at
        mover[2] = at
      end
      slotAt = mine
      moves = movers
    end
  end
end

local waitMs = slotAt - now
if background and waitMs > 0 then
  return {"refused", waitMs}
end
if ownSlot and (ownSlot <= slotAt or waitMs > maxWaitMs) then
  settleMovable(ownSlot)
  return {"reserved", ownSlot, ownSlot - now}
end
if waitMs > maxWaitMs then
  return {"refused", waitMs}
end

if moves then
  for _, mover in ipairs(moves) do
    redis.call("ZADD", slotsKey, mover[2], mover[1])
    redis.call("ZADD", movableKey, mover[2], mover[1])
  end
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
settleMovable(slotAt)
redis.call("PEXPIRE", movableKey, latest - now + idleMs)
return {"reserved", slotAt, waitMs}
`,
  inMemory(redis, [scheduleKey = '', slotsKey = '', movableKey = ''], [token = '', ...numbers]) {
    const [now, gapMs, allowanceMs, maxWaitMs, leaseMs, idleMs, backgroundFlag, recheckText] = numbers.map(Number) as [number, number, number, number, number, number, number, number?];
    const background = backgroundFlag === 1;
    const recheckBeyond = recheckText !== undefined && Number.isFinite(recheckText) ? recheckText : -1;
    const spacing = gapMs + allowanceMs;
    const fair = recheckBeyond >= 0 && leaseMs === 0 && !background;

    const settleMovable = (slot: number): void => {
      if (!fair) return;
      if (slot - now > recheckBeyond) {
        redis.zAdd(movableKey, slot, token);
        const ttl = redis.pTtl(slotsKey);
        if (ttl > 0) redis.pExpire(movableKey, ttl);
      } else {
        redis.zRem(movableKey, token);
      }
    };

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
        settleMovable(ownSlot);
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
    redis.zRemRangeByScore(movableKey, -Infinity, now - spacing);
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

    let moves: Array<[member: string, at: number]> | undefined;
    if (fair && ownSlot === null) {
      const fairPlace = findFairPlace(token, taken, new Set(redis.zRangeWithScores(movableKey, 0, -1).map(([member]) => member)), {
        now,
        floorAt,
        spacing,
        slotAt,
      });
      if (fairPlace) {
        slotAt = fairPlace.slotAt;
        moves = fairPlace.moves;
      }
    }

    const waitMs = slotAt - now;
    if (background && waitMs > 0) {
      return ['refused', waitMs];
    }
    if (ownSlot !== null && (ownSlot <= slotAt || waitMs > maxWaitMs)) {
      settleMovable(ownSlot);
      return ['reserved', ownSlot, ownSlot - now];
    }
    if (waitMs > maxWaitMs) {
      return ['refused', waitMs];
    }

    for (const [member, at] of moves ?? []) {
      redis.zAdd(slotsKey, at, member);
      redis.zAdd(movableKey, at, member);
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
    settleMovable(slotAt);
    redis.pExpire(movableKey, latest - now + idleMs);
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

/** A token's client ("lane") and its request's arrival (queueToken); a token without them is in lane "" at 0. */
function laneOf(member: string): [lane: string, arrivedAt: number] {
  const match = /^([^|]*)\|(\d+)\|/.exec(member);
  return match ? [match[1]!, Number(match[2])] : ['', 0];
}

/**
 * The in-memory twin of the script's fair place: where a new call of `token`'s client goes in
 * the round robin when that is before `slotAt`, and the movable slots it moves later.
 */
function findFairPlace(
  token: string,
  taken: Array<[member: string, at: number]>,
  movable: Set<string>,
  { now, floorAt, spacing, slotAt }: { now: number; floorAt: number; spacing: number; slotAt: number },
): { slotAt: number; moves: Array<[member: string, at: number]> } | undefined {
  const [myLane, myArrival] = laneOf(token);
  let round = 0;
  let afterOwn = -1;
  taken.forEach(([member, at], index) => {
    if (at <= now) return;
    const [lane, arrived] = laneOf(member);
    if (lane === myLane && arrived <= myArrival) {
      round += 1;
      afterOwn = index;
    }
  });
  const seen = new Map<string, number>();
  let place: number | undefined;
  taken.forEach(([member, at], index) => {
    if (at <= now) return;
    const [lane, arrived] = laneOf(member);
    const rank = seen.get(lane) ?? 0;
    seen.set(lane, rank + 1);
    if (place === undefined && index > afterOwn && at < slotAt && movable.has(member) && (rank > round || (rank === round && lane === myLane && arrived > myArrival))) {
      place = index;
    }
  });
  if (place === undefined) return undefined;
  const fixed: number[] = [];
  const movers: Array<[member: string, at: number]> = [];
  taken.forEach(([member, at], index) => {
    if (index >= place! && at > now && movable.has(member)) movers.push([member, at]);
    else fixed.push(at);
  });
  const fit = (start: number): number => {
    let at = start;
    for (let moved = true; moved; ) {
      moved = false;
      for (const other of fixed) {
        if (Math.abs(at - other) < spacing) {
          at = other + spacing;
          moved = true;
        }
      }
    }
    return at;
  };
  const mine = fit(Math.max(taken[place]![1], now, floorAt));
  if (mine >= slotAt) return undefined;
  fixed.push(mine);
  let previous = mine;
  const moves = movers.map(([member, at]): [string, number] => {
    const moved = fit(Math.max(at, previous + spacing));
    fixed.push(moved);
    previous = moved;
    return [member, moved];
  });
  return { slotAt: mine, moves };
}
