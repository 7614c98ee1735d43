import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { connectResp, type RespClient } from '@/tests/support/resp-client';
import { useHungServer } from '@/tests/support/hung-server';
import { createRedisBackend } from '@/tests/support/store-backends';
import { runStoreContract } from './store-contract';

describe('upstash store on real Redis', () => {
  const connection = { url: inject('upstashUrl'), token: inject('upstashToken'), retry: false as const };

  runStoreContract(createRedisBackend);

  describe('against redis-server directly', () => {
    let redis: RespClient;
    beforeAll(async () => {
      redis = await connectResp({ port: inject('redisPort') });
    });
    afterAll(async () => {
      await redis.close();
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
    const hungServer = useHungServer();

    it('fails with a timeout error instead of hanging', async () => {
      const store = createUpstashStore({ url: hungServer.url(), token: 't', retry: false, timeoutMs: 200 });
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
