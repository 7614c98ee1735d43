import { z } from 'zod';
import type { SlotRelease, SlotRequest, SlotReservation } from './store';

/**
 * The account's shared call schedule (docs/xipu-protocol §3: about one call per second per
 * account, across every instance). Two keys hold it:
 * - the hash `<key>`: `next`, a floor (epoch ms) no call starts before — pushed by answers
 *   that came late and by released holds (`floor = max(floor, at + gap)`); `holder`,
 *   `holdUntil`: a call that keeps the account busy (an open stream, when streams are
 *   serialised) and until when its lease runs. A hash written by the earlier counter design
 *   (`next` = the slot after the last one handed out) reads the same way: as a floor.
 * - the sorted set `<key>:slots` (slotScheduleKeys): the slots handed out that still
 *   constrain a new one, member = the waiter's token, score = its slot (epoch ms).
 * Slots are `spacing = gap + allowance` apart.
 *
 * reserve(token): busy while another token's hold is live; else drop the slots that no longer
 * constrain (score ≤ now − spacing) and this token's own earlier slot (so a waiter re-checks
 * with the same call), then take the EARLIEST slot t ≥ max(now, floor) at least `spacing` from
 * every remaining slot — holes left by waiters that gave up are filled. A slot that holds the
 * account goes after every other slot instead (a hole-filler would start while a later-booked
 * call was still to come, inside its stream). Refused when `t − now > maxWaitMs`. A token that
 * already had a slot only ever moves earlier: when t is not earlier, or would be refused, or
 * another token holds the account, it keeps its slot (reply "reserved" with the old slot) —
 * so a re-check can only help, and a late answer (the floor) never moves a granted slot.
 * cancel(token): the waiter gave up before its call started: its slot leaves the set at once
 * (and its hold ends); calls behind it move up when they re-check. A slot whose call started
 * stays until it no longer constrains.
 * release: `floor = max(floor, now + gap)`; the hold ends when the token owns it.
 * renew: `holdUntil = now + lease` when the token owns the hold.
 * Both keys expire `idleMs` after the latest time they hold, so an idle schedule disappears.
 *
 * The algorithm exists twice, kept equivalent by one contract test suite run on both:
 * as Lua for Redis (one round trip, atomic, deterministic because the caller's clock is an
 * argument) and as pure functions over the same fields for the in-memory store.
 * Times are whole epoch milliseconds; fractions are rounded on the way in. The set holds at
 * most the slots of one maxWaitMs (plus one spacing): a reservation reads them all.
 */

/** KEYS of every schedule script: the hash, then the sorted set of reserved slots. */
export function slotScheduleKeys(key: string): [hash: string, slots: string] {
  return [key, `${key}:slots`];
}

/**
 * Reserves the earliest free slot for a token (or re-checks the token's slot).
 *
 * KEYS[1] the schedule hash   KEYS[2] the sorted set of reserved slots.
 * ARGV[1] token   ARGV[2] now (caller's clock, epoch ms)   ARGV[3] gapMs   ARGV[4] allowanceMs
 * ARGV[5] maxWaitMs   ARGV[6] hold leaseMs, 0 for no hold (the holder is the token)
 * ARGV[7] idleMs: the keys outlive the latest time they hold by this much.
 *
 * Returns {"busy", holdUntil} | {"refused", waitMs} | {"reserved", slotAt, waitMs}.
 */
export const RESERVE_SLOT_SCRIPT = `
local scheduleKey = KEYS[1]
local slotsKey    = KEYS[2]
local token       = ARGV[1]
local now         = tonumber(ARGV[2])
local gapMs       = tonumber(ARGV[3])
local allowanceMs = tonumber(ARGV[4])
local maxWaitMs   = tonumber(ARGV[5])
local leaseMs     = tonumber(ARGV[6])
local idleMs      = tonumber(ARGV[7])
local spacing     = gapMs + allowanceMs

local state     = redis.call("HMGET", scheduleKey, "next", "holder", "holdUntil")
local floorAt   = tonumber(state[1]) or 0
local holder    = state[2]
local holdUntil = tonumber(state[3]) or 0
local ownSlot   = tonumber(redis.call("ZSCORE", slotsKey, token))
if ownSlot and ownSlot <= now - spacing then
  ownSlot = nil
end

if holder and holder ~= token and holdUntil > now then
  if ownSlot then
    return {"reserved", ownSlot, ownSlot - now}
  end
  return {"busy", holdUntil}
end

redis.call("ZREMRANGEBYSCORE", slotsKey, "-inf", now - spacing)
local taken = redis.call("ZRANGE", slotsKey, 0, -1, "WITHSCORES")
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
if ownSlot and (ownSlot <= slotAt or waitMs > maxWaitMs) then
  return {"reserved", ownSlot, ownSlot - now}
end
if waitMs > maxWaitMs then
  return {"refused", waitMs}
end

redis.call("ZADD", slotsKey, slotAt, token)
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
`;

