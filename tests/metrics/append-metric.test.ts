import { describe, expect, it } from 'vitest';
import { acquireLease } from '@/lib/auth/concurrency-lease';
import { appendMetric, type MetricAppend } from '@/lib/metrics/append-metric';
import { AWKWARD_VALUES, eventually, STORE_BACKENDS, useStoreBackend } from '../support/store-backends';

/**
 * The metrics write (lib/metrics/append-metric.ts): its Lua and its in-memory twin, kept
 * equivalent by running every case on both stores.
 */
describe.each(STORE_BACKENDS)('appendMetric on %s', (_name, createBackend) => {
  const backend = useStoreBackend(createBackend);
  const { key } = backend;

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
    await appendMetric(backend.store, metric('one', { requests: 1, errors: 0 }));
    await appendMetric(backend.store, metric('two', { requests: 1, errors: 1, ttftSumMs: 250 }));
    expect(await backend.store.listRange(key('recent'), 0, -1)).toEqual(['two', 'one']);
    await appendMetric(backend.store, metric('three', { requests: 1, errors: 0 }));
    await appendMetric(backend.store, metric('four', { requests: 1, errors: 1, ttftSumMs: -50 }));
    expect(await backend.store.listRange(key('recent'), 0, -1)).toEqual(['four', 'three', 'two']);
    expect(await backend.store.hashGetAll(key('hour'))).toEqual({ requests: '4', errors: '2', ttftSumMs: '200' });
  });

  it('releases a concurrency lease in the same write, and only that member', async () => {
    const leases = key('leases');
    const lease = (member: string) => acquireLease(backend.store, leases, { member, limit: 2, now: Date.now(), ttlMs: 60_000 });
    expect(await lease('request-a')).toBe(true);
    expect(await lease('request-b')).toBe(true);
    expect(await lease('request-c')).toBe(false);
    await appendMetric(backend.store, metric('finished a', { requests: 1 }, { releaseLease: { key: leases, member: 'request-a' } }));
    expect(await backend.store.listRange(key('recent'), 0, -1)).toEqual(['finished a']);
    expect(await lease('request-c')).toBe(true);
    expect(await lease('request-d')).toBe(false);
  });

  it.each(AWKWARD_VALUES)('round-trips an entry of %s exactly', async (_label, value) => {
    await appendMetric(backend.store, metric(value));
    expect(await backend.store.listRange(key('recent'), 0, 0)).toEqual([value]);
  });

  it('expires each key after its own TTL, restarted by every append', async () => {
    await appendMetric(backend.store, metric('first', { requests: 1 }, { listTtlMs: 60_000, hashTtlMs: 40 }));
    backend.letTimePass(41);
    await eventually(async () => expect(await backend.store.hashGetAll(key('hour'))).toEqual({}));
    expect(await backend.store.listRange(key('recent'), 0, -1)).toEqual(['first']);

    await appendMetric(backend.store, metric('second', { requests: 1 }, { listTtlMs: 40, hashTtlMs: 60_000 }));
    expect(await backend.store.hashGetAll(key('hour'))).toEqual({ requests: '1' });
    backend.letTimePass(41);
    await eventually(async () => expect(await backend.store.listRange(key('recent'), 0, -1)).toEqual([]));
    expect(await backend.store.hashGetAll(key('hour'))).toEqual({ requests: '1' });
  });

  it('with no increments writes the list only', async () => {
    await appendMetric(backend.store, metric('alone'));
    expect(await backend.store.listRange(key('recent'), 0, -1)).toEqual(['alone']);
    expect(await backend.store.hashGetAll(key('hour'))).toEqual({});
  });

  it('rejects bad arguments and wrong key kinds without writing anything', async () => {
    await expect(appendMetric(backend.store, metric('x', { requests: 1.5 }))).rejects.toThrow();
    await expect(appendMetric(backend.store, metric('x', { requests: 1 }, { listTtlMs: 0 }))).rejects.toThrow();
    await expect(appendMetric(backend.store, metric('x', { requests: 1 }, { hashTtlMs: 2.5 }))).rejects.toThrow();
    await expect(appendMetric(backend.store, metric('x', { requests: 1 }, { maxLength: 0 }))).rejects.toThrow();
    expect(await backend.store.listRange(key('recent'), 0, -1)).toEqual([]);
    expect(await backend.store.hashGetAll(key('hour'))).toEqual({});

    await backend.store.set(key('string'), 'v');
    await expect(appendMetric(backend.store, metric('x', { requests: 1 }, { listKey: key('string') }))).rejects.toThrow(/WRONGTYPE/);
    await expect(backend.store.listRange(key('string'), 0, -1)).rejects.toThrow(/WRONGTYPE/);
    expect(await backend.store.hashGetAll(key('hour'))).toEqual({});
    await appendMetric(backend.store, metric('x'));
    await expect(backend.store.get(key('recent'))).rejects.toThrow(/WRONGTYPE/);
  });

  it('sets both keys’ TTLs and costs one command (after the script is loaded)', async () => {
    const append = () => appendMetric(backend.store, metric('e', { requests: 1, errors: 0 }, { maxLength: 5, listTtlMs: 50_000, hashTtlMs: 20_000 }));
    await append();
    backend.resetCommands();
    await append();
    expect(backend.commands()).toBe(1);
    await backend.store.listRange(key('recent'), 0, -1);
    expect(backend.commands()).toBe(2);

    const listTtl = await backend.ttlMs(key('recent'));
    const hashTtl = await backend.ttlMs(key('hour'));
    expect(listTtl).toBeLessThanOrEqual(50_000);
    expect(listTtl).toBeGreaterThan(45_000);
    expect(hashTtl).toBeLessThanOrEqual(20_000);
    expect(hashTtl).toBeGreaterThan(15_000);
    expect(await backend.store.hashGetAll(key('hour'))).toEqual({ requests: '2', errors: '0' });
  });
});
