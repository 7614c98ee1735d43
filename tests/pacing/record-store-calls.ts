import type { SlotRelease, SlotReservation, Store } from '@/lib/store/store';

/** A Store that passes every call through and records the schedule calls and their answers. */
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

  const store: Store = {
    backend: inner.backend,
    get: (key) => inner.get(key),
    set: (key, value, options) => inner.set(key, value, options),
    setIfAbsent: (key, value, ttlMs) => inner.setIfAbsent(key, value, ttlMs),
    deleteIfEquals: (key, expected) => inner.deleteIfEquals(key, expected),
    delete: (...keys) => inner.delete(...keys),
    hashSet: (key, fields) => inner.hashSet(key, fields),
    hashGetAll: (key) => inner.hashGetAll(key),
    hashDelete: (key, ...fields) => inner.hashDelete(key, ...fields),
    async reserveSlot(key, request) {
      const reservation = await inner.reserveSlot(key, request);
      reservations.push(reservation);
      notify();
      return reservation;
    },
    async cancelSlot(key, token) {
      cancels.push(token);
      await inner.cancelSlot(key, token);
    },
    async releaseSlot(key, release) {
      releases.push(release);
      await inner.releaseSlot(key, release);
    },
    renewSlotHold: (key, renewal) => inner.renewSlotHold(key, renewal),
    acquireLease: (key, lease) => inner.acquireLease(key, lease),
    releaseLease: (key, member) => inner.releaseLease(key, member),
    limitRate: (key, limit, windowMs) => inner.limitRate(key, limit, windowMs),
    appendMetric: (metric) => inner.appendMetric(metric),
    listRange: (key, start, stop) => inner.listRange(key, start, stop),
    ping: () => inner.ping(),
  };

  return {
    store,
    reservations,
    cancels,
    releases,
    reservationsAnswered: (count) => waitFor(() => (reservations.length >= count ? [...reservations] : undefined)),
    reservationAnswered: (status) => waitFor(() => reservations.find((reservation) => reservation.status === status)),
  };
}