/**
 * Gives a waiter's slot back: it gave up before its call started. Ends its hold, if any.
 *
 * KEYS[1] the schedule hash   KEYS[2] the sorted set of reserved slots.
 * ARGV[1] token.
 *
 * Returns 1 when the token had a slot, else 0.
 */
export const CANCEL_SLOT_SCRIPT = `
local scheduleKey = KEYS[1]
local slotsKey    = KEYS[2]
local token       = ARGV[1]

if redis.call("HGET", scheduleKey, "holder") == token then
  redis.call("HDEL", scheduleKey, "holder", "holdUntil")
end
return redis.call("ZREM", slotsKey, token)
`;

/**
 * Pushes the floor to at least `now + gapMs` (a call answered late, or a stream ended) and ends
 * the hold when `token` owns it.
 *
 * KEYS[1] the schedule hash.
 * ARGV[1] now (epoch ms)   ARGV[2] gapMs   ARGV[3] token, "" for none   ARGV[4] idleMs.
 *
 * Returns 1.
 */
export const RELEASE_SLOT_SCRIPT = `
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
`;

/**
 * Extends the hold `token` owns to `now + leaseMs`.
 *
 * KEYS[1] the schedule hash.
 * ARGV[1] token   ARGV[2] now (epoch ms)   ARGV[3] leaseMs   ARGV[4] idleMs.
 *
 * Returns 1 when renewed, 0 when the token no longer owns the hold.
 */
export const RENEW_SLOT_HOLD_SCRIPT = `
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
`;

/** ARGV for RESERVE_SLOT_SCRIPT. */
export function reserveSlotArguments(request: SlotRequest, idleMs: number): string[] {
  return [
    request.token,
    ...[request.now, request.gapMs, request.allowanceMs, request.maxWaitMs, request.hold?.leaseMs ?? 0, idleMs].map(
      (value) => String(wholeMs(value)),
    ),
  ];
}

/** ARGV for RELEASE_SLOT_SCRIPT. */
export function releaseSlotArguments(release: SlotRelease, idleMs: number): string[] {
  return [String(wholeMs(release.now)), String(wholeMs(release.gapMs)), release.token ?? '', String(wholeMs(idleMs))];
}

/** ARGV for RENEW_SLOT_HOLD_SCRIPT. */
export function renewSlotHoldArguments(
  renewal: { token: string; now: number; leaseMs: number },
  idleMs: number,
): string[] {
  return [renewal.token, String(wholeMs(renewal.now)), String(wholeMs(renewal.leaseMs)), String(wholeMs(idleMs))];
}

const reserveSlotReplySchema = z.union([
  z.tuple([z.literal('reserved'), z.number(), z.number()]),
  z.tuple([z.literal('refused'), z.number()]),
  z.tuple([z.literal('busy'), z.number()]),
]);

/** Turns RESERVE_SLOT_SCRIPT's reply into a SlotReservation; throws on anything else. */
export function parseReserveSlotReply(reply: unknown): SlotReservation {
  const parsed = reserveSlotReplySchema.parse(reply);
  switch (parsed[0]) {
    case 'reserved':
      return { status: 'reserved', slotAt: parsed[1], waitMs: parsed[2] };
    case 'refused':
      return { status: 'refused', waitMs: parsed[1] };
    case 'busy':
      return { status: 'busy', holdUntil: parsed[1] };
  }
}

/** The schedule, read. Missing or unreadable fields count as absent. */
export interface SlotScheduleState {
  /** The floor (the hash field `next`). */
  next: number;
  holder: string | null;
  holdUntil: number;
  /** The sorted set: token → slot (epoch ms). */
  slots: ReadonlyMap<string, number>;
}

/**
 * The outcome of a pure schedule step, as the scripts would leave the keys: the whole hash
 * (empty: the key is gone) when it changed, the whole set (likewise) when it changed, and
 * each key's new TTL when the step set one (a key without one keeps its TTL).
 */
export interface SlotScheduleWrite {
  fields?: Record<string, string>;
  slots?: Map<string, number>;
  hashTtlMs?: number;
  slotsTtlMs?: number;
}

/** Reads the hash fields and set members the scripts write. */
export function readSlotSchedule(fields: Record<string, string>, slots: ReadonlyMap<string, number> = new Map()): SlotScheduleState {
  return {
    next: toNumberOrZero(fields.next),
    holder: fields.holder ?? null,
    holdUntil: toNumberOrZero(fields.holdUntil),
    slots,
  };
}

