import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import { CANCEL_SLOT_SCRIPT, cancelSlot } from '@/lib/pacing/cancel-slot';
import { createPacer, type UpstreamCall } from '@/lib/pacing/pacer';
import { releaseSlot } from '@/lib/pacing/release-slot';
import { RESERVE_SLOT_SCRIPT, reserveSlot } from '@/lib/pacing/reserve-slot';
import type { SlotReservation } from '@/lib/pacing/slot-schedule';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { readSortedSet } from '../support/read-sorted-set';
import { aroundScripts, recordStoreCalls } from './record-store-calls';

/** Real clock, real sleeps: timing assertions only on what the pacer guarantees. */
const storeFactories: [string, () => Store][] = [
  [
    'real Redis (Upstash bridge)',
    () => createUpstashStore({ url: inject('upstashUrl'), token: inject('upstashToken'), retry: false }),
  ],
  ['the memory store', () => createMemoryStore()],
];

/**
 * Waits for a turn and notes when it was handed out.
 *
 * A turn granted "now" is handed out one store round trip after its slot, which shortens the
 * real gap to the next call by that round trip (allowanceMs must cover it). So each burst
 * below starts behind openSchedule(): every turn in it waits, and is handed out at its slot.
 */
async function takeTurn(pacer: ReturnType<typeof createPacer>, call: UpstreamCall, index: number) {
  const turn = await pacer.waitForTurn(call);
  return { index, slotAt: turn.slotAt, startedAt: Date.now() };
}

/** Pacer settings for tests that never hit maxWaitMs. */
const patient = { allowanceMs: 0, maxWaitMs: 10_000 };

/** Pushes the schedule's floor a long gap ahead (as a late answer would), so the burst queues behind it. */
async function openSchedule(store: Store, key: string): Promise<{ nextSlotAt: number }> {
  const openingGapMs = 300;
  const now = Date.now();
  await releaseSlot(store, key, { now, gapMs: openingGapMs });
  return { nextSlotAt: now + openingGapMs };
}

/**
 * What the pacer guarantees, exactly: distinct slots at least one gap apart, and no turn
 * handed out before its slot. (Observed start-to-start gaps may shrink below the gap only when
 * the machine wakes a turn late, which no pacer can prevent; on this 2-CPU box with parallel
 * test files that was up to ~25 ms, so they are not asserted pairwise.)
 */
function expectSpacedTurns(turns: { slotAt: number; startedAt: number }[], gapMs: number): void {
  const bySlot = [...turns].sort((first, second) => first.slotAt - second.slotAt);
  expect(new Set(turns.map((turn) => turn.slotAt)).size).toBe(turns.length);
  for (const turn of turns) expect(turn.startedAt).toBeGreaterThanOrEqual(turn.slotAt);
  for (let index = 1; index < bySlot.length; index += 1) {
    const previous = bySlot[index - 1];
    const current = bySlot[index];
    if (!previous || !current) throw new Error('unreachable');
    expect(current.slotAt - previous.slotAt).toBeGreaterThanOrEqual(gapMs);
  }
  // The whole burst takes at least (N − 1) gaps.
  const first = bySlot[0];
  const last = bySlot[bySlot.length - 1];
  if (!first || !last) throw new Error('unreachable');
  expect(last.startedAt - first.slotAt).toBeGreaterThanOrEqual((turns.length - 1) * gapMs);
}

