import { describe, expect, it } from 'vitest';
import { cancelSlot } from '@/lib/pacing/cancel-slot';
import { releaseSlot } from '@/lib/pacing/release-slot';
import { renewSlotHold } from '@/lib/pacing/renew-slot-hold';
import { reserveSlot } from '@/lib/pacing/reserve-slot';
import { queueToken } from '@/lib/pacing/slot-schedule';
import { storeTtls } from '@/lib/store/keys';
import { readSortedSet } from '../support/read-sorted-set';
import { STORE_BACKENDS, useStoreBackend } from '../support/store-backends';

/**
 * The account's shared call schedule (lib/pacing/slot-schedule.ts): each step's Lua and its
 * in-memory twin, kept equivalent by running every case on both stores.
 */
describe.each(STORE_BACKENDS)('slot schedule on %s', (_name, createBackend) => {
  const backend = useStoreBackend(createBackend);
  const { key } = backend;

  const gapMs = 1_000;
  const allowanceMs = 200;
  const slotSpacing = gapMs + allowanceMs;
  /** A reservation for `token` at `now` (a long maxWait unless given). */
  const reserve = (token: string, now: number, more: { maxWaitMs?: number; hold?: { leaseMs: number } } = {}) =>
    reserveSlot(backend.store, key('s'), { token, now, gapMs, allowanceMs, maxWaitMs: 60_000, ...more });
  const reservedAt = (slotAt: number, now: number) => ({ status: 'reserved', slotAt, waitMs: slotAt - now });

  describe('fair queuing: round robin across clients', () => {
    /** A waiter that asks again while its wait exceeds two spacings (the pacer's rule). */
    const recheckBeyondMs = 2 * slotSpacing;
    const tokenOf = (client: string, arrivedAt: number, id: string) => queueToken({ client, arrivedAt }, 'completions', id);
    const reserveFair = (token: string, now: number, maxWaitMs = 60_000) =>
      reserveSlot(backend.store, key('s'), { token, now, gapMs, allowanceMs, maxWaitMs, fair: { recheckBeyondMs } });
    const slots = async () => (await readSortedSet(backend.store, `${key('s')}:slots`)).map(([member, at]) => [member.split('|').slice(0, 1).concat(member.split(':').at(-1) ?? '').join(' '), at]);
    const movable = async () => (await readSortedSet(backend.store, `${key('s')}:movable`)).map(([member]) => member.split(':').at(-1));
    /** Client A books six calls of six requests that arrived at t. */
    const burstOfA = async (t: number) => {
      for (let index = 0; index < 6; index += 1) await reserveFair(tokenOf('A', t, `a${index}`), t);
    };

    it("puts another client's single request after each client's first pending calls, moving only slots that will be re-checked", async () => {
      const t = backend.now();
      await burstOfA(t);
      // Waits of 0, 1.2 and 2.4 s are not re-checked: those three slots stay; the later three may move.
      expect(await movable()).toEqual(['a3', 'a4', 'a5']);
      const b = await reserveFair(tokenOf('B', t + 300, 'b0'), t + 300);
      // Pending at t + 300: a1 … a5 (ranks 0 … 4). B's round is 0: its place is the first
      // movable slot of a higher rank, a3's.
      expect(b).toEqual(reservedAt(t + 3 * slotSpacing, t + 300));
      expect(await slots()).toEqual([
        ['A a0', t],
        ['A a1', t + slotSpacing],
        ['A a2', t + 2 * slotSpacing],
        ['B b0', t + 3 * slotSpacing],
        ['A a3', t + 4 * slotSpacing],
        ['A a4', t + 5 * slotSpacing],
        ['A a5', t + 6 * slotSpacing],
      ]);
      // a3's waiter learns its later slot when it asks again (before its old one).
      expect(await reserveFair(tokenOf('A', t, 'a3'), t + 1_800)).toEqual(reservedAt(t + 4 * slotSpacing, t + 1_800));
    });

    it("serves a third client's first call before a second client's second one", async () => {
      const t = backend.now();
      await burstOfA(t);
      await reserveFair(tokenOf('B', t + 100, 'b0'), t + 100);
      // b1 is B's round 1: after A's rank-1 call (a2, which stays put), before a3 (rank 2).
      await reserveFair(tokenOf('B', t + 100, 'b1'), t + 100);
      await reserveFair(tokenOf('C', t + 200, 'c0'), t + 200);
      expect((await slots()).map(([member]) => member)).toEqual(['A a0', 'A a1', 'A a2', 'B b0', 'C c0', 'B b1', 'A a3', 'A a4', 'A a5']);
      const times = (await slots()).map(([, at]) => at as number);
      // Still one spacing apart, start to start.
      expect(times.slice(1).map((at, index) => at - times[index]!)).toEqual(new Array(8).fill(slotSpacing));
    });

    it("keeps a client's own requests in arrival order: a chat's second call goes before the client's later requests", async () => {
      const t = backend.now();
      // Six requests of A that arrived one after the other, each waiting for its first call.
      for (let index = 0; index < 6; index += 1) await reserveFair(tokenOf('A', t + index, `first${index}`), t + index);
      // Request 0's first call has started; its second call (same arrival) takes the place of
      // the first movable call of a request that came later.
      expect(await reserveFair(tokenOf('A', t, 'second0'), t + 500)).toEqual(reservedAt(t + 3 * slotSpacing, t + 500));
      expect((await slots()).map(([member]) => member)).toEqual(['A first0', 'A first1', 'A first2', 'A second0', 'A first3', 'A first4', 'A first5']);
    });

    it('checks maxWait against the place a new call gets: the other client is served, the busy one refused', async () => {
      const t = backend.now();
      await burstOfA(t);
      // The end of the queue is 7.2 s away; a place in the round robin is 3.6 s away.
      expect(await reserveFair(tokenOf('A', t + 10, 'a6'), t + 10, 5_000)).toEqual({ status: 'refused', waitMs: 6 * slotSpacing - 10 });
      expect(await reserveFair(tokenOf('B', t + 10, 'b0'), t + 10, 5_000)).toEqual(reservedAt(t + 3 * slotSpacing, t + 10));
    });

    it('never moves a slot whose waiter will not ask again, nor one booked first come first served', async () => {
      const t = backend.now();
      await burstOfA(t);
      // a3 asks again when its wait is down to 2.4 s: from then on it stays put.
      await reserveFair(tokenOf('A', t, 'a3'), t + slotSpacing);
      expect(await movable()).toEqual(['a4', 'a5']);
      // A call without a client (a heartbeat, a delete) books at the end and is never moved.
      await reserveSlot(backend.store, key('s'), { token: 'heartbeat:h', now: t + slotSpacing, gapMs, allowanceMs, maxWaitMs: 60_000 });
      expect(await reserveFair(tokenOf('B', t + slotSpacing + 10, 'b0'), t + slotSpacing + 10)).toEqual(reservedAt(t + 4 * slotSpacing, t + slotSpacing + 10));
      // a0 (started a spacing ago) no longer constrains; a4 and a5 move, a5 past the heartbeat.
      expect(await slots()).toEqual([
        ['A a1', t + slotSpacing],
        ['A a2', t + 2 * slotSpacing],
        ['A a3', t + 3 * slotSpacing],
        ['B b0', t + 4 * slotSpacing],
        ['A a4', t + 5 * slotSpacing],
        ['heartbeat:h h', t + 6 * slotSpacing],
        ['A a5', t + 7 * slotSpacing],
      ]);
    });

    it('gives a cancelled slot back from the movable set too', async () => {
      const t = backend.now();
      await burstOfA(t);
      await cancelSlot(backend.store, key('s'), tokenOf('A', t, 'a4'));
      expect(await movable()).toEqual(['a3', 'a5']);
    });
  });

  describe('the background class (pool refills, batched deletes)', () => {
    const reserveBackground = (token: string, now: number) =>
      reserveSlot(backend.store, key('s'), { token, now, gapMs, allowanceMs, maxWaitMs: 60_000, background: true });

    it('takes a slot at once on an idle account, and the next caller queues one spacing after it', async () => {
      const t = backend.now();
      expect(await reserveBackground('refill', t)).toEqual(reservedAt(t, t));
      expect(await reserve('chat', t + 5)).toEqual(reservedAt(t + slotSpacing, t + 5));
    });

    it('is refused, booking nothing, while a call is waiting for its slot — even behind a hole', async () => {
      const t = backend.now();
      await reserve('a', t);
      await reserve('b', t);
      // a started, b waits: the background may not go before b, nor take the place after it.
      expect(await reserveBackground('refill', t + 10)).toEqual({ status: 'refused', waitMs: 2 * slotSpacing - 10, othersWait: true });
      expect(await readSortedSet(backend.store, `${key('s')}:slots`)).toEqual([
        ['a', t],
        ['b', t + slotSpacing],
      ]);
      // A hole (c gave up) before a waiter d: still refused, d may move up into it.
      await reserve('c', t + 20);
      await reserve('d', t + 20);
      await cancelSlot(backend.store, key('s'), 'c');
      expect(await reserveBackground('refill', t + 2 * slotSpacing + 10)).toMatchObject({ status: 'refused' });
      expect(await reserve('d', t + 2 * slotSpacing + 20)).toEqual(reservedAt(t + 2 * slotSpacing + 20, t + 2 * slotSpacing + 20));
    });

    it('is refused until a spacing after the last call started, then granted', async () => {
      const t = backend.now();
      await reserve('a', t);
      // Only a call that started just now: worth asking again after the wait (no othersWait).
      expect(await reserveBackground('refill', t + 300)).toEqual({ status: 'refused', waitMs: slotSpacing - 300 });
      expect(await reserveBackground('refill', t + slotSpacing)).toEqual(reservedAt(t + slotSpacing, t + slotSpacing));
    });

    it('is refused for a spacing after a caller was told "busy": a waiter polling on a held account goes first', async () => {
      const t = backend.now();
      await reserve('stream', t, { hold: { leaseMs: 3_000 } });
      expect(await reserve('chat', t + 2_500)).toEqual({ status: 'busy', holdUntil: t + 3_000 });
      // The hold has lapsed and nothing else constrains, but the chat has not polled again yet.
      expect(await reserveBackground('refill', t + 3_100)).toEqual({ status: 'refused', waitMs: t + 2_500 + slotSpacing - (t + 3_100), othersWait: true });
      expect(await reserve('chat', t + 3_150)).toEqual(reservedAt(t + 3_150, t + 3_150));
      // The chat has its slot: the mark is gone, and a spacing later the background may go.
      expect(await backend.store.hashGetAll(key('s'))).not.toHaveProperty('waiterUntil');
      expect(await reserveBackground('refill', t + 3_150 + slotSpacing)).toEqual(reservedAt(t + 3_150 + slotSpacing, t + 3_150 + slotSpacing));
    });

    it('waits for a late answer\'s floor and is refused while another call holds the account', async () => {
      const t = backend.now();
      await reserve('a', t);
      await releaseSlot(backend.store, key('s'), { now: t + 2_000, gapMs });
      expect(await reserveBackground('refill', t + slotSpacing + 10)).toEqual({ status: 'refused', waitMs: t + 3_000 - (t + slotSpacing + 10) });
      await reserve('stream', t + 3_000, { hold: { leaseMs: 30_000 } });
      expect(await reserveBackground('refill', t + 5_000)).toEqual({ status: 'refused', waitMs: t + 33_000 - (t + 5_000), othersWait: true });
    });
  });

  it('grants now, then one slot after another, and refuses without change beyond maxWait', async () => {
    const t = backend.now();
    const maxWaitMs = 2_500;
    expect(await reserve('a', t, { maxWaitMs })).toEqual(reservedAt(t, t));
    expect(await reserve('b', t + 10, { maxWaitMs })).toEqual(reservedAt(t + slotSpacing, t + 10));
    expect(await reserve('c', t + 10, { maxWaitMs })).toEqual(reservedAt(t + 2 * slotSpacing, t + 10));
    // The fourth would wait 3590 ms > 2500: refused, and nothing is reserved for it.
    expect(await reserve('d', t + 10, { maxWaitMs })).toEqual({ status: 'refused', waitMs: 3 * slotSpacing - 10 });
    expect(await reserve('e', t + 10)).toEqual(reservedAt(t + 3 * slotSpacing, t + 10));
    // A counter design stored nothing else: the hash holds no floor until an answer pushes it.
    expect(await backend.store.hashGetAll(key('s'))).toEqual({});
    // After a long idle time the slot is "now" again.
    expect(await reserve('f', t + 10_000)).toEqual(reservedAt(t + 10_000, t + 10_000));
  });

  it('fills the hole a cancelled slot leaves, first the earliest, and only where a whole spacing fits', async () => {
    const t = backend.now();
    for (const token of ['a', 'b', 'c', 'd']) await reserve(token, t);
    await cancelSlot(backend.store, key('s'), 'b');
    await cancelSlot(backend.store, key('s'), 'never-reserved');
    expect(await reserve('e', t + 10)).toEqual(reservedAt(t + slotSpacing, t + 10));
    expect(await reserve('f', t + 10)).toEqual(reservedAt(t + 4 * slotSpacing, t + 10));

    // Two slots 1500 ms apart (b asked with a wider spacing) leave no room for a third between them.
    const narrow = key('narrow');
    const reserveNarrow = (token: string, now: number, spacing = slotSpacing) =>
      reserveSlot(backend.store, narrow, { token, now, gapMs: spacing - allowanceMs, allowanceMs, maxWaitMs: 60_000 });
    await reserveNarrow('a', t);
    expect(await reserveNarrow('b', t, 1_500)).toEqual(reservedAt(t + 1_500, t));
    expect(await reserveNarrow('c', t + 10)).toEqual(reservedAt(t + 1_500 + slotSpacing, t + 10));
  });

  it('a re-check with the same token moves the slot into a hole ahead, or keeps it', async () => {
    const t = backend.now();
    for (const token of ['a', 'b', 'c', 'd']) await reserve(token, t);
    // Nothing left: each keeps its own slot (it never collides with itself).
    expect(await reserve('d', t + 10)).toEqual(reservedAt(t + 3 * slotSpacing, t + 10));
    await cancelSlot(backend.store, key('s'), 'b');
    expect(await reserve('d', t + 20)).toEqual(reservedAt(t + slotSpacing, t + 20));
    expect(await reserve('c', t + 20)).toEqual(reservedAt(t + 2 * slotSpacing, t + 20));
    // d's old slot is free again.
    expect(await reserve('e', t + 20)).toEqual(reservedAt(t + 3 * slotSpacing, t + 20));
  });

  it('a re-check never loses the slot: refused or busy, the token keeps it', async () => {
    const t = backend.now();
    await reserve('a', t);
    await reserve('b', t);
    await reserve('c', t);
    await cancelSlot(backend.store, key('s'), 'b');
    // The hole is 1190 ms away, beyond a maxWait of 0: c keeps its slot rather than losing it.
    expect(await reserve('c', t + 10, { maxWaitMs: 0 })).toEqual(reservedAt(t + 2 * slotSpacing, t + 10));
    expect(await reserve('d', t + 10, { maxWaitMs: 0 })).toEqual({ status: 'refused', waitMs: slotSpacing - 10 });

    // A hold taken after c: new callers are busy, c keeps its slot.
    expect(await reserve('stream', t + 20, { hold: { leaseMs: 30_000 } })).toEqual(reservedAt(t + 3 * slotSpacing, t + 20));
    expect(await reserve('e', t + 30)).toEqual({ status: 'busy', holdUntil: t + 3 * slotSpacing + 30_000 });
    expect(await reserve('c', t + 30)).toEqual(reservedAt(t + 2 * slotSpacing, t + 30));
  });

  it('a re-check never moves a slot later: not past a late answer’s floor, nor once its time has come', async () => {
    const t = backend.now();
    await reserve('a', t);
    await reserve('b', t);
    await releaseSlot(backend.store, key('s'), { now: t + 900, gapMs });
    // The floor is now t + 1900, past b's slot (t + 1200): b keeps its slot, a newcomer waits.
    expect(await reserve('b', t + 950)).toEqual(reservedAt(t + slotSpacing, t + 950));
    expect(await reserve('c', t + 950)).toEqual(reservedAt(t + 2 * slotSpacing, t + 950));
    // Asked again at its slot's time, with c booked: b still keeps it.
    expect(await reserve('b', t + slotSpacing + 5)).toEqual(reservedAt(t + slotSpacing, t + slotSpacing + 5));
  });

  it('slots a spacing or more in the past no longer constrain; a nearer one still does', async () => {
    const t = backend.now();
    await reserve('a', t);
    expect(await reserve('b', t + slotSpacing - 1)).toEqual(reservedAt(t + slotSpacing, t + slotSpacing - 1));
    await cancelSlot(backend.store, key('s'), 'b');
    expect(await reserve('c', t + slotSpacing)).toEqual(reservedAt(t + slotSpacing, t + slotSpacing));
    // Much later, a token whose slot has passed long ago (it was pruned) starts afresh.
    expect(await reserve('c', t + 60_000)).toEqual(reservedAt(t + 60_000, t + 60_000));
  });

  it('a slot that holds the account goes after every other slot, and cancelling it ends the hold', async () => {
    const t = backend.now();
    for (const token of ['a', 'b', 'c']) await reserve(token, t);
    await cancelSlot(backend.store, key('s'), 'b');
    // A hole-filler at t + 1200 would start a stream while c's call (t + 2400) is still to come.
    const hold = { leaseMs: 30_000 };
    expect(await reserve('stream', t + 10, { hold })).toEqual(reservedAt(t + 3 * slotSpacing, t + 10));
    expect(await backend.store.hashGetAll(key('s'))).toEqual({ holder: 'stream', holdUntil: String(t + 3 * slotSpacing + 30_000) });
    // Its own re-check is not busy, and moves up once the slot before it is gone.
    await cancelSlot(backend.store, key('s'), 'c');
    expect(await reserve('stream', t + 20, { hold })).toEqual(reservedAt(t + slotSpacing, t + 20));
    expect(await backend.store.hashGetAll(key('s'))).toEqual({ holder: 'stream', holdUntil: String(t + slotSpacing + 30_000) });

    await cancelSlot(backend.store, key('s'), 'stream');
    expect(await backend.store.hashGetAll(key('s'))).toEqual({});
    // Nothing went upstream: the account is free at once (no gap pushed), holes included.
    expect(await reserve('d', t + 30)).toEqual(reservedAt(t + slotSpacing, t + 30));
  });

  it('reads a schedule written by the counter design: `next` alone is the floor', async () => {
    const t = backend.now();
    await backend.store.hashSet(key('s'), { next: String(t + 5_000) });
    expect(await reserve('a', t)).toEqual(reservedAt(t + 5_000, t));
    expect(await reserve('b', t)).toEqual(reservedAt(t + 5_000 + slotSpacing, t));
    await cancelSlot(backend.store, key('s'), 'a');
    // The hole below the floor is not used; the one at the floor is.
    expect(await reserve('c', t)).toEqual(reservedAt(t + 5_000, t));
    expect(await backend.store.hashGetAll(key('s'))).toEqual({ next: String(t + 5_000) });
  });

  it('a late answer pushes the floor to answer + gap; an earlier release changes nothing', async () => {
    const t = backend.now();
    await reserve('a', t);
    await releaseSlot(backend.store, key('s'), { now: t + 100, gapMs });
    expect(await backend.store.hashGetAll(key('s'))).toEqual({ next: String(t + 1_100) });
    expect(await reserve('b', t + 150)).toEqual(reservedAt(t + slotSpacing, t + 150));
    await releaseSlot(backend.store, key('s'), { now: t + 5_000, gapMs });
    await releaseSlot(backend.store, key('s'), { now: t + 4_000, gapMs });
    expect(await reserve('c', t + 5_010)).toEqual(reservedAt(t + 6_000, t + 5_010));
  });

  it('a hold makes everyone else busy until its token releases it, then one gap later', async () => {
    const t = backend.now();
    const hold = { leaseMs: 30_000 };
    expect(await reserve('stream-1', t, { hold })).toEqual(reservedAt(t, t));
    expect(await backend.store.hashGetAll(key('s'))).toEqual({ holder: 'stream-1', holdUntil: String(t + 30_000) });
    expect(await reserve('a', t + 5_000)).toEqual({ status: 'busy', holdUntil: t + 30_000 });
    expect(await reserve('stream-2', t + 5_000, { hold })).toEqual({ status: 'busy', holdUntil: t + 30_000 });

    // Another token's release pushes the floor but keeps the hold.
    await releaseSlot(backend.store, key('s'), { now: t + 6_000, gapMs, token: 'someone-else' });
    expect(await reserve('a', t + 6_000)).toMatchObject({ status: 'busy' });

    await releaseSlot(backend.store, key('s'), { now: t + 8_000, gapMs, token: 'stream-1' });
    // "a" was told busy at t + 6000: background calls stay back a spacing after that.
    expect(await backend.store.hashGetAll(key('s'))).toEqual({ next: String(t + 9_000), waiterUntil: String(t + 6_000 + slotSpacing) });
    expect(await reserve('a', t + 8_000)).toEqual(reservedAt(t + 9_000, t + 8_000));
  });

  it('a hold whose lease lapsed no longer blocks, and its token can no longer renew it', async () => {
    const t = backend.now();
    await reserve('stream-1', t, { hold: { leaseMs: 3_000 } });
    expect(await reserve('a', t + 2_999)).toMatchObject({ status: 'busy' });
    expect(await reserve('a', t + 3_000)).toEqual(reservedAt(t + 3_000, t + 3_000));
    expect(await backend.store.hashGetAll(key('s'))).toEqual({});
    expect(await renewSlotHold(backend.store, key('s'), { token: 'stream-1', now: t + 3_001, leaseMs: 3_000 })).toBe(false);
  });

  it('renewing extends only the owner’s hold', async () => {
    const t = backend.now();
    await reserve('stream-1', t, { hold: { leaseMs: 3_000 } });
    expect(await renewSlotHold(backend.store, key('s'), { token: 'intruder', now: t + 2_000, leaseMs: 3_000 })).toBe(false);
    expect(await renewSlotHold(backend.store, key('s'), { token: 'stream-1', now: t + 2_000, leaseMs: 3_000 })).toBe(true);
    expect(await reserve('a', t + 4_000)).toEqual({ status: 'busy', holdUntil: t + 5_000 });
    await releaseSlot(backend.store, key('s'), { now: t + 4_500, gapMs, token: 'stream-1' });
    expect(await renewSlotHold(backend.store, key('s'), { token: 'stream-1', now: t + 4_600, leaseMs: 3_000 })).toBe(false);
    expect(await renewSlotHold(backend.store, key('missing'), { token: 'stream-1', now: t, leaseMs: 3_000 })).toBe(false);
  });

  it('sets both keys to expire pacerIdleMs after the latest time the schedule holds', async () => {
    const t = backend.now();
    const hold = { leaseMs: 5_000 };
    await reserveSlot(backend.store, key('s'), { token: 'a', now: t, gapMs: 1_000, allowanceMs: 200, maxWaitMs: 0, hold });
    expect(await backend.store.hashGetAll(key('s'))).toEqual({ holder: 'a', holdUntil: String(t + 5_000) });
    for (const scheduleKey of [key('s'), `${key('s')}:slots`]) {
      const ttlMs = await backend.ttlMs(scheduleKey);
      // The script computed 5000 + pacerIdleMs from the caller's clock; Redis counts down since.
      expect(ttlMs).toBeLessThanOrEqual(5_000 + storeTtls.pacerIdleMs);
      expect(ttlMs).toBeGreaterThan(5_000 + storeTtls.pacerIdleMs - 5_000);
    }
  });

  it('drops the slot set with its last slot', async () => {
    await reserveSlot(backend.store, key('s'), { token: 'a', now: backend.now(), gapMs: 1_000, allowanceMs: 0, maxWaitMs: 0 });
    await cancelSlot(backend.store, key('s'), 'a');
    expect(await backend.ttlMs(`${key('s')}:slots`)).toBe(-2);
    expect(await backend.store.get(`${key('s')}:slots`)).toBeNull();
  });

  it('keeps only the slots that still constrain, and costs one command per reservation and cancel', async () => {
    const t = backend.now();
    const request = { gapMs: 100, allowanceMs: 0, maxWaitMs: 60_000 };
    // A script's first use on a fresh database costs two (EVALSHA → NOSCRIPT → EVAL).
    await reserveSlot(backend.store, key('s'), { ...request, token: 'warm-up', now: t });
    await cancelSlot(backend.store, key('s'), 'warm-up');
    backend.resetCommands();
    for (let index = 0; index < 5; index += 1) await reserveSlot(backend.store, key('s'), { ...request, token: `t${index}`, now: t + index * 100 });
    await cancelSlot(backend.store, key('s'), 't4');
    expect(backend.commands()).toBe(6);
    // Ten seconds later only the new slot is kept: the old ones no longer constrain.
    await reserveSlot(backend.store, key('s'), { ...request, token: 'later', now: t + 10_000 });
    expect(await readSortedSet(backend.store, `${key('s')}:slots`)).toEqual([['later', t + 10_000]]);
  });
});
