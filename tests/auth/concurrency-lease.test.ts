import { describe, expect, it } from 'vitest';
import { acquireLease, releaseLease } from '@/lib/auth/concurrency-lease';
import { eventually, STORE_BACKENDS, useStoreBackend } from '../support/store-backends';

/**
 * Concurrency leases (lib/auth/concurrency-lease.ts): the scripts' Lua and their in-memory
 * twins, kept equivalent by running every case on both stores.
 */
describe.each(STORE_BACKENDS)('concurrency leases on %s', (_name, createBackend) => {
  const backend = useStoreBackend(createBackend);
  const { key } = backend;

  it('admits up to the limit, renews a holder, and admits again after a release', async () => {
    const { store } = backend;
    const t = backend.now();
    const lease = { limit: 2, now: t, ttlMs: 60_000 };
    expect(await acquireLease(store, key('c'), { ...lease, member: 'a' })).toBe(true);
    expect(await acquireLease(store, key('c'), { ...lease, member: 'b' })).toBe(true);
    expect(await acquireLease(store, key('c'), { ...lease, member: 'c' })).toBe(false);
    expect(await acquireLease(store, key('c'), { ...lease, member: 'a', now: t + 10 })).toBe(true);
    await releaseLease(store, key('c'), 'a');
    await releaseLease(store, key('c'), 'never-held');
    expect(await acquireLease(store, key('c'), { ...lease, member: 'c' })).toBe(true);
    expect(await acquireLease(store, key('c'), { ...lease, member: 'd' })).toBe(false);
  });

  it('lets lapsed leases go (a crashed holder never releases)', async () => {
    const { store } = backend;
    const t = backend.now();
    expect(await acquireLease(store, key('c'), { member: 'a', limit: 1, now: t, ttlMs: 1_000 })).toBe(true);
    expect(await acquireLease(store, key('c'), { member: 'b', limit: 1, now: t + 999, ttlMs: 1_000 })).toBe(false);
    expect(await acquireLease(store, key('c'), { member: 'b', limit: 1, now: t + 1_000, ttlMs: 1_000 })).toBe(true);
  });

  it('refuses everything with a limit of zero', async () => {
    const lease = { member: 'a', limit: 0, now: backend.now(), ttlMs: 1_000 };
    expect(await acquireLease(backend.store, key('c'), lease)).toBe(false);
  });

  it('drops a lease set with its last lease', async () => {
    const { store } = backend;
    const t = backend.now();
    await acquireLease(store, key('leases'), { member: 'a', limit: 5, now: t, ttlMs: 500 });
    expect(await acquireLease(store, key('leases'), { member: 'b', limit: 2, now: t + 499, ttlMs: 100 })).toBe(true);
    // "a" lapses at t + 500 and "b" at t + 599: the key now expires with b, 100 ms after t + 499.
    const ttlMs = await backend.ttlMs(key('leases'));
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(100);
    backend.letTimePass(100);
    await eventually(async () => expect(await backend.ttlMs(key('leases'))).toBe(-2));
  });
});
