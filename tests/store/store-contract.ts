import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricAppend, Store } from '@/lib/store/store';

/** What the contract suite needs from one store implementation. */
export interface StoreContractHarness {
  store: Store;
  /** Epoch ms on the store's clock (fake for memory, real for Redis). */
  now(): number;
  /**
   * Makes `ms` pass for the store's TTLs. Memory moves its fake clock; Redis does nothing,
   * because real time passes while `eventually` polls.
   */
  letTimePass(ms: number): void;
}

/** Polls an assertion until it holds (memory: at once; Redis: until a real TTL has run out). */
async function eventually(assertion: () => Promise<void>): Promise<void> {
  await vi.waitFor(assertion, { timeout: 5_000, interval: 5 });
}

const AWKWARD_VALUES: [string, string][] = [
  ['a number with a leading zero', '0123'],
  ['a number', '42'],
  ['the word null', 'null'],
  ['a JSON object', '{"a":1}'],
  ['a JSON array', '[1,2]'],
  ['the word true', 'true'],
  ['the word OK', 'OK'],
  ['Chinese text', '你好，世界'],
  ['emoji', '😀👍🏽'],
  ['an empty string', ''],
  ['whitespace and newlines', ' \r\n\t '],
  ['a quoted string', '"quoted"'],
  ['a long string', 'x你😀'.repeat(40_000)],
];

/**
 * The one behaviour every Store must have, run on memory and on real Redis (through the
 * Upstash bridge). Each test works under its own random key prefix.
 */