describe.each(storeFactories)('pacer on %s', (_backend, createStore) => {
  let store: Store;
  let key: string;
  beforeEach(() => {
    store = createStore();
    key = `pacer-test:${randomUUID()}`;
  });

  it('spaces 12 concurrent callers one gap apart, first come first served', async () => {
    const gapMs = 40;
    // The allowance lets a turn wake up to 60 ms late (half of it) before it gives its slot up
    // and queues again, which would change the order: a loaded CI machine (next start
    // processes of other files, two cores) was seen waking a turn 20+ ms late.
    const pacer = createPacer({ store, key, gapMs, allowanceMs: 120, maxWaitMs: 10_000, serializeStreams: false });
    const opening = await openSchedule(store, key);
    const turns = await Promise.all(Array.from({ length: 12 }, (_, index) => takeTurn(pacer, 'completions', index)));

    expect(Math.min(...turns.map((turn) => turn.slotAt))).toBeGreaterThanOrEqual(opening.nextSlotAt);
    expectSpacedTurns(turns, gapMs);
    const order = [...turns].sort((first, second) => first.slotAt - second.slotAt).map((turn) => turn.index);
    expect(order).toEqual(turns.map((turn) => turn.index));
  });

  it("serves another client's waiter round robin: it goes before most of a burst, and the turns stay spaced", async () => {
    const gapMs = 40;
    const pacer = createPacer({ store, key, gapMs, allowanceMs: 120, maxWaitMs: 10_000, serializeStreams: false });
    const opening = await openSchedule(store, key);
    const arrivedAt = Date.now();
    const take = async (client: string, index: number) => {
      const turn = await pacer.waitForTurn('completions', { queueAs: { client, arrivedAt } });
      return { client, index, slotAt: turn.slotAt, startedAt: Date.now() };
    };
    const burst = Array.from({ length: 8 }, (_, index) => take('A', index));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const turns = await Promise.all([...burst, take('B', 0)]);

    expect(Math.min(...turns.map((turn) => turn.slotAt))).toBeGreaterThanOrEqual(opening.nextSlotAt);
    // Moved waiters were handed out at their later slot, never at the one they first had.
    expectSpacedTurns(turns, gapMs);
    const order = [...turns].sort((first, second) => first.slotAt - second.slotAt).map((turn) => turn.client);
    // The waits of the first slots are too short to re-check, so they stay; B comes right after.
    expect(order.indexOf('B')).toBeLessThanOrEqual(4);
    expect(order.filter((client) => client === 'A')).toHaveLength(8);
  });

  it('refuses with 429 upstream_busy and Retry-After beyond maxWait, reserving nothing', async () => {
    // Slots 260 ms apart (gap + allowance; the allowance also lets a turn wake up to 30 ms
    // late on a loaded machine): two fit within 400 ms, the third does not.
    const pacer = createPacer({ store, key, gapMs: 200, allowanceMs: 60, maxWaitMs: 400, serializeStreams: false });
    const outcomes = await Promise.allSettled([0, 1, 2].map(() => pacer.waitForTurn('saveSession')));

    const granted = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.slotAt] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(granted).toHaveLength(2);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(GatewayError);
    expect(refused[0]).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'upstream_busy',
      retryAfterSeconds: 1,
      retryable: true,
      message: expect.stringMatching(/queue is full/),
    });
    // The refused caller left nothing: the next slot is still the one after the granted two.
    const probe = await reserveSlot(store, key, { token: 'probe', now: Date.now(), gapMs: 200, allowanceMs: 60, maxWaitMs: 10_000 });
    expect(probe).toMatchObject({ status: 'reserved', slotAt: Math.max(...granted) + 260 });
  });

  it('stops waiting when the client disconnects while queued, leaving no hold', async () => {
    const recorded = recordStoreCalls(store);
    const pacer = createPacer({ ...patient, store: recorded.store, key, gapMs: 2_000, serializeStreams: true });
    await pacer.waitForTurn('saveSession');
    const controller = new AbortController();
    const queued = pacer.waitForTurn('completions', { signal: controller.signal, holdStream: true });
    queued.catch(() => undefined);

    const [, queuedReservation] = await recorded.reservationsAnswered(2);
    expect(queuedReservation).toMatchObject({ status: 'reserved' });
    expect((await store.hashGetAll(key)).holder).toBeDefined();

    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    if (queuedReservation?.status !== 'reserved') throw new Error('unreachable');
    expect(Date.now()).toBeLessThan(queuedReservation.slotAt);
    expect(recorded.cancels).toHaveLength(1);
    // No hold is left, and the slot itself is free again for the next caller.
    expect(await store.hashGetAll(key)).toEqual({});
    const probe = await reserveSlot(store, key, { token: 'probe', now: Date.now(), gapMs: 2_000, allowanceMs: 0, maxWaitMs: 10_000 });
    expect(probe).toMatchObject({ status: 'reserved', slotAt: queuedReservation.slotAt });
  });

  it('stops waiting when the client disconnects while a stream holds the account', async () => {
    const recorded = recordStoreCalls(store);
    const pacer = createPacer({
      ...patient,
      store: recorded.store,
      key,
      gapMs: 40,
      serializeStreams: true,
      pollMs: 10,
    });
    const streaming = await pacer.waitForTurn('completions', { holdStream: true });
    const controller = new AbortController();
    const queued = pacer.waitForTurn('saveSession', { signal: controller.signal });
    queued.catch(() => undefined);

    await recorded.reservationAnswered('busy');
    controller.abort(new Error('client went away'));
    await expect(queued).rejects.toThrow('client went away');
    await streaming.releaseHold();
    expect(recorded.reservations.filter((reservation) => reservation.status === 'reserved')).toHaveLength(1);
  });

  it('with serializeStreams, a held turn makes others wait until releaseHold, then one gap more', async () => {
    const gapMs = 40;
    const recorded = recordStoreCalls(store);
    const pacer = createPacer({ ...patient, store: recorded.store, key, gapMs, serializeStreams: true, pollMs: 10 });
    const streaming = await pacer.waitForTurn('completions', { holdStream: true });
    const waiting = Promise.all([
      takeTurn(pacer, 'delSession', 0),
      takeTurn(pacer, 'saveSession', 1),
    ]);

    await recorded.reservationAnswered('busy');
    expect(await streaming.renewHold()).toBe(true);
    const releasedAt = Date.now();
    await streaming.releaseHold();
    const turns = await waiting;

    for (const turn of turns) expect(turn.slotAt).toBeGreaterThanOrEqual(releasedAt + gapMs);
    expectSpacedTurns(turns, gapMs);
    expect(await streaming.renewHold()).toBe(false);
  });

  it('without serializeStreams, holdStream holds nothing', async () => {
    const pacer = createPacer({ store, key, gapMs: 40, allowanceMs: 0, maxWaitMs: 10_000, serializeStreams: false });
    const streaming = await pacer.waitForTurn('completions', { holdStream: true });
    const next = await takeTurn(pacer, 'saveSession', 0);
    expect(next.slotAt).toBe(streaming.slotAt + 40);
    expect(await store.hashGetAll(key)).toEqual({});
    expect(await streaming.renewHold()).toBe(true);
  });

  it('an answer within the allowance is free; a late answer pushes the schedule', async () => {
    const recorded = recordStoreCalls(store);
    const pacer = createPacer({
      ...patient,
      store: recorded.store,
      key,
      gapMs: 50,
      allowanceMs: 20,
      serializeStreams: false,
    });
    const first = await pacer.waitForTurn('saveSession');
    await first.answered(first.slotAt + 20);
    expect(recorded.releases).toEqual([]);

    const second = await pacer.waitForTurn('completions');
    expect(second.slotAt).toBeGreaterThanOrEqual(first.slotAt + 70);
    await second.answered(second.slotAt + 300);
    expect(recorded.releases).toEqual([{ now: second.slotAt + 300, gapMs: 50 }]);

    const third = await pacer.waitForTurn('delSession');
    expect(third.slotAt).toBeGreaterThanOrEqual(second.slotAt + 350);
  });

  it('earliestStart() while a stream holds the account reports the hold and leaves no waiter mark', async () => {
    const pacer = createPacer({ ...patient, store, key, gapMs: 40, serializeStreams: true });
    const streaming = await pacer.waitForTurn('completions', { holdStream: true });
    const probe = await pacer.earliestStart();
    expect(probe.holdUntil).toBeGreaterThan(Date.now());
    // A waiter told "busy" marks the hash (waiterUntil) so background calls stay back; a probe
    // waits for nothing and must not keep them back.
    expect(Object.keys(await store.hashGetAll(key)).sort()).toEqual(['holdUntil', 'holder']);
    await streaming.releaseHold();
  });
});

