import { randomUUID } from 'node:crypto';
import type { Store } from '@/lib/store/store';
import { abortableSleep } from './abortable-sleep';
import { cancelSlot } from './cancel-slot';
import { releaseSlot } from './release-slot';
import { renewSlotHold } from './renew-slot-hold';
import { reserveSlot } from './reserve-slot';
import { queueToken, type QueuePlace, type SlotReservation } from './slot-schedule';
import { upstreamBusyError } from './upstream-busy-error';
import { logEvent } from '@/lib/log/log-event';

/**
 * What the call is, in the provider's own words (XIPU: `saveSession`, `completions`,
 * `delSession`): it names the waiter's token and its log lines. The schedule treats every
 * call alike; each counts toward the account's frequency limit.
 */
export type UpstreamCall = string;

export interface PacerOptions {
  store: Store;
  /** The schedule's key (storeKeys.pacerSchedule). */
  key: string;
  /** Minimum spacing between calls (docs/xipu-protocol §3: about one second was always safe). */
  gapMs: number;
  /**
   * How late an answer may come before it must push the schedule (see SlotRequest). It must
   * also cover the store's round trip: a turn granted "now" is handed out one round trip after
   * its slot, which brings its call that much closer to the next one.
   */
  allowanceMs: number;
  /** Longest a caller waits for its turn; beyond it the caller gets a 429 at once. */
  maxWaitMs: number;
  /** Whether an open completions stream keeps the account busy (PACER_SERIALIZE_STREAMS). */
  serializeStreams: boolean;
  /** Lease of a stream's hold; the stream renews it with renewHold(). */
  holdLeaseMs?: number;
  /** How often a caller asks again while another call holds the account. */
  pollMs?: number;
  /** Epoch ms. */
  now?: () => number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A granted turn: the caller may now send its one upstream call. */
export interface PacerTurn {
  /** The slot the schedule granted (epoch ms); the turn is handed out no earlier. */
  slotAt: number;
  /** How long waitForTurn took. */
  waitedMs: number;
  /**
   * Reports when the answer came (for completions: the response headers; default now).
   * Free when it came within `slotAt + allowanceMs`; a later answer pushes the schedule to
   * `at + gapMs` (one store call). Never throws: a store failure is logged.
   */
  answered(at?: number): Promise<void>;
  /**
   * The turn was not used after all (nothing to send): its slot (and hold) goes back at once,
   * for every instance, as if it had never been booked; answered() then does nothing. Never throws.
   */
  giveBack(): Promise<void>;
  /** Ends this turn's hold (when it has one), freeing the account `gapMs` from now. Idempotent. */
  releaseHold(): Promise<void>;
  /**
   * Extends this turn's hold by the lease; call it while the stream runs. Resolves false when
   * the hold was lost (its lease lapsed and another call took the account, or it was
   * released); true when renewed, or when this turn never held anything.
   */
  renewHold(): Promise<boolean>;
}

export interface Pacer {
  /**
   * Waits for the earliest free slot of the shared schedule and resolves when the call may
   * start; a long wait re-checks its slot and moves up into places others gave back.
   * With `serializeStreams` and `holdStream`, the turn also holds the account until
   * releaseHold() (or until its lease lapses): everyone else waits meanwhile.
   *
   * @throws GatewayError 429 `upstream_busy` (with Retry-After) when the wait would exceed
   *   maxWaitMs; nothing is reserved then.
   * @throws the signal's reason when it aborts while waiting: nothing may be sent upstream,
   *   and the slot (with a hold taken for it) is given back first, for every instance.
   * @throws the store's error when the store is unreachable.
   */
  waitForTurn(call: UpstreamCall, options?: WaitForTurnOptions): Promise<PacerTurn>;
  /**
   * How soon a call asked for now could start, booking nothing (one store command): for the
   * admin page, and for routing between accounts later. `holdUntil` when an open stream
   * holds the account (serialised streams).
   * @throws the store's error when the store is unreachable.
   */
  earliestStart(): Promise<{ waitMs: number; holdUntil?: number }>;
}

export interface WaitForTurnOptions {
  /** Aborts the wait (client disconnect, deadline): the slot is given back at once. */
  signal?: AbortSignal;
  /** Hold the account while this call's stream is open (with serializeStreams). */
  holdStream?: boolean;
  /**
   * Keeps work alive after the response (Next's `after()`; ChatCallOptions.defer). Given, the
   * wait registers one task that resolves once the wait has settled, so a slot given back on
   * a disconnect is given back even where the platform ends the function then (Vercel).
   */
  defer?: (task: () => Promise<void>) => void;
  /**
   * The background class (pool refills, batched deletes: work no request waits for): the turn
   * is granted only when nobody else waits and the account is free now (SlotRequest.background),
   * never booked ahead. A refusal is asked again after the wait it reports, a few times within
   * BACKGROUND_MAX_WAIT_MS; then it throws `upstream_busy`, and the work is left for a quieter
   * moment. Under load the background simply gets no turn. Never with `holdStream`.
   */
  background?: boolean;
  /** Background only: ask no earlier than this (epoch ms), e.g. one spacing after the caller's last call. */
  notBefore?: number;
  /**
   * The request's client and arrival: waiters are then served round robin across clients
   * (fair queuing, ./slot-schedule.ts), so one key's burst cannot push another key's request
   * behind all of it. Such a wait may grow after it began (another client's request takes a
   * place ahead); the signal (the request-start deadline) ends it then. Absent (heartbeats,
   * deletes): first come first served, and the slot never moves. Ignored with a hold.
   */
  queueAs?: QueuePlace;
}

/**
 * A quarter of the ~1 s gap: how late a waiter may notice that a hold ended, against one
 * store command per poll and waiter.
 */
const DEFAULT_POLL_MS = 250;
/** A stream renews its hold every few seconds; a crashed instance frees the account after this. */
const DEFAULT_HOLD_LEASE_MS = 30_000;
/** Timers fire a few milliseconds late even on an idle machine. */
const TIMER_SLACK_MS = 10;
/** Slots are asked for at most this far ahead to cover the store's round trip. */
const MAX_LEAD_MS = 200;
/** A background call asks at most this many times (one store command each) before it gives up. */
export const BACKGROUND_ATTEMPTS = 4;
/** …and waits at most this long in all: background work never lingers long after a response. */
export const BACKGROUND_MAX_WAIT_MS = 15_000;
/** The round-trip estimate follows a slower store at once and a faster one gradually. */
const ROUND_TRIP_DECAY = 0.8;

/**
 * A timer may fire a millisecond before the clock reads its target; sleeping is repeated until
 * it does (bounded, in case an injected sleep does not move an injected clock).
 */
const MAX_SLEEP_ROUNDS = 5;
/**
 * A wait up to this many slot spacings (gap + allowance) is slept through without a re-check:
 * the normal wait of a chat's second call, so an uncontended chat costs no extra command.
 */
const RECHECK_BEYOND_SPACINGS = 2;
/**
 * A re-check wakes halfway to the slot, so it leaves at least this much before it for its
 * answer to come back: the longest store round trip planned for (the lead's cap). Only matters
 * for very short gaps (tests); at the default gap two spacings are far longer.
 */
const MIN_RECHECK_MARGIN_MS = MAX_LEAD_MS;

/**
 * The account's pacer: one shared schedule in the store (./slot-schedule.ts) keeps
 * every instance's upstream calls `gapMs` apart, first come first served, with exact waits
 * (no polling except while a stream holds the account).
 *
 * A waiter that gives up (its signal aborts) gives its slot back at once, and waiters behind
 * it move up when they re-check: while more than 2 spacings (gap + allowance) remain, a
 * waiter sleeps half the remaining wait and asks the schedule again with the same token (its
 * slot can only move earlier, or stay). So a waiter learns of a hole within half its
 * remaining wait, and every re-check leaves more than one spacing (and at least the longest
 * planned store round trip) before the slot. Budget:
 * ⌊log2(wait / (2 × spacing))⌋ + 1 extra store commands per queued waiter (a 30 s wait at the
 * default 1.25 s spacing: 4); a wait of at most 2 spacings — the normal wait of a chat's
 * second call — costs none.
 */
export function createPacer(options: PacerOptions): Pacer {
  const { store, key, gapMs, allowanceMs, maxWaitMs, serializeStreams } = options;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const holdLeaseMs = options.holdLeaseMs ?? DEFAULT_HOLD_LEASE_MS;
  const clock = options.now ?? Date.now;
  const now = (): number => Math.floor(clock());
  const sleep = options.sleep ?? abortableSleep;
  /**
   * A call may start at most this long after its slot: half the allowance, so the other half
   * still covers the answer's latency before the next slot (slots are gap + allowance apart),
   * but never less than a timer's ordinary slack.
   */
  const lateToleranceMs = Math.max(TIMER_SLACK_MS, Math.floor(allowanceMs / 2));
  /** This instance's recent store round trip (a per-process estimate, not shared state). */
  let roundTripMs = 0;
  /** A wait longer than this re-checks its slot halfway (see createPacer). */
  const recheckBeyondMs = Math.max(RECHECK_BEYOND_SPACINGS * (gapMs + allowanceMs), 2 * MIN_RECHECK_MARGIN_MS);

  const sleepUntil = async (target: number, signal: AbortSignal | undefined): Promise<void> => {
    for (let round = 0; round < MAX_SLEEP_ROUNDS && now() < target; round += 1) {
      await sleep(target - now(), signal);
    }
    signal?.throwIfAborted();
  };

  const createTurn = (
    reservation: Extract<SlotReservation, { status: 'reserved' }>,
    startedAt: number,
    holdToken: string | undefined,
    token: string,
  ): PacerTurn => {
    let holdReleased = false;
    let givenBack = false;
    return {
      slotAt: reservation.slotAt,
      waitedMs: now() - startedAt,
      async answered(at = now()) {
        if (givenBack || at <= reservation.slotAt + allowanceMs) return;
        // Best effort: a store hiccup here must never cost the caller the upstream call's
        // result (a created session, an open stream). The next slots just keep their spacing.
        await releaseSlot(store, key, { now: at, gapMs }).catch((error: unknown) => {
          logEvent('warn', 'pacer_answer_not_recorded', { error: error instanceof Error ? error.message : String(error) });
        });
      },
      async giveBack() {
        givenBack = true;
        holdReleased = true;
        await cancelSlot(store, key, token).catch((error: unknown) => {
          logEvent('warn', 'pacer_slot_not_given_back', { error: error instanceof Error ? error.message : String(error) });
        });
      },
      async releaseHold() {
        if (!holdToken || holdReleased) return;
        await releaseSlot(store, key, { now: now(), gapMs, token: holdToken });
        holdReleased = true;
      },
      async renewHold() {
        if (!holdToken) return true;
        if (holdReleased) return false;
        return await renewSlotHold(store, key, { token: holdToken, now: now(), leaseMs: holdLeaseMs });
      },
    };
  };

  return {
    async waitForTurn(call, turnOptions = {}) {
      const { signal, holdStream = false, defer } = turnOptions;
      signal?.throwIfAborted();
      let settle = (): void => undefined;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      defer?.(() => settled);
      try {
        if (turnOptions.background) return await waitForBackgroundSlot(call, signal, turnOptions.notBefore);
        return await waitForSlot(call, signal, serializeStreams && holdStream, turnOptions.queueAs);
      } finally {
        settle();
      }
    },

    async earliestStart() {
      const askedAt = now();
      // A reservation that may wait no time at all is refused and reports the wait, changing
      // nothing (a fresh token has no slot to keep).
      const probe = await reserveSlot(store, key, { token: `probe:${randomUUID()}`, now: askedAt, gapMs, allowanceMs, maxWaitMs: -1 });
      switch (probe.status) {
        case 'refused':
          return { waitMs: probe.waitMs };
        case 'busy':
          return { waitMs: Math.max(0, probe.holdUntil - askedAt), holdUntil: probe.holdUntil };
        case 'reserved':
          throw new Error('the schedule booked a probe that may not wait');
      }
    },
  };

  /**
   * A background turn (WaitForTurnOptions.background): a slot at once when nobody waits and
   * the account is free; refused because the last call started less than a spacing ago, it
   * asks again after the reported wait (BACKGROUND_ATTEMPTS times within
   * BACKGROUND_MAX_WAIT_MS); refused because others wait or hold the account, it gives up at once. Nothing is booked ahead, so there is nothing to give back.
   */
  async function waitForBackgroundSlot(call: UpstreamCall, signal: AbortSignal | undefined, notBefore: number | undefined): Promise<PacerTurn> {
    const startedAt = now();
    const deadline = startedAt + BACKGROUND_MAX_WAIT_MS;
    const token = `${call}:${randomUUID()}`;
    if (notBefore !== undefined && notBefore > now()) {
      if (notBefore > deadline) throw upstreamBusyError({ waitMs: notBefore - startedAt, maxWaitMs: BACKGROUND_MAX_WAIT_MS });
      await sleepUntil(notBefore, signal);
    }
    let waitMs = 0;
    for (let attempt = 1; attempt <= BACKGROUND_ATTEMPTS; attempt += 1) {
      const askedAt = now();
      const reservation = await reserveSlot(store, key, { token, now: askedAt, gapMs, allowanceMs, maxWaitMs: 0, background: true });
      if (reservation.status === 'reserved') return createTurn(reservation, startedAt, undefined, token);
      waitMs = reservation.status === 'refused' ? reservation.waitMs : reservation.holdUntil - askedAt;
      // Calls are waiting (or one holds the account): the account is in use, and asking again
      // would only cost commands. Only "the last call started just now" is worth a second ask.
      if (reservation.status !== 'refused' || reservation.othersWait) break;
      // A little past the reported moment, so the slot before it has surely started.
      const wakeAt = askedAt + Math.max(waitMs, pollMs) + TIMER_SLACK_MS;
      if (attempt === BACKGROUND_ATTEMPTS || wakeAt > deadline) break;
      await sleepUntil(wakeAt, signal);
    }
    throw upstreamBusyError({ waitMs, maxWaitMs: BACKGROUND_MAX_WAIT_MS });
  }

  /** waitForTurn without its defer: resolves with the turn, or rejects after giving the slot back. */
  async function waitForSlot(call: UpstreamCall, signal: AbortSignal | undefined, holds: boolean, queueAs: QueuePlace | undefined): Promise<PacerTurn> {
    const startedAt = now();
    const deadline = startedAt + maxWaitMs;
    const hold = holds ? { leaseMs: holdLeaseMs } : undefined;
    // One token per waiter: its slot in the schedule, the holder of its hold, and (fair
    // queuing) its client and arrival.
    const place = hold ? undefined : queueAs;
    const token = queueToken(place, call, randomUUID());
    // The waiter keeps the promise the schedule relies on to move its slot: it asks again
    // while the wait the schedule reported exceeds recheckBeyondMs (the loop below).
    const fair = place ? { recheckBeyondMs } : undefined;
    /** Whether the schedule holds a slot of this waiter that nothing has used yet. */
    let reserved = false;

    const reserve = async (): Promise<SlotReservation> => {
      const askedAt = now();
      // Ask for a slot this caller can reach: its answer arrives one store round trip
      // after asking, and a call that starts late crowds the next caller's slot.
      const lead = Math.min(Math.round(roundTripMs), MAX_LEAD_MS);
      const reservation = await reserveSlot(store, key, {
        token,
        now: askedAt + lead,
        gapMs,
        allowanceMs,
        maxWaitMs: Math.max(0, deadline - askedAt - lead),
        hold,
        fair,
      });
      const roundTrip = now() - askedAt;
      roundTripMs = Math.max(roundTrip, roundTripMs * ROUND_TRIP_DECAY);
      reserved = reservation.status === 'reserved';
      return reservation;
    };

    try {
      for (;;) {
        const askedAt = now();
        let reservation = await reserve();
        if (reservation.status === 'refused') throw upstreamBusyError({ waitMs: reservation.waitMs, maxWaitMs });
        if (reservation.status === 'busy') {
          const wakeAt = Math.min(reservation.holdUntil, askedAt + pollMs);
          if (wakeAt > deadline) throw upstreamBusyError({ waitMs: reservation.holdUntil - askedAt, maxWaitMs });
          await sleepUntil(wakeAt, signal);
          continue;
        }
        // A long wait re-checks at geometric intervals: waiters ahead may have given up, or
        // (fair queuing) another client's request took a place ahead. The test is the wait
        // the schedule reported, the same one it decides a slot's movability by.
        let lostSlot = false;
        while (reservation.waitMs > recheckBeyondMs) {
          // Halfway: at least one spacing is still left then, so the answer is back in time.
          await sleepUntil(now() + Math.ceil((reservation.slotAt - now()) / 2), signal);
          const rechecked = await reserve();
          // A slot is kept by every re-check, unless this one came so late that the slot had
          // passed (a frozen instance): then queue again like any new caller.
          if (rechecked.status !== 'reserved') {
            lostSlot = true;
            break;
          }
          reservation = rechecked;
        }
        if (lostSlot) continue;
        await sleepUntil(reservation.slotAt, signal);
        // Woke too late (a slow store answer, a busy event loop, a frozen instance): starting
        // now would crowd the next slot. Give this one up and queue again.
        if (now() - reservation.slotAt > lateToleranceMs && now() < deadline) {
          await cancelSlot(store, key, token);
          reserved = false;
          continue;
        }
        reserved = false;
        return createTurn(reservation, startedAt, hold && token, token);
      }
    } catch (error) {
      // Nothing goes upstream: give the slot (and the hold) back now, so the calls behind it
      // move up, rather than leave it standing until it passes (should the store fail here
      // too, the slot lapses on its own and a hold's lease ends it).
      if (reserved) {
        await cancelSlot(store, key, token).catch((cancelError: unknown) => {
          logEvent('warn', 'pacer_slot_not_given_back', { error: cancelError instanceof Error ? cancelError.message : String(cancelError) });
        });
      }
      throw error;
    }
  }
}
