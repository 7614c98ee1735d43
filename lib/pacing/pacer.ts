import { randomUUID } from 'node:crypto';
import type { SlotReservation, Store } from '@/lib/store/store';
import { abortableSleep } from './abortable-sleep';
import { upstreamBusyError } from './upstream-busy-error';
import { logEvent } from '@/lib/log/log-event';

/** The account's three API calls; every one of them counts toward its frequency limit. */
export type UpstreamCall = 'saveSession' | 'completions' | 'delSession';

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
   * Waits for the next free slot of the shared schedule and resolves when the call may start.
   * With `serializeStreams` and `holdStream`, the turn also holds the account until
   * releaseHold() (or until its lease lapses): everyone else waits meanwhile.
   *
   * @throws GatewayError 429 `upstream_busy` (with Retry-After) when the wait would exceed
   *   maxWaitMs; nothing is reserved then.
   * @throws the signal's reason when it aborts while waiting: nothing may be sent upstream,
   *   and a hold taken for this turn is released.
   * @throws the store's error when the store is unreachable.
   */
  waitForTurn(call: UpstreamCall, options?: { signal?: AbortSignal; holdStream?: boolean }): Promise<PacerTurn>;
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
/** The round-trip estimate follows a slower store at once and a faster one gradually. */
const ROUND_TRIP_DECAY = 0.8;

/**
 * A timer may fire a millisecond before the clock reads its target; sleeping is repeated until
 * it does (bounded, in case an injected sleep does not move an injected clock).
 */
const MAX_SLEEP_ROUNDS = 5;

/**
 * The account's pacer: one shared schedule in the store (lib/pacing/slot-schedule.ts) keeps
 * every instance's upstream calls `gapMs` apart, first come first served, with exact waits
 * (no polling except while a stream holds the account).
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

  const sleepUntil = async (target: number, signal: AbortSignal | undefined): Promise<void> => {
    for (let round = 0; round < MAX_SLEEP_ROUNDS && now() < target; round += 1) {
      await sleep(target - now(), signal);
    }
    signal?.throwIfAborted();
  };

  const createTurn = (
    reservation: Extract<SlotReservation, { status: 'reserved' }>,
    startedAt: number,
    hold: { token: string; leaseMs: number } | undefined,
  ): PacerTurn => {
    let holdReleased = false;
    return {
      slotAt: reservation.slotAt,
      waitedMs: now() - startedAt,
      async answered(at = now()) {
        if (at <= reservation.slotAt + allowanceMs) return;
        // Best effort: a store hiccup here must never cost the caller the upstream call's
        // result (a created session, an open stream). The next slots just keep their spacing.
        await store.releaseSlot(key, { now: at, gapMs }).catch((error: unknown) => {
          logEvent('warn', 'pacer_answer_not_recorded', { error: error instanceof Error ? error.message : String(error) });
        });
      },
      async releaseHold() {
        if (!hold || holdReleased) return;
        await store.releaseSlot(key, { now: now(), gapMs, token: hold.token });
        holdReleased = true;
      },
      async renewHold() {
        if (!hold) return true;
        if (holdReleased) return false;
        return await store.renewSlotHold(key, { token: hold.token, now: now(), leaseMs: hold.leaseMs });
      },
    };
  };

  return {
    async waitForTurn(call, turnOptions = {}) {
      const { signal, holdStream = false } = turnOptions;
      signal?.throwIfAborted();
      const startedAt = now();
      const deadline = startedAt + maxWaitMs;
      const hold =
        serializeStreams && holdStream ? { token: `${call}:${randomUUID()}`, leaseMs: holdLeaseMs } : undefined;

      for (;;) {
        const askedAt = now();
        // Ask for a slot this caller can reach: its answer arrives one store round trip
        // after asking, and a call that starts late crowds the next caller's slot.
        const lead = Math.min(Math.round(roundTripMs), MAX_LEAD_MS);
        const reservation = await store.reserveSlot(key, {
          now: askedAt + lead,
          gapMs,
          allowanceMs,
          maxWaitMs: Math.max(0, deadline - askedAt - lead),
          hold,
        });
        const roundTrip = now() - askedAt;
        roundTripMs = Math.max(roundTrip, roundTripMs * ROUND_TRIP_DECAY);
        if (reservation.status === 'refused') throw upstreamBusyError({ waitMs: reservation.waitMs, maxWaitMs });
        if (reservation.status === 'busy') {
          const wakeAt = Math.min(reservation.holdUntil, askedAt + pollMs);
          if (wakeAt > deadline) throw upstreamBusyError({ waitMs: reservation.holdUntil - askedAt, maxWaitMs });
          await sleepUntil(wakeAt, signal);
          continue;
        }
        try {
          await sleepUntil(reservation.slotAt, signal);
        } catch (error) {
          // Nothing goes upstream; free the account now rather than when the lease lapses
          // (should the store fail here too, the lease still ends the hold).
          if (hold) await store.releaseSlot(key, { now: now(), gapMs, token: hold.token }).catch(() => undefined);
          throw error;
        }
        // Woke too late (a slow store answer, a busy event loop, a frozen instance): starting
        // now would crowd the next slot. Give this one up and queue again.
        if (now() - reservation.slotAt > lateToleranceMs && now() < deadline) {
          if (hold) await store.releaseSlot(key, { now: now(), gapMs, token: hold.token });
          continue;
        }
        return createTurn(reservation, startedAt, hold);
      }
    },
  };
}
