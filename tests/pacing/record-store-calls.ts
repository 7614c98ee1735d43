import { CANCEL_SLOT_SCRIPT } from '@/lib/pacing/cancel-slot';
import { RELEASE_SLOT_SCRIPT } from '@/lib/pacing/release-slot';
import { RESERVE_SLOT_SCRIPT } from '@/lib/pacing/reserve-slot';
import type { SlotRelease, SlotReservation } from '@/lib/pacing/slot-schedule';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';

/** A Store that passes every call through and records the schedule's calls and their answers. */
export interface RecordedStore {
  store: Store;
  reservations: SlotReservation[];
  /** The tokens given back with cancelSlot, in call order. */
  cancels: string[];
  releases: SlotRelease[];
  /** Resolves once `count` reservations have been answered (earlier ones included). */
  reservationsAnswered(count: number): Promise<SlotReservation[]>;
  /** Resolves once a reservation with this status has been answered (earlier ones included). */
  reservationAnswered(status: SlotReservation['status']): Promise<SlotReservation>;
}

/**
 * Runs each script through `around`, which gets the script, its arguments and the run itself
 * (to delay it, move a clock, or record it); every other call passes straight through.
 */
export function aroundScripts(
  inner: Store,
  around: <T>(script: StoreScript<T>, call: { keys: readonly string[]; args: readonly (string | number)[] }, run: () => Promise<T>) => Promise<T>,
): Store {
  const run = <T>(script: StoreScript<T>, keys: readonly string[], args: readonly (string | number)[]): Promise<T> =>
    around(script, { keys, args }, () => inner.run(script, keys, args));
  return { ...inner, run };
}

export function recordStoreCalls(inner: Store): RecordedStore {
  const reservations: SlotReservation[] = [];
  const cancels: string[] = [];
  const releases: SlotRelease[] = [];
  const waiters: (() => boolean)[] = [];
  /** Calls every waiter; keeps those still waiting. */
  const notify = (): void => {
    const stillWaiting = waiters.filter((waiter) => !waiter());
    waiters.splice(0, waiters.length, ...stillWaiting);
  };
  const waitFor = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const waiter = (): boolean => {
        const value = check();
        if (value !== undefined) resolve(value);
        return value !== undefined;
      };
      if (!waiter()) waiters.push(waiter);
    });

  const store = aroundScripts(inner, async (script, { args }, run) => {
    // The scripts' ARGV (lib/pacing/cancel-slot.ts, release-slot.ts): the token; now, gap, token.
    if (script === CANCEL_SLOT_SCRIPT) cancels.push(String(args[0]));
    if (script === RELEASE_SLOT_SCRIPT) {
      releases.push({ now: Number(args[0]), gapMs: Number(args[1]), ...(args[2] ? { token: String(args[2]) } : {}) });
    }
    const reply = await run();
    if (script === RESERVE_SLOT_SCRIPT) {
      reservations.push(reply as SlotReservation);
      notify();
    }
    return reply;
  });

  return {
    store,
    reservations,
    cancels,
    releases,
    reservationsAnswered: (count) => waitFor(() => (reservations.length >= count ? [...reservations] : undefined)),
    reservationAnswered: (status) => waitFor(() => reservations.find((reservation) => reservation.status === status)),
  };
}
