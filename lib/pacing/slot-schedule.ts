import { z } from 'zod';
import type { SlotRelease, SlotRequest, SlotReservation } from '@/lib/store/store';

/**
 * The account's shared call schedule (docs/xipu-protocol §3: about one call per second per
 * account, across every instance). One hash holds it:
 * - `next`: the earliest start (epoch ms) for the next call;
 * - `holder`, `holdUntil`: a call that keeps the account busy (an open stream, when streams
 *   are serialised) and until when its lease runs.
 *
 * reserve: busy while a hold is live; else `slot = max(now, next)`, refused (no change) when
 * `slot - now > maxWaitMs`, else `next = slot + gap + allowance` (and the hold is taken).
 * release: `next = max(next, now + gap)`; the hold ends when the token owns it.
 * renew: `holdUntil = now + lease` when the token owns the hold.
 * The key expires `idleMs` after the latest time it holds, so an idle schedule disappears.
 *
 * The algorithm exists twice, kept equivalent by one contract test suite run on both:
 * as Lua for Redis (one round trip, atomic, deterministic because the caller's clock is an
 * argument) and as pure functions over the same hash fields for the in-memory store.
 * Times are whole epoch milliseconds; fractions are rounded on the way in.
 */

/**
 * Reserves the next slot.
 *
 * KEYS[1] the schedule hash.
 * ARGV[1] now (caller's clock, epoch ms)   ARGV[2] gapMs   ARGV[3] allowanceMs
 * ARGV[4] maxWaitMs   ARGV[5] hold token, "" for no hold   ARGV[6] hold leaseMs
 * ARGV[7] idleMs: the key outlives the latest time it holds by this much.
 *
 * Returns {"busy", holdUntil} | {"refused", waitMs} | {"reserved", slotAt, waitMs}.
 */
export const RESERVE_SLOT_SCRIPT = `
local key         = KEYS[1]
local now         = tonumber(ARGV[1])
local gapMs       = tonumber(ARGV[2])
local allowanceMs = tonumber(ARGV[3])
local maxWaitMs   = tonumber(ARGV[4])
local token       = ARGV[5]
local leaseMs     = tonumber(ARGV[6])
local idleMs      = tonumber(ARGV[7])

local state     = redis.call("HMGET", key, "next", "holder", "holdUntil")
local nextAt    = tonumber(state[1]) or 0
local holder    = state[2]
local holdUntil = tonumber(state[3]) or 0

if holder and holdUntil > now then
  return {"busy", holdUntil}
end

local slotAt = math.max(now, nextAt)
local waitMs = slotAt - now
if waitMs > maxWaitMs then
  return {"refused", waitMs}
end

nextAt = slotAt + gapMs + allowanceMs
local latest = nextAt
if token ~= "" then
  holdUntil = slotAt + leaseMs
  latest = math.max(latest, holdUntil)
  redis.call("HSET", key, "next", nextAt, "holder", token, "holdUntil", holdUntil)
else
  redis.call("HSET", key, "next", nextAt)
  redis.call("HDEL", key, "holder", "holdUntil")
end
redis.call("PEXPIRE", key, latest - now + idleMs)
return {"reserved", slotAt, waitMs}
`;

/**
 * Pushes the schedule to at least `now + gapMs` (a call answered, or a stream ended) and ends
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
    request.now,
    request.gapMs,
    request.allowanceMs,
    request.maxWaitMs,
    request.hold?.token ?? '',
    request.hold?.leaseMs ?? 0,
    idleMs,
  ].map((value) => (typeof value === 'string' ? value : String(wholeMs(value))));
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

/** The schedule hash, read. Missing or unreadable fields count as absent. */
export interface SlotScheduleState {
  next: number;
  holder: string | null;
  holdUntil: number;
}

/** The outcome of a pure schedule step: the new hash fields and the key's TTL, if it changed. */
export interface SlotScheduleWrite {
  fields: Record<string, string>;
  ttlMs: number;
}

/** Reads the hash fields the scripts write. */
export function readSlotSchedule(fields: Record<string, string>): SlotScheduleState {
  return {
    next: toNumberOrZero(fields.next),
    holder: fields.holder ?? null,
    holdUntil: toNumberOrZero(fields.holdUntil),
  };
}

/** RESERVE_SLOT_SCRIPT as a pure function: `write` is absent when nothing changes. */
export function reserveSlotInSchedule(
  state: SlotScheduleState,
  request: SlotRequest,
  idleMs: number,
): { reservation: SlotReservation; write?: SlotScheduleWrite } {
  const now = wholeMs(request.now);
  if (state.holder !== null && state.holdUntil > now) {
    return { reservation: { status: 'busy', holdUntil: state.holdUntil } };
  }
  const slotAt = Math.max(now, state.next);
  const waitMs = slotAt - now;
  if (waitMs > wholeMs(request.maxWaitMs)) return { reservation: { status: 'refused', waitMs } };

  const next = slotAt + wholeMs(request.gapMs) + wholeMs(request.allowanceMs);
  const hold = request.hold ? { holder: request.hold.token, holdUntil: slotAt + wholeMs(request.hold.leaseMs) } : null;
  return {
    reservation: { status: 'reserved', slotAt, waitMs },
    write: {
      fields: hold
        ? { next: String(next), holder: hold.holder, holdUntil: String(hold.holdUntil) }
        : { next: String(next) },
      ttlMs: Math.max(next, hold?.holdUntil ?? 0) - now + wholeMs(idleMs),
    },
  };
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
    ttlMs: Math.max(next, keepsHold ? state.holdUntil : 0) - now + wholeMs(idleMs),
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
      fields: { next: String(state.next), holder: renewal.token, holdUntil: String(holdUntil) },
      ttlMs: Math.max(state.next, holdUntil) - now + wholeMs(idleMs),
    },
  };
}

function wholeMs(value: number): number {
  return Math.round(value);
}

function toNumberOrZero(text: string | undefined): number {
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : 0;
}
