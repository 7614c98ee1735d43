import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readBalanceStates, readinessFromState } from '@/lib/balancing/read-balance-states';
import { startBalancedCall } from '@/lib/balancing/start-balanced-call';
import { createMemoryStore } from '@/lib/store/memory-store';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { deregisterWorker } from '@/lib/workers/deregister-worker';
import { listWorkers } from '@/lib/workers/list-workers';
import { registerWorker } from '@/lib/workers/register-worker';
import { startRealRedisUpstash, type RealRedisUpstash } from '../support/start-real-redis-upstash';

/**
 * The registry's and the balancing's store scripts on both stores (a redis-server of this
 * file's own, since the registry's keys are fixed): registration and heartbeat, expiry by the
 * caller's clock, deregistration, in-flight leases, the cooldown, its doubling and the probe.
 */
let redis: RealRedisUpstash;
beforeAll(async () => {
  redis = await startRealRedisUpstash();
});
afterAll(async () => {
  await redis.close();
});

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
let counter = 0;

describe.each([
  ['the memory store', () => createMemoryStore()],
  ['real Redis (Upstash bridge)', () => createUpstashStore({ url: redis.url, token: redis.token, retry: false })],
] as Array<[string, () => Store]>)('on %s', (_name, createStore) => {
  const fresh = () => {
    counter += 1;
    return { store: createStore(), id: `w${counter}` };
  };

  it('registers, then heartbeats with the same call, and lists with one command', async () => {
    const { store, id } = fresh();
    const first = await registerWorker(store, { id, baseUrl: 'http://10.0.0.5:11434/v1/', models: ['llama3', 'llama3'], apiKey: 'sk-worker' }, T0);
    expect(first.created).toBe(true);
    expect(first.entry).toEqual({ id, baseUrl: 'http://10.0.0.5:11434/v1', apiKey: 'sk-worker', models: ['llama3'], ttlSeconds: 90, lastHeartbeatAt: T0, expiresAt: T0 + 90_000 });
    const beat = await registerWorker(store, { id, baseUrl: 'http://10.0.0.5:11434/v1', models: ['llama3', 'qwen'], ttlSeconds: 30 }, T0 + 20_000);
    expect(beat.created).toBe(false);
    const listed = (await listWorkers(store, T0 + 21_000)).find((worker) => worker.id === id);
    expect(listed).toEqual({ id, baseUrl: 'http://10.0.0.5:11434/v1', models: ['llama3', 'qwen'], ttlSeconds: 30, lastHeartbeatAt: T0 + 20_000, expiresAt: T0 + 50_000 });
  });

  it('lets an entry lapse at its TTL, by the caller\'s clock, and prunes it from the store', async () => {
    const { store, id } = fresh();
    await registerWorker(store, { id, baseUrl: 'http://a.test/v1', models: ['m'], ttlSeconds: 10 }, T0);
    expect((await listWorkers(store, T0 + 9_999)).map((worker) => worker.id)).toContain(id);
    expect((await listWorkers(store, T0 + 10_000)).map((worker) => worker.id)).not.toContain(id);
    expect(await store.hashGetAll(storeKeys.workers)).not.toHaveProperty(id);
    // A lapsed worker's heartbeat registers it anew.
    expect((await registerWorker(store, { id, baseUrl: 'http://a.test/v1', models: ['m'], ttlSeconds: 10 }, T0 + 11_000)).created).toBe(true);
  });

  it('deregisters at once; a second time says it was not there', async () => {
    const { store, id } = fresh();
    await registerWorker(store, { id, baseUrl: 'http://a.test/v1', models: ['m'] }, T0);
    expect(await deregisterWorker(store, id, T0 + 1)).toBe(true);
    expect((await listWorkers(store, T0 + 2)).map((worker) => worker.id)).not.toContain(id);
    expect(await deregisterWorker(store, id, T0 + 3)).toBe(false);
  });

  it.each([
    ['no models', { models: [] }],
    ['a bad id', { id: 'a b' }],
    ['a TTL below 10 s', { ttlSeconds: 5 }],
    ['a ftp URL', { baseUrl: 'ftp://a.test' }],
  ])('refuses %s', async (_label, change) => {
    const { store, id } = fresh();
    await expect(registerWorker(store, { id, baseUrl: 'http://a.test/v1', models: ['m'], ...change } as never, T0)).rejects.toThrow();
  });

  it('counts calls in flight until they finish; a lapsed lease stops counting', async () => {
    const { store, id } = fresh();
    let now = T0;
    const clock = () => now;
    const one = startBalancedCall(store, `worker:${id}`, { requestId: 'req_1', now: clock });
    const two = startBalancedCall(store, `worker:${id}`, { requestId: 'req_2', now: clock });
    await Promise.all([one.started(), two.started()]);
    expect((await readBalanceStates(store, [`worker:${id}`, 'worker:nobody'], now)).map((state) => state.inFlight)).toEqual([2, 0]);
    await one.finish('success');
    expect((await readBalanceStates(store, [`worker:${id}`], now))[0]?.inFlight).toBe(1);
    // The instance serving the second call was killed: its lease lapses.
    now += 320_001;
    expect((await readBalanceStates(store, [`worker:${id}`], now))[0]?.inFlight).toBe(0);
  });

  it('cools an endpoint down after 3 consecutive failures, lets one probe through after it, and doubles the next cooldown', async () => {
    const { store, id } = fresh();
    const endpoint = `upstream:${id}`;
    let now = T0;
    const clock = () => now;
    const fail = () => startBalancedCall(store, endpoint, { requestId: `req_${now}`, now: clock }).finish('failure');
    const readiness = async () => readinessFromState((await readBalanceStates(store, [endpoint], now))[0]!, now);

    await fail();
    await fail();
    expect(await readiness()).toEqual({ available: true, startsInMs: 0, inFlight: 0 });
    // A request's own fault and a client that left do not count.
    await startBalancedCall(store, endpoint, { requestId: 'neutral', now: clock }).finish('neutral');
    expect((await readBalanceStates(store, [endpoint], now))[0]?.failures).toBe(2);
    await fail();
    expect(await readiness()).toEqual({ available: false, reason: 'cooling down until 12:00:30 UTC' });

    now += 30_000;
    expect((await readiness()).available).toBe(true);
    const probe = startBalancedCall(store, endpoint, { requestId: 'probe', now: clock });
    await probe.started().catch(() => undefined);
    // started() cleared the record: the probe answered, so the endpoint is back.
    expect(await readiness()).toEqual({ available: true, startsInMs: 0, inFlight: 1 });
    await probe.finish('success');

    // Fail again: the cooldown starts at 30 s again after a success…
    for (let index = 0; index < 3; index += 1) await fail();
    expect((await readBalanceStates(store, [endpoint], now))[0]?.cooldownUntil).toBe(now + 30_000);
    // …and a failed probe doubles it.
    now += 30_000;
    const failedProbe = startBalancedCall(store, endpoint, { requestId: 'probe-2', now: clock });
    // Its start is sent without waiting: other routers skip the endpoint once it lands.
    await vi.waitFor(async () => expect(await readiness()).toEqual({ available: false, reason: 'probed after its cooldown' }));
    await failedProbe.finish('failure');
    expect((await readBalanceStates(store, [endpoint], now))[0]).toMatchObject({ failures: 4, cooldownUntil: now + 60_000, probeUntil: 0 });
  });
});
