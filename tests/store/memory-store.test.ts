import { describe, expect, it, vi } from 'vitest';
import { storeTtls } from '@/lib/store/keys';
import { createMemoryStore, getMemoryStore } from '@/lib/store/memory-store';
import { runStoreContract } from './store-contract';

/** A fake clock starting in the middle of an hour, so rate-limit windows do not start at 0. */
function createFakeClock(start = Date.UTC(2026, 10, 22, 12, 30)): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

describe('memory store', () => {
  runStoreContract(() => {
    const clock = createFakeClock();
    return { store: createMemoryStore({ now: clock.now }), now: clock.now, letTimePass: clock.advance };
  });

  it('is one instance per process, even when the module is loaded again (one per route bundle)', async () => {
    const first = getMemoryStore();
    vi.resetModules();
    const reloaded = await import('@/lib/store/memory-store');
    expect(reloaded.getMemoryStore).not.toBe(getMemoryStore);
    expect(reloaded.getMemoryStore()).toBe(first);
    await first.set('memory-store-test:shared', 'seen by every bundle');
    expect(await reloaded.getMemoryStore().get('memory-store-test:shared')).toBe('seen by every bundle');
    await first.delete('memory-store-test:shared');
  });

  it('drops an idle schedule (hash and slot set) pacerIdleMs after the latest time it holds', async () => {
    const clock = createFakeClock();
    const store = createMemoryStore({ now: clock.now });
    const t = clock.now();
    const hold = { leaseMs: 5_000 };
    await store.reserveSlot('schedule', { token: 'a', now: t, gapMs: 1_000, allowanceMs: 0, maxWaitMs: 0, hold });
    clock.advance(5_000 + storeTtls.pacerIdleMs - 1);
    expect(await store.hashGetAll('schedule')).toEqual({ holder: 'a', holdUntil: String(t + 5_000) });
    await expect(store.get('schedule:slots')).rejects.toThrow(/WRONGTYPE/);
    clock.advance(1);
    expect(await store.hashGetAll('schedule')).toEqual({});
    expect(await store.get('schedule:slots')).toBeNull();
  });

  it('drops the slot set with its last slot', async () => {
    const clock = createFakeClock();
    const store = createMemoryStore({ now: clock.now });
    await store.reserveSlot('schedule', { token: 'a', now: clock.now(), gapMs: 1_000, allowanceMs: 0, maxWaitMs: 0 });
    await store.cancelSlot('schedule', 'a');
    expect(await store.get('schedule:slots')).toBeNull();
  });

  it('drops a lease set with its last lease', async () => {
    const clock = createFakeClock();
    const store = createMemoryStore({ now: clock.now });
    await store.acquireLease('leases', { member: 'a', limit: 5, now: clock.now(), ttlMs: 500 });
    clock.advance(499);
    expect(await store.acquireLease('leases', { member: 'b', limit: 2, now: clock.now(), ttlMs: 100 })).toBe(true);
    clock.advance(1);
    // "a" lapsed at 500 and "b" at 599: the key lives until then.
    await expect(store.get('leases')).rejects.toThrow(/WRONGTYPE/);
    clock.advance(99);
    expect(await store.get('leases')).toBeNull();
  });

  it('slides the rate-limit window: the previous window counts by how much it still overlaps', async () => {
    const windowMs = 60_000;
    const clock = createFakeClock(Date.UTC(2026, 10, 22, 12, 30, 0));
    const store = createMemoryStore({ now: clock.now });
    for (let call = 0; call < 4; call += 1) await store.limitRate('rate', 4, windowMs);
    expect(await store.limitRate('rate', 4, windowMs)).toEqual({
      allowed: false,
      remaining: 0,
      resetAt: clock.now() + windowMs,
    });
    // A quarter into the next window, 3 of the previous 4 calls still count: one call fits.
    clock.advance(windowMs + windowMs / 4);
    expect(await store.limitRate('rate', 4, windowMs)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await store.limitRate('rate', 4, windowMs)).toMatchObject({ allowed: false });
    // Two windows later nothing counts any more.
    clock.advance(2 * windowMs);
    expect(await store.limitRate('rate', 4, windowMs)).toMatchObject({ allowed: true, remaining: 3 });
  });
});
