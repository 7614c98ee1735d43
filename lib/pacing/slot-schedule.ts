/**
 * The account's shared call schedule (docs/xipu-protocol §3: about one call per second per
 * account, across every instance). Two keys hold it:
 * - the hash `<key>`: `next`, a floor (epoch ms) no call starts before — pushed by answers
 *   that came late and by released holds (`floor = max(floor, at + gap)`); `holder`,
 *   `holdUntil`: a call that keeps the account busy (an open stream, when streams are
 *   serialised) and until when its lease runs; `waiterUntil`: one spacing after a caller was
 *   told "busy" (it books no slot while it polls), so a background call does not take the
 *   turn before it. A hash written by the earlier counter design (`next` = the slot after the
 *   last one handed out) reads the same way: as a floor.
 * - the sorted set `<key>:slots` (slotScheduleKeys): the slots handed out that still
 *   constrain a new one, member = the waiter's token, score = its slot (epoch ms).
 * Slots are `spacing = gap + allowance` apart.
 *
 * reserve(token) (./reserve-slot.ts): busy while another token's hold is live; else drop the
 * slots that no longer constrain (score ≤ now − spacing) and this token's own earlier slot
 * (so a waiter re-checks with the same call), then take the EARLIEST slot t ≥ max(now, floor)
 * at least `spacing` from every remaining slot — holes left by waiters that gave up are
 * filled. A slot that holds the account goes after every other slot instead (a hole-filler
 * would start while a later-booked call was still to come, inside its stream). Refused when
 * `t − now > maxWaitMs` — and for the background class (SlotRequest.background) whenever
 * `t > now` or another token holds the account: a background call only takes a slot nobody
 * waits for, and never books one in the future. A token that already had a slot only ever moves earlier: when t is
 * not earlier, or would be refused, or another token holds the account, it keeps its slot
 * (reply "reserved" with the old slot) — so a re-check can only help, and a late answer (the
 * floor) never moves a granted slot.
 * cancel(token) (./cancel-slot.ts): the waiter gave up before its call started: its slot
 * leaves the set at once (and its hold ends); calls behind it move up when they re-check. A
 * slot whose call started stays until it no longer constrains.
 * release (./release-slot.ts): `floor = max(floor, now + gap)`; the hold ends when the token
 * owns it.
 * renew (./renew-slot-hold.ts): `holdUntil = now + lease` when the token owns the hold.
 * Both keys expire `storeTtls.pacerIdleMs` after the latest time they hold, so an idle
 * schedule disappears.
 *
 * Fair queuing (round robin across clients, SlotRequest.fair): a waiter's token may name its
 * client and when its request arrived (queueToken). Such a waiter promises to ask again while
 * its wait exceeds `recheckBeyondMs`; while it does, its slot is in the sorted set
 * `<key>:movable`, and the schedule may move it later. A new fair reservation of client C takes
 * the earliest slot t0 as above, unless C's place in the round robin comes before it: each
 * pending slot (score > now) has a round, its rank among its client's pending slots; C's new
 * call has round r = the number of C's pending calls whose request arrived no later. Its place
 * is the first movable slot X after C's own earlier ones whose round is > r (or = r, of C, for
 * a request that arrived later); it takes X's time, and X and every movable slot after it move
 * later as little as keeps the spacing — slots not movable (calls about to start, tokens
 * without a client, waiters that will not ask again) stay where they are. So a key's burst of
 * ten cannot push another key's single request behind all ten: it goes after each key's first
 * pending call. A moved waiter learns its later slot at its next re-check, which comes before
 * its old slot; the request-start deadline (not maxWaitMs, which is checked on arrival) ends a
 * wait that grew later.
 *
 * Each step is one StoreScript (lib/store/store-script.ts): Lua for Redis (one round trip,
 * atomic, deterministic because the caller's clock is an argument) and its in-memory twin,
 * kept equivalent by one suite run on both stores (tests/pacing/slot-schedule.test.ts).
 * Times are whole epoch milliseconds; fractions are rounded on the way in. The set holds at
 * most the slots of one maxWaitMs (plus one spacing): a reservation reads them all.
 */