describe('pacer across two Upstash store instances (two processes)', () => {
  it('keeps both instances’ callers on one schedule', async () => {
    const connection = { url: inject('upstashUrl'), token: inject('upstashToken'), retry: false as const };
    const key = `pacer-test:${randomUUID()}`;
    const gapMs = 40;
    const pacers = [createUpstashStore(connection), createUpstashStore(connection)].map((store) =>
      createPacer({ store, key, gapMs, allowanceMs: 0, maxWaitMs: 10_000, serializeStreams: false }),
    );
    await openSchedule(createUpstashStore(connection), key);
    const turns = await Promise.all(
      Array.from({ length: 12 }, (_, index) => {
        const pacer = pacers[index % 2];
        if (!pacer) throw new Error('unreachable');
        return takeTurn(pacer, 'completions', index);
      }),
    );
    expectSpacedTurns(turns, gapMs);
  });
});

describe('pacer with a fake clock', () => {
  const start = Date.UTC(2026, 10, 22, 12, 0);

  function setup(options: { gapMs?: number; maxWaitMs?: number; pollMs?: number; holdLeaseMs?: number } = {}) {
    let time = start;
    const now = (): number => time;
    const sleeps: number[] = [];
    let afterSleep: (() => Promise<void>) | undefined;
    const store = createMemoryStore({ now });
    const recorded = recordStoreCalls(store);
    const pacerOptions = {
      store: recorded.store,
      key: 'schedule',
      gapMs: options.gapMs ?? 1_000,
      allowanceMs: 100,
      maxWaitMs: options.maxWaitMs ?? 5_000,
      pollMs: options.pollMs ?? 250,
      holdLeaseMs: options.holdLeaseMs ?? 30_000,
      now,
      sleep: async (ms: number, signal?: AbortSignal) => {
        signal?.throwIfAborted();
        sleeps.push(ms);
        time += ms;
        await afterSleep?.();
      },
    };
    return {
      store,
      recorded,
      sleeps,
      now,
      pacerOptions,
      onSleep: (hook: () => Promise<void>) => void (afterSleep = hook),
      serialized: createPacer({ ...pacerOptions, serializeStreams: true }),
      unserialized: createPacer({ ...pacerOptions, serializeStreams: false }),
    };
  }

  it('sleeps exactly until each slot, and never when the slot is now', async () => {
    const { unserialized: pacer, sleeps } = setup();
    const first = await pacer.waitForTurn('saveSession');
    expect(first).toMatchObject({ slotAt: start, waitedMs: 0 });
    expect(sleeps).toEqual([]);
    const second = await pacer.waitForTurn('completions');
    expect(second).toMatchObject({ slotAt: start + 1_100, waitedMs: 1_100 });
    expect(sleeps).toEqual([1_100]);
  });

  it('polls a held account every pollMs and takes the slot one gap after the release', async () => {
    const { serialized: pacer, sleeps, onSleep, now } = setup();
    const streaming = await pacer.waitForTurn('completions', { holdStream: true });
    onSleep(async () => {
      if (sleeps.length === 2) await streaming.releaseHold();
    });
    const next = await pacer.waitForTurn('delSession');
    expect(sleeps).toEqual([250, 250, 1_000]);
    expect(next.slotAt).toBe(start + 1_500);
    expect(now()).toBe(start + 1_500);
  });

  it('wakes when a hold lapses if that comes before the next poll', async () => {
    const { serialized: pacer, sleeps } = setup({ holdLeaseMs: 100 });
    await pacer.waitForTurn('completions', { holdStream: true });
    const next = await pacer.waitForTurn('saveSession');
    expect(sleeps).toEqual([100, 1_000]);
    expect(next.slotAt).toBe(start + 1_100);
  });

  it('gives up on a held account with 429 once the next poll would pass maxWaitMs', async () => {
    const { serialized: pacer, sleeps, recorded } = setup({ maxWaitMs: 600 });
    await pacer.waitForTurn('completions', { holdStream: true });
    await expect(pacer.waitForTurn('saveSession')).rejects.toMatchObject({
      status: 429,
      code: 'upstream_busy',
      retryAfterSeconds: 30,
    });
    expect(sleeps).toEqual([250, 250]);
    const statuses = recorded.reservations.map((reservation) => reservation.status);
    expect(statuses).toEqual(['reserved', 'busy', 'busy', 'busy']);
  });

  it('asks for Retry-After = ceil(wait / 1 s) when refused', async () => {
    const { unserialized: pacer, sleeps } = setup({ maxWaitMs: 1_500 });
    await pacer.waitForTurn('saveSession');
    await pacer.waitForTurn('completions');
    // Now start + 1100; the next slot is start + 2200: a wait of 1100 fits.
    await pacer.waitForTurn('delSession');
    // Now start + 2200; the next slot is start + 3300: 1100 again. Push it with a late answer.
    await (await pacer.waitForTurn('saveSession')).answered(start + 3_300 + 1_400);
    await expect(pacer.waitForTurn('completions')).rejects.toMatchObject({ retryAfterSeconds: 3 });
    expect(sleeps).toEqual([1_100, 1_100, 1_100]);
  });

  it('rejects at once, touching nothing, when the signal already aborted', async () => {
    const { unserialized: pacer, recorded } = setup();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(pacer.waitForTurn('completions', { signal: controller.signal })).rejects.toThrow('gone');
    expect(recorded.reservations).toEqual([]);
  });

  it('answered() is free up to slotAt + allowanceMs and one release after', async () => {
    const { unserialized: pacer, recorded } = setup();
    const turn = await pacer.waitForTurn('completions');
    await turn.answered(turn.slotAt + 100);
    expect(recorded.releases).toEqual([]);
    await turn.answered(turn.slotAt + 101);
    expect(recorded.releases).toEqual([{ now: turn.slotAt + 101, gapMs: 1_000 }]);
  });

  /** Books `count` slots for other waiters directly in the store, from `start` on, 1100 ms apart. */
  async function bookOthers(store: Store, count: number): Promise<string[]> {
    const tokens = Array.from({ length: count }, (_, index) => `other-${index}`);
    for (const token of tokens) {
      await reserveSlot(store, 'schedule', { token, now: start, gapMs: 1_000, allowanceMs: 100, maxWaitMs: 60_000 });
    }
    return tokens;
  }

  it('an uncontended chat costs one reservation per call: short waits are never re-checked', async () => {
    const { unserialized: pacer, recorded, sleeps } = setup();
    const deferred: Array<() => Promise<void>> = [];
    const defer = (task: () => Promise<void>) => void deferred.push(task);
    const saveSession = await pacer.waitForTurn('saveSession', { defer });
    await saveSession.answered(saveSession.slotAt + 60);
    const completions = await pacer.waitForTurn('completions', { defer });
    await completions.answered(completions.slotAt + 90);
    const delSession = await pacer.waitForTurn('delSession', { defer });
    await delSession.answered();
    expect(sleeps).toEqual([1_100, 1_100]);
    expect(recorded.reservations).toHaveLength(3);
    expect(recorded.cancels).toEqual([]);
    expect(recorded.releases).toEqual([]);
    // The after() tasks of turns that were granted have nothing left to wait for.
    expect(deferred).toHaveLength(3);
    await Promise.all(deferred.map((task) => task()));
  });

  it('a wait of two spacings (two calls ahead) is slept through without a re-check', async () => {
    const { unserialized: pacer, recorded, sleeps, store } = setup();
    await bookOthers(store, 2);
    const turn = await pacer.waitForTurn('saveSession');
    expect(turn.slotAt).toBe(start + 2_200);
    expect(sleeps).toEqual([2_200]);
    expect(recorded.reservations).toHaveLength(1);
  });

  it('gives the slot back the moment the signal aborts, and after() waits until it is back', async () => {
    const { recorded, onSleep, store, now, pacerOptions } = setup();
    let openGate = (): void => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const slowCancels = aroundScripts(recorded.store, async (script, _call, run) => {
      if (script === CANCEL_SLOT_SCRIPT) await gate;
      return await run();
    });
    const pacer = createPacer({ ...pacerOptions, store: slowCancels, serializeStreams: false });
    await pacer.waitForTurn('saveSession');
    const controller = new AbortController();
    const reason = new Error('client went away');
    onSleep(async () => void controller.abort(reason));
    const deferred: Array<() => Promise<void>> = [];
    const queued = pacer.waitForTurn('completions', { signal: controller.signal, defer: (task) => void deferred.push(task) });
    queued.catch(() => undefined);
    expect(deferred).toHaveLength(1);
    let afterDone = false;
    const afterTask = deferred[0]!().then(() => void (afterDone = true));

    await new Promise((resolve) => setImmediate(resolve));
    expect(afterDone).toBe(false);
    openGate();
    await expect(queued).rejects.toBe(reason);
    await afterTask;
    expect(recorded.cancels).toHaveLength(1);
    // The aborted waiter's slot (start + 1100) is free again.
    const probe = await reserveSlot(store, 'schedule', { token: 'probe', now: now(), gapMs: 1_000, allowanceMs: 100, maxWaitMs: 5_000 });
    expect(probe).toEqual({ status: 'reserved', slotAt: start + 1_100, waitMs: 0 });
  });

  it('a waiter behind others that gave up moves up at its re-check, half its wait later', async () => {
    const { unserialized: pacer, store, sleeps, onSleep, recorded } = setup({ maxWaitMs: 30_000 });
    const others = await bookOthers(store, 6);
    onSleep(async () => {
      // While it sleeps, the five waiters between the first slot and its own give up.
      if (sleeps.length === 1) for (const token of others.slice(1)) await cancelSlot(store, 'schedule', token);
    });
    const turn = await pacer.waitForTurn('completions');
    expect(recorded.reservations.map((reservation) => reservation.status === 'reserved' && reservation.slotAt)).toEqual([
      start + 6_600,
      start + 3_300,
    ]);
    expect(sleeps).toEqual([3_300]);
    expect(turn.slotAt).toBe(start + 3_300);
  });

  it('a long wait re-checks at geometric intervals down to 2 spacings, keeping its slot', async () => {
    const { unserialized: pacer, store, sleeps, recorded } = setup({ maxWaitMs: 30_000 });
    await bookOthers(store, 6);
    const turn = await pacer.waitForTurn('completions');
    // 6600 ahead: wake halfway (3300 left), halfway again (1650 left: ≤ 2 spacings), then sleep to the slot.
    expect(sleeps).toEqual([3_300, 1_650, 1_650]);
    expect(recorded.reservations).toHaveLength(3);
    expect(turn.slotAt).toBe(start + 6_600);
  });

  it('giveBack() frees the slot at once, as if it had never been booked; answered() after it writes nothing', async () => {
    const { unserialized: pacer, recorded, store, now } = setup();
    await pacer.waitForTurn('saveSession');
    const turn = await pacer.waitForTurn('delSession');
    expect(turn.slotAt).toBe(start + 1_100);
    await turn.giveBack();
    expect(recorded.cancels).toHaveLength(1);
    expect((await readSortedSet(store, 'schedule:slots')).map(([, slotAt]) => slotAt)).toEqual([start]);
    // Even an answer far past the allowance pushes nothing: nothing went upstream.
    await turn.answered(turn.slotAt + 5_000);
    expect(recorded.releases).toEqual([]);
    expect(await store.hashGetAll('schedule')).toEqual({});
    // The next caller gets the very slot given back.
    const probe = await reserveSlot(store, 'schedule', { token: 'probe', now: now(), gapMs: 1_000, allowanceMs: 100, maxWaitMs: 5_000 });
    expect(probe).toEqual({ status: 'reserved', slotAt: start + 1_100, waitMs: 0 });
  });

  it('a background turn refused because a call waits gives up after one store command', async () => {
    const { unserialized: pacer, recorded, store, sleeps } = setup();
    // other-0 starts now, other-1 waits for start + 1100.
    await bookOthers(store, 2);
    await expect(pacer.waitForTurn('saveSession', { background: true })).rejects.toMatchObject({ status: 429, code: 'upstream_busy' });
    expect(recorded.reservations).toEqual([{ status: 'refused', waitMs: 2_200, othersWait: true }]);
    expect(sleeps).toEqual([]);
  });

  it('a background turn refused only because the last call started less than a spacing ago asks again then, and is granted', async () => {
    const { unserialized: pacer, recorded, sleeps } = setup();
    await pacer.waitForTurn('completions');
    const turn = await pacer.waitForTurn('saveSession', { background: true });
    expect(recorded.reservations.slice(1)).toEqual([
      { status: 'refused', waitMs: 1_100 },
      { status: 'reserved', slotAt: start + 1_110, waitMs: 0 },
    ]);
    // Woken a timer's slack past the reported moment.
    expect(sleeps).toEqual([1_110]);
    expect(turn.slotAt).toBe(start + 1_110);
  });

  it('a turn without a hold releases nothing and renews trivially', async () => {
    const { serialized: pacer, recorded } = setup();
    const turn = await pacer.waitForTurn('saveSession');
    await turn.releaseHold();
    expect(recorded.releases).toEqual([]);
    expect(await turn.renewHold()).toBe(true);
  });
});

