import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { storeTtls } from '@/lib/store/keys';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { connectResp, type RespClient } from '@/tests/support/resp-client';
import { startUpstashBridge } from '@/tests/support/upstash-bridge';
import { runStoreContract } from './store-contract';

describe('upstash store on real Redis', () => {
  const connection = { url: inject('upstashUrl'), token: inject('upstashToken'), retry: false as const };

  runStoreContract(() => ({
    store: createUpstashStore(connection),
    now: Date.now,
    letTimePass: () => undefined,
  }));

  describe('against redis-server directly', () => {
    let redis: RespClient;
    beforeAll(async () => {
      redis = await connectResp({ port: inject('redisPort') });
    });
    afterAll(async () => {
      await redis.close();
    });

    it('sets the schedule (hash and slot set) to expire pacerIdleMs after the latest time it holds', async () => {
      const store = createUpstashStore(connection);
      const key = `upstash-store-test:${randomUUID()}`;
      const t = Date.now();
      const hold = { leaseMs: 5_000 };
      await store.reserveSlot(key, { token: 'x', now: t, gapMs: 1_000, allowanceMs: 200, maxWaitMs: 0, hold });
      for (const scheduleKey of [key, `${key}:slots`]) {
        const ttlMs = Number(await redis.send(['PTTL', scheduleKey]));
        // The script computed 5000 + pacerIdleMs from the caller's clock; Redis counts down since.
        expect(ttlMs).toBeLessThanOrEqual(5_000 + storeTtls.pacerIdleMs);
        expect(ttlMs).toBeGreaterThan(5_000 + storeTtls.pacerIdleMs - 5_000);
      }
    });

    it('keeps only the slots that still constrain, and costs one command per reservation and cancel', async () => {
      const bridge = await startUpstashBridge({ redisPort: inject('redisPort'), token: 'slot-count-token' });
      try {
        const store = createUpstashStore({ url: bridge.url, token: bridge.token, retry: false });
        const key = `upstash-store-test:${randomUUID()}`;
        const t = Date.now();
        const request = { gapMs: 100, allowanceMs: 0, maxWaitMs: 60_000 };
        await store.reserveSlot(key, { ...request, token: 'warm-up', now: t });
        await store.cancelSlot(key, 'warm-up');
        bridge.resetCount();
        for (let index = 0; index < 5; index += 1) await store.reserveSlot(key, { ...request, token: `t${index}`, now: t + index * 100 });
        await store.cancelSlot(key, 't4');
        expect(bridge.commandCount()).toBe(6);
        // Ten seconds later only the new slot is kept: the old ones no longer constrain.
        await store.reserveSlot(key, { ...request, token: 'later', now: t + 10_000 });
        const members = await redis.send(['ZRANGE', `${key}:slots`, '0', '-1', 'WITHSCORES']);
        expect(members).toEqual([Buffer.from('later'), Buffer.from(String(t + 10_000))]);
      } finally {
        await bridge.close();
      }
    });

    it('appendMetric sets both keys’ TTLs and costs one command (after the script is loaded)', async () => {
      const bridge = await startUpstashBridge({ redisPort: inject('redisPort'), token: 'count-test-token' });
      try {
        const store = createUpstashStore({ url: bridge.url, token: bridge.token, retry: false });
        const listKey = `upstash-store-test:${randomUUID()}`;
        const hashKey = `upstash-store-test:${randomUUID()}`;
        const metric = { listKey, entry: 'e', maxLength: 5, listTtlMs: 50_000, hashKey, increments: { requests: 1, errors: 0 }, hashTtlMs: 20_000 };
        await store.appendMetric(metric);
        bridge.resetCount();
        await store.appendMetric(metric);
        expect(bridge.commandCount()).toBe(1);
        await store.listRange(listKey, 0, -1);
        expect(bridge.commandCount()).toBe(2);

        const listTtl = Number(await redis.send(['PTTL', listKey]));
        const hashTtl = Number(await redis.send(['PTTL', hashKey]));
        expect(listTtl).toBeLessThanOrEqual(50_000);
        expect(listTtl).toBeGreaterThan(45_000);
        expect(hashTtl).toBeLessThanOrEqual(20_000);
        expect(hashTtl).toBeGreaterThan(15_000);
        expect(await redis.send(['HGETALL', hashKey])).toEqual([Buffer.from('requests'), Buffer.from('2'), Buffer.from('errors'), Buffer.from('0')]);
      } finally {
        await bridge.close();
      }
    });

    it('shares one database between two store instances (two serverless instances)', async () => {
      const first = createUpstashStore(connection);
      const second = createUpstashStore(connection);
      const key = `upstash-store-test:${randomUUID()}`;
      await first.set(key, '0123');
      expect(await second.get(key)).toBe('0123');
      expect(await redis.send(['GET', key])).toEqual(Buffer.from('0123'));
    });
  });

  describe('when Upstash cannot answer', () => {
    let hungServer: Server;
    const openSockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and never answers: a hung Upstash.
      hungServer = createServer((socket) => {
        openSockets.add(socket);
        socket.on('close', () => openSockets.delete(socket));
      });
      await new Promise<void>((resolve) => hungServer.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of openSockets) socket.destroy();
      await new Promise<void>((resolve) => hungServer.close(() => resolve()));
    });

    it('fails with a timeout error instead of hanging', async () => {
      const address = hungServer.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const store = createUpstashStore({ url: `http://127.0.0.1:${port}`, token: 't', retry: false, timeoutMs: 200 });
      await expect(store.get('any')).rejects.toMatchObject({ name: 'TimeoutError' });
      await expect(store.ping()).rejects.toMatchObject({ name: 'TimeoutError' });
    });

    it('fails when nothing listens', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const address = closed.address();
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const port = typeof address === 'object' && address ? address.port : 0;
      const store = createUpstashStore({ url: `http://127.0.0.1:${port}`, token: 't', retry: false });
      await expect(store.ping()).rejects.toThrow();
    });

    it('rejects a wrong token', async () => {
      const store = createUpstashStore({ ...connection, token: 'wrong' });
      await expect(store.get('any')).rejects.toThrow(/Unauthorized/);
    });
  });
});