/** KEYS of the schedule's scripts: the hash, the sorted set of reserved slots, the sorted set of movable ones. */
export function slotScheduleKeys(key: string): [hash: string, slots: string, movable: string] {
  return [key, `${key}:slots`, `${key}:movable`];
}

/** Where a waiter's request stands in the round robin across clients (fair queuing). */
export interface QueuePlace {
  /** Who asks (the client key's id); requests of one client are served in arrival order. */
  client: string;
  /** When the request arrived (epoch ms): a chat's later calls keep the request's place. */
  arrivedAt: number;
}

/**
 * A waiter's token naming its place in the round robin: `<client>|<arrivedAt>|<call>:<id>`.
 * The schedule reads the client and arrival back from it (a token without them belongs to one
 * lane of its own, "", served first come first served).
 */
export function queueToken(place: QueuePlace | undefined, call: string, id: string): string {
  return place ? `${place.client.replaceAll('|', '_')}|${wholeMs(place.arrivedAt)}|${call}:${id}` : `${call}:${id}`;
}

export interface SlotRequest {
  /** The waiter: its slot in the schedule, and the holder of its hold. */
  token: string;
  /** Caller's clock, epoch ms. */
  now: number;
  /** Minimum time between one call and the next (start to start, and answer to start). */
  gapMs: number;
  /**
   * How long the call may take to answer before the schedule's start-to-start spacing no
   * longer also covers answer-to-start: the next slot is `slot + gapMs + allowanceMs`.
   * A call that answers later reports it with releaseSlot.
   */
  allowanceMs: number;
  /**
   * Refuse (and reserve nothing) when the wait would be longer than this; a token that already
   * holds a slot keeps it instead.
   */
  maxWaitMs: number;
  /**
   * Keep the account busy from this slot until releaseSlot or cancelSlot with the same token
   * (or until the lease runs out): every other new reservation answers `busy` meanwhile. Used
   * when an open stream must count as busy (PACER_SERIALIZE_STREAMS).
   */
  hold?: { leaseMs: number };
  /**
   * The background class (pool refills, batched deletes): granted only a slot that starts at
   * `now`, so only when no other call waits for one (no slot after `now`, not even behind a
   * hole) and the account is free (no hold, the last slot at least one spacing ago). Otherwise refused, with the wait until the account
   * would be free if nobody else booked (`waitMs`): a background call never takes a place a
   * request could have had, and books nothing in the future. Never with `hold`.
   */
  background?: boolean;
  /**
   * Fair queuing across clients (the token names its client: queueToken): a new reservation
   * takes its place in the round robin, moving movable slots of clients with more calls
   * waiting later; and the waiter promises to ask again, with the same token, while its wait
   * exceeds `recheckBeyondMs`, so until then its own slot may be moved later. Absent: first
   * come first served, and the slot never moves. Never with `hold` or `background`.
   */
  fair?: { recheckBeyondMs: number };
}

export type SlotReservation =
  /** Start the call at `slotAt` (= now + waitMs; negative for a kept slot already past). */
  | { status: 'reserved'; slotAt: number; waitMs: number }
  /**
   * The wait would exceed maxWaitMs; nothing was reserved (the token had no slot). For the
   * background class, `othersWait` says the refusal is for calls waiting or holding the
   * account (not merely one that started less than a spacing ago): asking again soon is futile.
   */
  | { status: 'refused'; waitMs: number; othersWait?: boolean }
  /** Another call holds the account until at most `holdUntil`; ask again later (the token had no slot). */
  | { status: 'busy'; holdUntil: number };

export interface SlotRelease {
  now: number;
  gapMs: number;
  /** Ends the hold when this token owns it. */
  token?: string;
}

export interface SlotRenewal {
  /** The hold's owner. */
  token: string;
  now: number;
  /** The hold lasts this long from `now`. */
  leaseMs: number;
}

/** Times go to the scripts as whole milliseconds. */
export function wholeMs(value: number): number {
  return Math.round(value);
}