export function runStoreContract(createHarness: () => StoreContractHarness | Promise<StoreContractHarness>): void {
  let harness: StoreContractHarness;
  let store: Store;
  let prefix: string;
  const key = (name: string): string => `${prefix}${name}`;

  beforeEach(async () => {
    harness = await createHarness();
    store = harness.store;
    prefix = `contract:${randomUUID()}:`;
  });

  describe('strings', () => {
    it('answers null for a missing key and the value for a set one', async () => {
      expect(await store.get(key('missing'))).toBeNull();
      await store.set(key('a'), 'one');
      await store.set(key('a'), 'two');
      expect(await store.get(key('a'))).toBe('two');
    });

    it.each(AWKWARD_VALUES)('round-trips %s exactly', async (_label, value) => {
      await store.set(key('value'), value);
      expect(await store.get(key('value'))).toBe(value);
      await store.hashSet(key('hash'), { [value.slice(0, 50) || 'empty']: value });
      expect(await store.hashGetAll(key('hash'))).toEqual({ [value.slice(0, 50) || 'empty']: value });
    });

    it('expires a key after its TTL, and a later SET without TTL keeps it', async () => {
      await store.set(key('short'), 'gone soon', { ttlMs: 40 });
      await store.set(key('long'), 'stays', { ttlMs: 60_000 });
      await store.set(key('reset'), 'first', { ttlMs: 40 });
      await store.set(key('reset'), 'second');
      expect(await store.get(key('short'))).toBe('gone soon');

      harness.letTimePass(41);
      await eventually(async () => expect(await store.get(key('short'))).toBeNull());
      expect(await store.get(key('long'))).toBe('stays');
      expect(await store.get(key('reset'))).toBe('second');
    });

    it('rejects a TTL that is not a positive integer', async () => {
      await expect(store.set(key('a'), 'v', { ttlMs: 0 })).rejects.toThrow();
      await expect(store.setIfAbsent(key('b'), 'v', -5)).rejects.toThrow();
    });

    it('setIfAbsent creates only a missing key, and again once it expired', async () => {
      expect(await store.setIfAbsent(key('lock'), 'owner-1', 40)).toBe(true);
      expect(await store.setIfAbsent(key('lock'), 'owner-2', 40)).toBe(false);
      expect(await store.get(key('lock'))).toBe('owner-1');

      harness.letTimePass(41);
      await eventually(async () => expect(await store.setIfAbsent(key('lock'), 'owner-2', 60_000)).toBe(true));
      expect(await store.get(key('lock'))).toBe('owner-2');
    });

    it('deleteIfEquals deletes only while the key holds the expected value', async () => {
      await store.set(key('lock'), '0123');
      expect(await store.deleteIfEquals(key('lock'), '123')).toBe(false);
      expect(await store.get(key('lock'))).toBe('0123');
      expect(await store.deleteIfEquals(key('lock'), '0123')).toBe(true);
      expect(await store.get(key('lock'))).toBeNull();
      expect(await store.deleteIfEquals(key('lock'), '0123')).toBe(false);
    });

    it('delete removes several keys of any kind, and nothing when given none', async () => {
      await store.set(key('a'), '1');
      await store.hashSet(key('b'), { f: '2' });
      await store.set(key('c'), '3');
      await store.delete();
      await store.delete(key('a'), key('b'), key('missing'));
      expect(await store.get(key('a'))).toBeNull();
      expect(await store.hashGetAll(key('b'))).toEqual({});
      expect(await store.get(key('c'))).toBe('3');
    });

    it('rejects reading a hash as a string (WRONGTYPE)', async () => {
      await store.hashSet(key('hash'), { f: 'v' });
      await expect(store.get(key('hash'))).rejects.toThrow(/WRONGTYPE/);
    });
  });

  describe('hashes', () => {
    it('sets, merges, reads and deletes fields; an emptied hash is gone', async () => {
      expect(await store.hashGetAll(key('h'))).toEqual({});
      await store.hashSet(key('h'), { a: '1', b: 'null', c: '{"x":[1]}' });
      await store.hashSet(key('h'), { b: '0123', d: '' });
      await store.hashSet(key('h'), {});
      expect(await store.hashGetAll(key('h'))).toEqual({ a: '1', b: '0123', c: '{"x":[1]}', d: '' });

      await store.hashDelete(key('h'), 'a', 'missing');
      await store.hashDelete(key('h'));
      expect(await store.hashGetAll(key('h'))).toEqual({ b: '0123', c: '{"x":[1]}', d: '' });
      await store.hashDelete(key('h'), 'b', 'c', 'd');
      expect(await store.hashGetAll(key('h'))).toEqual({});
      await store.set(key('h'), 'a string now');
      expect(await store.get(key('h'))).toBe('a string now');
    });
  });

  describe('slot schedule', () => {
    const gapMs = 1_000;
    const allowanceMs = 200;
    const slotSpacing = gapMs + allowanceMs;
    /** A reservation for `token` at `now` (a long maxWait unless given). */
    const reserve = (token: string, now: number, more: { maxWaitMs?: number; hold?: { leaseMs: number } } = {}) =>
      store.reserveSlot(key('s'), { token, now, gapMs, allowanceMs, maxWaitMs: 60_000, ...more });
    const reservedAt = (slotAt: number, now: number) => ({ status: 'reserved', slotAt, waitMs: slotAt - now });

    it('grants now, then one slot after another, and refuses without change beyond maxWait', async () => {
      const t = harness.now();
      const maxWaitMs = 2_500;
      expect(await reserve('a', t, { maxWaitMs })).toEqual(reservedAt(t, t));
      expect(await reserve('b', t + 10, { maxWaitMs })).toEqual(reservedAt(t + slotSpacing, t + 10));
      expect(await reserve('c', t + 10, { maxWaitMs })).toEqual(reservedAt(t + 2 * slotSpacing, t + 10));
      // The fourth would wait 3590 ms > 2500: refused, and nothing is reserved for it.
      expect(await reserve('d', t + 10, { maxWaitMs })).toEqual({ status: 'refused', waitMs: 3 * slotSpacing - 10 });
      expect(await reserve('e', t + 10)).toEqual(reservedAt(t + 3 * slotSpacing, t + 10));
      // A counter design stored nothing else: the hash holds no floor until an answer pushes it.
      expect(await store.hashGetAll(key('s'))).toEqual({});
      // After a long idle time the slot is "now" again.
      expect(await reserve('f', t + 10_000)).toEqual(reservedAt(t + 10_000, t + 10_000));
    });

    it('fills the hole a cancelled slot leaves, first the earliest, and only where a whole spacing fits', async () => {
      const t = harness.now();
      for (const token of ['a', 'b', 'c', 'd']) await reserve(token, t);
      await store.cancelSlot(key('s'), 'b');
      await store.cancelSlot(key('s'), 'never-reserved');
      expect(await reserve('e', t + 10)).toEqual(reservedAt(t + slotSpacing, t + 10));
      expect(await reserve('f', t + 10)).toEqual(reservedAt(t + 4 * slotSpacing, t + 10));

      // Two slots 1500 ms apart (b asked with a wider spacing) leave no room for a third between them.
      const narrow = key('narrow');
      const reserveNarrow = (token: string, now: number, spacing = slotSpacing) =>
        store.reserveSlot(narrow, { token, now, gapMs: spacing - allowanceMs, allowanceMs, maxWaitMs: 60_000 });
      await reserveNarrow('a', t);
      expect(await reserveNarrow('b', t, 1_500)).toEqual(reservedAt(t + 1_500, t));
      expect(await reserveNarrow('c', t + 10)).toEqual(reservedAt(t + 1_500 + slotSpacing, t + 10));
    });

    it('a re-check with the same token moves the slot into a hole ahead, or keeps it', async () => {
      const t = harness.now();
      for (const token of ['a', 'b', 'c', 'd']) await reserve(token, t);
      // Nothing left: each keeps its own slot (it never collides with itself).
      expect(await reserve('d', t + 10)).toEqual(reservedAt(t + 3 * slotSpacing, t + 10));
      await store.cancelSlot(key('s'), 'b');
      expect(await reserve('d', t + 20)).toEqual(reservedAt(t + slotSpacing, t + 20));
      expect(await reserve('c', t + 20)).toEqual(reservedAt(t + 2 * slotSpacing, t + 20));
      // d's old slot is free again.
      expect(await reserve('e', t + 20)).toEqual(reservedAt(t + 3 * slotSpacing, t + 20));
    });

    it('a re-check never loses the slot: refused or busy, the token keeps it', async () => {
      const t = harness.now();
      await reserve('a', t);
      await reserve('b', t);
      await reserve('c', t);
      await store.cancelSlot(key('s'), 'b');
      // The hole is 1190 ms away, beyond a maxWait of 0: c keeps its slot rather than losing it.
      expect(await reserve('c', t + 10, { maxWaitMs: 0 })).toEqual(reservedAt(t + 2 * slotSpacing, t + 10));
      expect(await reserve('d', t + 10, { maxWaitMs: 0 })).toEqual({ status: 'refused', waitMs: slotSpacing - 10 });

      // A hold taken after c: new callers are busy, c keeps its slot.
      expect(await reserve('stream', t + 20, { hold: { leaseMs: 30_000 } })).toEqual(reservedAt(t + 3 * slotSpacing, t + 20));
      expect(await reserve('e', t + 30)).toEqual({ status: 'busy', holdUntil: t + 3 * slotSpacing + 30_000 });
      expect(await reserve('c', t + 30)).toEqual(reservedAt(t + 2 * slotSpacing, t + 30));
    });

    it('a re-check never moves a slot later: not past a late answer’s floor, nor once its time has come', async () => {
      const t = harness.now();
      await reserve('a', t);
      await reserve('b', t);
      await store.releaseSlot(key('s'), { now: t + 900, gapMs });
      // The floor is now t + 1900, past b's slot (t + 1200): b keeps its slot, a newcomer waits.
      expect(await reserve('b', t + 950)).toEqual(reservedAt(t + slotSpacing, t + 950));
      expect(await reserve('c', t + 950)).toEqual(reservedAt(t + 2 * slotSpacing, t + 950));
      // Asked again at its slot's time, with c booked: b still keeps it.
      expect(await reserve('b', t + slotSpacing + 5)).toEqual(reservedAt(t + slotSpacing, t + slotSpacing + 5));
    });

    it('slots a spacing or more in the past no longer constrain; a nearer one still does', async () => {
      const t = harness.now();
      await reserve('a', t);
      expect(await reserve('b', t + slotSpacing - 1)).toEqual(reservedAt(t + slotSpacing, t + slotSpacing - 1));
      await store.cancelSlot(key('s'), 'b');
      expect(await reserve('c', t + slotSpacing)).toEqual(reservedAt(t + slotSpacing, t + slotSpacing));
      // Much later, a token whose slot has passed long ago (it was pruned) starts afresh.
      expect(await reserve('c', t + 60_000)).toEqual(reservedAt(t + 60_000, t + 60_000));
    });

    it('a slot that holds the account goes after every other slot, and cancelling it ends the hold', async () => {
      const t = harness.now();
      for (const token of ['a', 'b', 'c']) await reserve(token, t);
      await store.cancelSlot(key('s'), 'b');
      // A hole-filler at t + 1200 would start a stream while c's call (t + 2400) is still to come.
      const hold = { leaseMs: 30_000 };
      expect(await reserve('stream', t + 10, { hold })).toEqual(reservedAt(t + 3 * slotSpacing, t + 10));
      expect(await store.hashGetAll(key('s'))).toEqual({ holder: 'stream', holdUntil: String(t + 3 * slotSpacing + 30_000) });
      // Its own re-check is not busy, and moves up once the slot before it is gone.
      await store.cancelSlot(key('s'), 'c');
      expect(await reserve('stream', t + 20, { hold })).toEqual(reservedAt(t + slotSpacing, t + 20));
      expect(await store.hashGetAll(key('s'))).toEqual({ holder: 'stream', holdUntil: String(t + slotSpacing + 30_000) });

      await store.cancelSlot(key('s'), 'stream');
      expect(await store.hashGetAll(key('s'))).toEqual({});
      // Nothing went upstream: the account is free at once (no gap pushed), holes included.
      expect(await reserve('d', t + 30)).toEqual(reservedAt(t + slotSpacing, t + 30));
    });

    it('reads a schedule written by the counter design: `next` alone is the floor', async () => {
      const t = harness.now();
      await store.hashSet(key('s'), { next: String(t + 5_000) });
      expect(await reserve('a', t)).toEqual(reservedAt(t + 5_000, t));
      expect(await reserve('b', t)).toEqual(reservedAt(t + 5_000 + slotSpacing, t));
      await store.cancelSlot(key('s'), 'a');
      // The hole below the floor is not used; the one at the floor is.
      expect(await reserve('c', t)).toEqual(reservedAt(t + 5_000, t));
      expect(await store.hashGetAll(key('s'))).toEqual({ next: String(t + 5_000) });
    });

    it('a late answer pushes the floor to answer + gap; an earlier release changes nothing', async () => {
      const t = harness.now();
      await reserve('a', t);
      await store.releaseSlot(key('s'), { now: t + 100, gapMs });
      expect(await store.hashGetAll(key('s'))).toEqual({ next: String(t + 1_100) });
      expect(await reserve('b', t + 150)).toEqual(reservedAt(t + slotSpacing, t + 150));
      await store.releaseSlot(key('s'), { now: t + 5_000, gapMs });
      await store.releaseSlot(key('s'), { now: t + 4_000, gapMs });
      expect(await reserve('c', t + 5_010)).toEqual(reservedAt(t + 6_000, t + 5_010));
    });

    it('a hold makes everyone else busy until its token releases it, then one gap later', async () => {
      const t = harness.now();
      const hold = { leaseMs: 30_000 };
      expect(await reserve('stream-1', t, { hold })).toEqual(reservedAt(t, t));
      expect(await store.hashGetAll(key('s'))).toEqual({ holder: 'stream-1', holdUntil: String(t + 30_000) });
      expect(await reserve('a', t + 5_000)).toEqual({ status: 'busy', holdUntil: t + 30_000 });
      expect(await reserve('stream-2', t + 5_000, { hold })).toEqual({ status: 'busy', holdUntil: t + 30_000 });

      // Another token's release pushes the floor but keeps the hold.
      await store.releaseSlot(key('s'), { now: t + 6_000, gapMs, token: 'someone-else' });
      expect(await reserve('a', t + 6_000)).toMatchObject({ status: 'busy' });

      await store.releaseSlot(key('s'), { now: t + 8_000, gapMs, token: 'stream-1' });
      expect(await store.hashGetAll(key('s'))).toEqual({ next: String(t + 9_000) });
      expect(await reserve('a', t + 8_000)).toEqual(reservedAt(t + 9_000, t + 8_000));
    });

    it('a hold whose lease lapsed no longer blocks, and its token can no longer renew it', async () => {
      const t = harness.now();
      await reserve('stream-1', t, { hold: { leaseMs: 3_000 } });
      expect(await reserve('a', t + 2_999)).toMatchObject({ status: 'busy' });
      expect(await reserve('a', t + 3_000)).toEqual(reservedAt(t + 3_000, t + 3_000));
      expect(await store.hashGetAll(key('s'))).toEqual({});
      expect(await store.renewSlotHold(key('s'), { token: 'stream-1', now: t + 3_001, leaseMs: 3_000 })).toBe(false);
    });

    it('renewing extends only the owner’s hold', async () => {
      const t = harness.now();
      await reserve('stream-1', t, { hold: { leaseMs: 3_000 } });
      expect(await store.renewSlotHold(key('s'), { token: 'intruder', now: t + 2_000, leaseMs: 3_000 })).toBe(false);
      expect(await store.renewSlotHold(key('s'), { token: 'stream-1', now: t + 2_000, leaseMs: 3_000 })).toBe(true);
      expect(await reserve('a', t + 4_000)).toEqual({ status: 'busy', holdUntil: t + 5_000 });
      await store.releaseSlot(key('s'), { now: t + 4_500, gapMs, token: 'stream-1' });
      expect(await store.renewSlotHold(key('s'), { token: 'stream-1', now: t + 4_600, leaseMs: 3_000 })).toBe(false);
      expect(await store.renewSlotHold(key('missing'), { token: 'stream-1', now: t, leaseMs: 3_000 })).toBe(false);
    });
  });

  describe('metrics (appendMetric, listRange)', () => {
    const metric = (entry: string, increments: Record<string, number> = {}, overrides: Partial<MetricAppend> = {}): MetricAppend => ({
      listKey: key('recent'),
      entry,
      maxLength: 3,
      listTtlMs: 60_000,
      hashKey: key('hour'),
      increments,
      hashTtlMs: 60_000,
      ...overrides,
    });

    it('pushes newest first, keeps only the newest maxLength, and adds to the counters', async () => {
      await store.appendMetric(metric('one', { requests: 1, errors: 0 }));
      await store.appendMetric(metric('two', { requests: 1, errors: 1, ttftSumMs: 250 }));
      expect(await store.listRange(key('recent'), 0, -1)).toEqual(['two', 'one']);
      await store.appendMetric(metric('three', { requests: 1, errors: 0 }));
      await store.appendMetric(metric('four', { requests: 1, errors: 1, ttftSumMs: -50 }));
      expect(await store.listRange(key('recent'), 0, -1)).toEqual(['four', 'three', 'two']);
      expect(await store.hashGetAll(key('hour'))).toEqual({ requests: '4', errors: '2', ttftSumMs: '200' });
    });

    it('releases a concurrency lease in the same write, and only that member', async () => {
      const leases = key('leases');
      const lease = (member: string) => store.acquireLease(leases, { member, limit: 2, now: Date.now(), ttlMs: 60_000 });
      expect(await lease('request-a')).toBe(true);
      expect(await lease('request-b')).toBe(true);
      expect(await lease('request-c')).toBe(false);
      await store.appendMetric(metric('finished a', { requests: 1 }, { releaseLease: { key: leases, member: 'request-a' } }));
      expect(await store.listRange(key('recent'), 0, -1)).toEqual(['finished a']);
      expect(await lease('request-c')).toBe(true);
      expect(await lease('request-d')).toBe(false);
    });

    it.each(AWKWARD_VALUES)('round-trips an entry of %s exactly', async (_label, value) => {
      await store.appendMetric(metric(value));
      expect(await store.listRange(key('recent'), 0, 0)).toEqual([value]);
    });

    it('reads ranges like LRANGE: inclusive, negative from the end, clamped; [] when missing', async () => {
      for (const entry of ['a', 'b', 'c', 'd', 'e']) await store.appendMetric(metric(entry, {}, { maxLength: 10 }));
      // Newest first: e d c b a.
      expect(await store.listRange(key('recent'), 0, 1)).toEqual(['e', 'd']);
      expect(await store.listRange(key('recent'), 1, 3)).toEqual(['d', 'c', 'b']);
      expect(await store.listRange(key('recent'), -2, -1)).toEqual(['b', 'a']);
      expect(await store.listRange(key('recent'), 3, 100)).toEqual(['b', 'a']);
      expect(await store.listRange(key('recent'), -100, 0)).toEqual(['e']);
      expect(await store.listRange(key('recent'), 4, 2)).toEqual([]);
      expect(await store.listRange(key('recent'), 5, 9)).toEqual([]);
      expect(await store.listRange(key('missing'), 0, -1)).toEqual([]);
    });

    it('expires each key after its own TTL, restarted by every append', async () => {
      await store.appendMetric(metric('first', { requests: 1 }, { listTtlMs: 60_000, hashTtlMs: 40 }));
      harness.letTimePass(41);
      await eventually(async () => expect(await store.hashGetAll(key('hour'))).toEqual({}));
      expect(await store.listRange(key('recent'), 0, -1)).toEqual(['first']);

      await store.appendMetric(metric('second', { requests: 1 }, { listTtlMs: 40, hashTtlMs: 60_000 }));
      expect(await store.hashGetAll(key('hour'))).toEqual({ requests: '1' });
      harness.letTimePass(41);
      await eventually(async () => expect(await store.listRange(key('recent'), 0, -1)).toEqual([]));
      expect(await store.hashGetAll(key('hour'))).toEqual({ requests: '1' });
    });

    it('with no increments writes the list only', async () => {
      await store.appendMetric(metric('alone'));
      expect(await store.listRange(key('recent'), 0, -1)).toEqual(['alone']);
      expect(await store.hashGetAll(key('hour'))).toEqual({});
    });

    it('rejects bad arguments and wrong key kinds without writing anything', async () => {
      await expect(store.appendMetric(metric('x', { requests: 1.5 }))).rejects.toThrow();
      await expect(store.appendMetric(metric('x', { requests: 1 }, { listTtlMs: 0 }))).rejects.toThrow();
      await expect(store.appendMetric(metric('x', { requests: 1 }, { hashTtlMs: 2.5 }))).rejects.toThrow();
      await expect(store.appendMetric(metric('x', { requests: 1 }, { maxLength: 0 }))).rejects.toThrow();
      expect(await store.listRange(key('recent'), 0, -1)).toEqual([]);
      expect(await store.hashGetAll(key('hour'))).toEqual({});

      await store.set(key('string'), 'v');
      await expect(store.appendMetric(metric('x', { requests: 1 }, { listKey: key('string') }))).rejects.toThrow(/WRONGTYPE/);
      await expect(store.listRange(key('string'), 0, -1)).rejects.toThrow(/WRONGTYPE/);
      expect(await store.hashGetAll(key('hour'))).toEqual({});
      await store.appendMetric(metric('x'));
      await expect(store.get(key('recent'))).rejects.toThrow(/WRONGTYPE/);
    });
  });

  describe('concurrency leases', () => {
    it('admits up to the limit, renews a holder, and admits again after a release', async () => {
      const t = harness.now();
      const lease = { limit: 2, now: t, ttlMs: 60_000 };
      expect(await store.acquireLease(key('c'), { ...lease, member: 'a' })).toBe(true);
      expect(await store.acquireLease(key('c'), { ...lease, member: 'b' })).toBe(true);
      expect(await store.acquireLease(key('c'), { ...lease, member: 'c' })).toBe(false);
      expect(await store.acquireLease(key('c'), { ...lease, member: 'a', now: t + 10 })).toBe(true);
      await store.releaseLease(key('c'), 'a');
      await store.releaseLease(key('c'), 'never-held');
      expect(await store.acquireLease(key('c'), { ...lease, member: 'c' })).toBe(true);
      expect(await store.acquireLease(key('c'), { ...lease, member: 'd' })).toBe(false);
    });

    it('lets lapsed leases go (a crashed holder never releases)', async () => {
      const t = harness.now();
      expect(await store.acquireLease(key('c'), { member: 'a', limit: 1, now: t, ttlMs: 1_000 })).toBe(true);
      expect(await store.acquireLease(key('c'), { member: 'b', limit: 1, now: t + 999, ttlMs: 1_000 })).toBe(false);
      expect(await store.acquireLease(key('c'), { member: 'b', limit: 1, now: t + 1_000, ttlMs: 1_000 })).toBe(true);
    });

    it('refuses everything with a limit of zero', async () => {
      const lease = { member: 'a', limit: 0, now: harness.now(), ttlMs: 1_000 };
      expect(await store.acquireLease(key('c'), lease)).toBe(false);
    });
  });

  describe('rate limit', () => {
    // An hour-long window: a real-clock run cannot straddle a window edge in practice.
    const windowMs = 3_600_000;

    it('allows up to the limit, then refuses until a reset in the future', async () => {
      const results = [];
      for (let call = 0; call < 4; call += 1) results.push(await store.limitRate(key('r'), 3, windowMs));
      expect(results.map(({ allowed, remaining }) => ({ allowed, remaining }))).toEqual([
        { allowed: true, remaining: 2 },
        { allowed: true, remaining: 1 },
        { allowed: true, remaining: 0 },
        { allowed: false, remaining: 0 },
      ]);
      const refused = results[3];
      expect(refused?.resetAt).toBeGreaterThan(harness.now());
      expect(refused?.resetAt).toBeLessThanOrEqual(harness.now() + windowMs);
      expect((await store.limitRate(key('other'), 3, windowMs)).allowed).toBe(true);
    });
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}