/** RESERVE_SLOT_SCRIPT as a pure function: `write` is absent when nothing changes. */
export function reserveSlotInSchedule(
  state: SlotScheduleState,
  request: SlotRequest,
  idleMs: number,
): { reservation: SlotReservation; write?: SlotScheduleWrite } {
  const now = wholeMs(request.now);
  const spacing = wholeMs(request.gapMs) + wholeMs(request.allowanceMs);
  const leaseMs = wholeMs(request.hold?.leaseMs ?? 0);
  const { token } = request;
  // The token's earlier slot, unless it passed so long ago that it no longer counts.
  const earlier = state.slots.get(token);
  const ownSlot = earlier !== undefined && earlier > now - spacing ? earlier : undefined;
  const keep = (slotAt: number): SlotReservation => ({ status: 'reserved', slotAt, waitMs: slotAt - now });

  if (state.holder !== null && state.holder !== token && state.holdUntil > now) {
    return { reservation: ownSlot === undefined ? { status: 'busy', holdUntil: state.holdUntil } : keep(ownSlot) };
  }

  // Slots at or before now − spacing no longer constrain anything.
  const slots = new Map([...state.slots].filter(([, slotAt]) => slotAt > now - spacing));
  let slotAt = Math.max(now, state.next);
  for (const [member, other] of [...slots].sort(bySlotThenMember)) {
    if (member === token) continue;
    if (leaseMs > 0) slotAt = Math.max(slotAt, other + spacing);
    else if (other - slotAt >= spacing) break;
    else if (slotAt - other < spacing) slotAt = other + spacing;
  }

  const waitMs = slotAt - now;
  const refused = waitMs > wholeMs(request.maxWaitMs);
  if (refused || (ownSlot !== undefined && ownSlot <= slotAt)) {
    const changed = slots.size !== state.slots.size;
    return {
      reservation: ownSlot === undefined ? { status: 'refused', waitMs } : keep(ownSlot),
      write: changed ? { slots } : undefined,
    };
  }

  slots.set(token, slotAt);
  const fields = scheduleFields(state);
  let latest = Math.max(state.next, Math.max(...slots.values()) + spacing);
  if (leaseMs > 0) {
    fields.holder = token;
    fields.holdUntil = String(slotAt + leaseMs);
    latest = Math.max(latest, slotAt + leaseMs);
  } else if (state.holder !== null && state.holder !== token) {
    delete fields.holder;
    delete fields.holdUntil;
  } else if (state.holder !== null) {
    latest = Math.max(latest, state.holdUntil);
  }
  return {
    reservation: { status: 'reserved', slotAt, waitMs },
    write: { fields, slots, hashTtlMs: latest - now + wholeMs(idleMs), slotsTtlMs: latest - now + wholeMs(idleMs) },
  };
}

/** CANCEL_SLOT_SCRIPT as a pure function. */
export function cancelSlotInSchedule(state: SlotScheduleState, token: string): SlotScheduleWrite {
  const slots = new Map(state.slots);
  slots.delete(token);
  const fields = scheduleFields(state);
  if (state.holder === token) {
    delete fields.holder;
    delete fields.holdUntil;
  }
  return { fields, slots };
}

/** RELEASE_SLOT_SCRIPT as a pure function. */
export function releaseSlotInSchedule(
  state: SlotScheduleState,
  release: SlotRelease,
  idleMs: number,
): SlotScheduleWrite {
  const now = wholeMs(release.now);
  const next = Math.max(state.next, now + wholeMs(release.gapMs));
  const endsHold = state.holder !== null && Boolean(release.token) && state.holder === release.token;
  const keepsHold = state.holder !== null && !endsHold;
  return {
    fields: keepsHold
      ? { next: String(next), holder: state.holder ?? '', holdUntil: String(state.holdUntil) }
      : { next: String(next) },
    hashTtlMs: Math.max(next, keepsHold ? state.holdUntil : 0) - now + wholeMs(idleMs),
  };
}

/** RENEW_SLOT_HOLD_SCRIPT as a pure function: `write` is absent when the token lost the hold. */
export function renewSlotHoldInSchedule(
  state: SlotScheduleState,
  renewal: { token: string; now: number; leaseMs: number },
  idleMs: number,
): { renewed: boolean; write?: SlotScheduleWrite } {
  if (state.holder !== renewal.token) return { renewed: false };
  const now = wholeMs(renewal.now);
  const holdUntil = now + wholeMs(renewal.leaseMs);
  return {
    renewed: true,
    write: {
      fields: { ...scheduleFields(state), holder: renewal.token, holdUntil: String(holdUntil) },
      hashTtlMs: Math.max(state.next, holdUntil) - now + wholeMs(idleMs),
    },
  };
}

/** The hash's fields as the state holds them (`next` only when the hash has it). */
function scheduleFields(state: SlotScheduleState): Record<string, string> {
  const fields: Record<string, string> = {};
  if (state.next !== 0) fields.next = String(state.next);
  if (state.holder !== null) {
    fields.holder = state.holder;
    fields.holdUntil = String(state.holdUntil);
  }
  return fields;
}

/** ZRANGE order: by score, then by member. */
function bySlotThenMember([firstMember, firstSlot]: [string, number], [secondMember, secondSlot]: [string, number]): number {
  return firstSlot - secondSlot || (firstMember < secondMember ? -1 : firstMember > secondMember ? 1 : 0);
}

function wholeMs(value: number): number {
  return Math.round(value);
}

function toNumberOrZero(text: string | undefined): number {
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : 0;
}
