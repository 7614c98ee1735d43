import { afterEach, describe, expect, it } from 'vitest';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { readTrafficSeries } from '@/lib/metrics/read-traffic-series';
import { storeKeys } from '@/lib/store/keys';
import { createMemoryStore } from '@/lib/store/memory-store';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { withStoreErrors } from '@/lib/store/with-store-errors';
import { contentOf, readSse, readUntilFirstContent } from '../support/read-sse';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { startRealRedisUpstash } from '../support/start-real-redis-upstash';
import { countStoreCalls, type CountedStore } from './count-store-calls';

/**
 * Every chat request leaves one record, written in one store command after the response has
 * closed, with its status, timing and error code — and nothing of its content or secrets.
 */
const API_KEY = 'sk-alice-very-secret-key';
const user = (content: string) => ({ role: 'user', content });
const auth = { headers: { authorization: `Bearer ${API_KEY}` } };

/** The warm pool as deployed (SESSION_POOL_SIZE 2, SESSION_DELETE_BATCH 8): the harness defaults to sessions per chat. */
const POOL_DEFAULTS = { SESSION_POOL_SIZE: '2', SESSION_DELETE_BATCH: '8' };

describe('chat metrics', () => {
  let gateway: GatewayHarness;
  let counted: CountedStore;
  const start = async (environment: Record<string, string> = {}) => {
    counted = countStoreCalls(createMemoryStore());
    gateway = await startGatewayHarness({ store: counted.store, environment: { API_KEYS: `alice:${API_KEY}`, ...environment } });
  };
  const records = () => readRecentRequests(gateway.store, 100);
  afterEach(async () => {
    await gateway?.close();
  });

  it('a streamed chat: one record with its timing, and no content, key or token anywhere', async () => {
    await start();
    const prompt = 'SIM-REPLY: the-answer-text 答案 Zebra42';
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user(`${prompt}`), user('a private-question-text')], stream: true }, auth);
    expect(contentOf(await readSse(response))).toContain('the-answer-text');
    await gateway.settle();

    const [record, ...others] = await records();
    expect(others).toEqual([]);
    expect(record).toMatchObject({ client: 'alice', model: 'gpt-4.1', upstream: 'xipu:default', stream: true, status: 200, finishReason: 'stop' });
    expect(record?.requestId).toBe(response.headers.get('x-request-id'));
    expect(record?.error).toBeUndefined();
    expect(record?.ttftMs).toBeGreaterThan(0);
    expect(record?.durationMs).toBeGreaterThanOrEqual(record?.ttftMs ?? Infinity);

    const stored = JSON.stringify([
      await gateway.store.listRange(storeKeys.metricsRecent, 0, -1),
      await readTrafficSeries(gateway.store, Date.now(), 2),
    ]);
    const credentials = gateway.config.xipu.manualCredentials;
    for (const secret of ['the-answer-text', '答案', 'Zebra42', 'private-question-text', API_KEY, credentials?.jmToken, credentials?.sdpSession]) {
      expect(stored).not.toContain(secret);
    }
  });

  it('costs 8 store commands per chat with a pool hit: the metrics write also frees the concurrency slot', async () => {
    await start(POOL_DEFAULTS);
    // The first chat of an instance also reads the stored credentials (then cached for minutes).
    await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: warm up')] }, auth)).json();
    await gateway.settle();
    counted.reset();

    await readSse(await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: counted')], stream: true }, auth));
    await gateway.settle();
    expect(counted.count('appendMetric')).toBe(1);
    expect(counted.count('releaseLease')).toBe(0);
    // A pool hit: the claim and the refill's two commands take the place of saveSession's
    // reservation, the session record, the delete's reservation and its removal. The batched
    // delete (not due here) adds its few commands once per SESSION_DELETE_BATCH chats.
    expect(counted.calls).toEqual(['limitRate', 'acquireLease', 'claimPooledSession', 'reserveSlot', 'appendMetric', 'finishSession', 'reserveSlot', 'depositPooledSession']);
    // The warm-up's own session, the pool's two, one refill after the hit: no saveSession of its own.
    expect(gateway.simulator.state().calls).toMatchObject({ saveSession: 4, completions: 2, delSession: 0 });
    expect(await gateway.store.listRange('xipu-gw:metrics:recent', 0, 0)).toHaveLength(1);
  });

  it('costs 8 Redis commands per pool-hit chat on Upstash too, as the bridge counts them (npm run bench)', async () => {
    // A redis-server of its own: the gateway's keys are fixed, and other files share the test one.
    const redis = await startRealRedisUpstash();
    try {
      const store = withStoreErrors(createUpstashStore({ url: redis.url, token: redis.token, retry: false }));
      // A generous allowance: a late answer (one more command) must not come from a loaded machine.
      gateway = await startGatewayHarness({ store, environment: { API_KEYS: `alice:${API_KEY}`, UPSTREAM_ANSWER_ALLOWANCE_MS: '300', ...POOL_DEFAULTS } });
      // The first chat also loads the scripts (EVALSHA → NOSCRIPT → EVAL) and reads the credentials.
      await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: warm up')] }, auth)).json();
      await gateway.settle();
      redis.resetCount();

      await readSse(await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: counted')], stream: true }, auth));
      await gateway.settle();
      expect(redis.commandCount()).toBe(8);
    } finally {
      await gateway?.close();
      await redis.close();
    }
  });

  it('a non-streamed chat, a bad request and an upstream failure are each recorded once', async () => {
    await start();
    await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: plain')] }, auth)).json();
    expect((await gateway.chat('{"model": "gpt-4.1", "messages": [', auth)).status).toBe(400);
    gateway.simulator.injectFaults({ endpoint: 'completions', kind: 'status', status: 403 });
    expect((await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')], stream: true }, auth)).status).toBe(503);
    await gateway.settle();

    const [failure, badRequest, plain] = await records();
    expect(plain).toMatchObject({ model: 'gpt-4.1', stream: false, status: 200, finishReason: 'stop' });
    expect(badRequest).toMatchObject({ status: 400, error: expect.any(String) });
    expect(badRequest?.model).toBeUndefined();
    expect(failure).toMatchObject({ model: 'gpt-4.1', stream: true, status: 503, error: 'upstream_login_expired' });
    expect(await records()).toHaveLength(3);
  });

  it('a stream that broke off after its 200 carries the error code', async () => {
    await start();
    gateway.simulator.injectFaults({ endpoint: 'completions', kind: 'drop-mid-stream', afterPieces: 2 });
    await readSse(await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-LONG: 50')], stream: true }, auth));
    await gateway.settle();
    expect(await records()).toMatchObject([{ status: 200, error: 'upstream_stream_interrupted' }]);
  });

  it('a client gone mid-stream is recorded as 499', async () => {
    await start();
    const controller = new AbortController();
    const response = await gateway.chat(
      { model: 'gpt-4.1', messages: [user('SIM-DELAY: 20\nSIM-LONG: 400')], stream: true },
      { ...auth, signal: controller.signal },
    );
    const reader = response.body!.getReader();
    await readUntilFirstContent(reader);
    controller.abort();
    await reader.cancel();
    await gateway.settle();
    expect(await records()).toMatchObject([{ status: 499, error: 'client_closed_request', stream: true }]);
  });

  it('records nothing for a request refused by authentication (a key not in API_KEYS costs its one lookup among the managed keys; no key costs nothing)', async () => {
    await start();
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')] }, { headers: { authorization: 'Bearer wrong-key-123' } });
    expect(response.status).toBe(401);
    await gateway.settle();
    expect(counted.calls).toEqual(['findManagedKey']);
    counted.reset();
    expect((await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')] })).status).toBe(401);
    await gateway.settle();
    expect(counted.calls).toEqual([]);
    expect(await records()).toEqual([]);
  });
});