describe('pacer against a slow store or a late wake-up', () => {
  const start = Date.UTC(2026, 10, 22, 12, 0);

  function setup(options: { storeRoundTripMs: number; lateWakeMs?: (sleepIndex: number) => number }) {
    let time = start;
    const now = (): number => time;
    const memory = createMemoryStore({ now });
    const reservations: Array<{ askedNow: number; slotAt?: number }> = [];
    const cancels: string[] = [];
    const store = aroundScripts(memory, async (script, { args }, run) => {
      // ARGV (lib/pacing/cancel-slot.ts, reserve-slot.ts): the token; token, now, …
      if (script === CANCEL_SLOT_SCRIPT) cancels.push(String(args[0]));
      const reply = await run();
      if (script === RESERVE_SLOT_SCRIPT) {
        const reservation = reply as SlotReservation;
        reservations.push({ askedNow: Number(args[1]), slotAt: reservation.status === 'reserved' ? reservation.slotAt : undefined });
        time += options.storeRoundTripMs;
      }
      return reply;
    });
    let sleepIndex = 0;
    const pacer = createPacer({
      store,
      key: 'schedule',
      gapMs: 1_000,
      allowanceMs: 100,
      maxWaitMs: 10_000,
      serializeStreams: false,
      now,
      sleep: async (ms) => {
        time += ms + (options.lateWakeMs?.(sleepIndex) ?? 0);
        sleepIndex += 1;
      },
    });
    return { pacer, store: memory, reservations, cancels, now, advance: (ms: number) => void (time += ms) };
  }

  it('asks for a slot one store round trip ahead, so an idle call is not late by that round trip', async () => {
    const { pacer, reservations, now, advance } = setup({ storeRoundTripMs: 40 });
    await pacer.waitForTurn('saveSession'); // learns the round trip
    advance(60_000);
    const askedAt = now();
    const turn = await pacer.waitForTurn('saveSession');
    expect(reservations.at(-1)!.askedNow).toBe(askedAt + 40);
    expect(turn.slotAt).toBe(askedAt + 40);
    expect(now()).toBe(turn.slotAt); // starts exactly at its slot, not a round trip after it
  });

  it('queues again instead of starting a call that woke up too late for its slot', async () => {
    // The second caller's sleep overruns by 300 ms (a frozen instance); tolerance is 50 ms.
    const { pacer, reservations, cancels, now } = setup({ storeRoundTripMs: 0, lateWakeMs: (index) => (index === 0 ? 300 : 0) });
    const first = await pacer.waitForTurn('saveSession');
    const second = await pacer.waitForTurn('completions');
    // It gave its missed slot back and took the earliest free one: now, 1400 ms after the first.
    expect(reservations.map((reservation) => reservation.slotAt)).toEqual([start, start + 1_100, start + 1_400]);
    expect(cancels).toHaveLength(1);
    expect(first.slotAt).toBe(start);
    expect(second.slotAt).toBe(start + 1_400);
    expect(now()).toBe(start + 1_400);
  });

  it('queues again behind a call booked meanwhile, never into its spacing', async () => {
    const { pacer, store, reservations, now } = setup({ storeRoundTripMs: 0, lateWakeMs: (index) => (index === 0 ? 300 : 0) });
    await pacer.waitForTurn('saveSession');
    // Someone else books the slot right after the second caller's (start + 2200).
    const second = pacer.waitForTurn('completions');
    await reserveSlot(store, 'schedule', { token: 'other', now: start, gapMs: 1_000, allowanceMs: 100, maxWaitMs: 10_000 });
    const turn = await second;
    // Woken at start + 1400, too close to 2200 for a call now: its next slot is after the other.
    expect(reservations.map((reservation) => reservation.slotAt)).toEqual([start, start + 1_100, start + 3_300]);
    expect(turn.slotAt).toBe(start + 3_300);
    expect(now()).toBe(start + 3_300);
  });
});
