import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { createHealthRoutes } from '@/lib/handlers/health';
import { createMemoryStore } from '@/lib/store/memory-store';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { countStoreCalls, type CountedStore } from '../metrics/count-store-calls';

/** GET /api/health through the real route wrapper, against a gateway wired like production. */
const API_KEY = 'sk-alice-very-secret-key';
const user = (content: string) => ({ role: 'user', content });
const healthRequest = (init: RequestInit = {}) => new Request('http://gateway.test/api/health', init);

describe('GET /api/health', () => {
  let gateway: GatewayHarness;
  let counted: CountedStore;
  const start = async () => {
    counted = countStoreCalls(createMemoryStore());
    gateway = await startGatewayHarness({ store: counted.store, environment: { API_KEYS: `alice:${API_KEY}` } });
  };
  afterEach(async () => {
    await gateway?.close();
  });

  it('answers {"status":"ok"} publicly: no client key, no cache, CORS, and no upstream call', async () => {
    await start();
    const callsBefore = gateway.simulator.state().calls;
    const response = await gateway.health({ headers: { origin: 'https://status.example' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(gateway.simulator.state().calls).toEqual(callsBefore);
    expect(counted.calls.every((call) => call === 'get' || call === 'listRange')).toBe(true);
  });

  it('answers 503 {"status":"down"} after the last chat failed, and ok again after one succeeded', async () => {
    await start();
    gateway.simulator.injectFaults({ endpoint: 'completions', kind: 'status', status: 403 });
    const failed = await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')] }, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(failed.status).toBe(503);
    await gateway.settle();
    const down = await gateway.health();
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'down' });

    await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: fine')] }, { headers: { authorization: `Bearer ${API_KEY}` } })).json();
    await gateway.settle();
    const ok = await gateway.health();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
  });

  it('gives the signed-in admin the checks, and anyone else only the status', async () => {
    await start();
    const seen: Array<{ request: Request; context: GatewayContext }> = [];
    const routes = createHealthRoutes(
      {
        cacheMs: 0,
        isAdmin: async (request, context) => {
          seen.push({ request, context });
          return request.headers.get('cookie') === 'admin=yes';
        },
      },
      gateway.routeOptions,
    );
    const admin = await routes.GET(healthRequest({ headers: { cookie: 'admin=yes' } }));
    const body = await admin.json();
    expect(admin.status).toBe(200);
    expect(admin.headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({ status: 'ok', checkedAt: expect.any(Number) });
    expect(body.checks.map((check: { id: string }) => check.id)).toEqual(['store', 'credentials', 'login', 'heartbeat', 'pool', 'recent-chats', 'configuration']);
    expect(seen[0]?.context).toBe(gateway.context);

    expect(await (await routes.GET(healthRequest({ headers: { cookie: 'admin=no' } }))).json()).toEqual({ status: 'ok' });
    const failing = createHealthRoutes({ cacheMs: 0, isAdmin: () => Promise.reject(new Error('session store down')) }, gateway.routeOptions);
    expect(await (await failing.GET(healthRequest({ headers: { cookie: 'admin=yes' } }))).json()).toEqual({ status: 'ok' });
  });

  it('reuses the public answer for cacheMs (a hard-polling monitor costs the store little); admins always get a fresh one', async () => {
    await start();
    const routes = createHealthRoutes({ cacheMs: 60_000, isAdmin: async (request) => request.headers.has('cookie') }, gateway.routeOptions);
    await Promise.all([routes.GET(healthRequest()), routes.GET(healthRequest())]);
    const readsForOne = counted.calls.length;
    expect(readsForOne).toBeGreaterThan(0);
    for (let poll = 0; poll < 5; poll += 1) expect((await routes.GET(healthRequest())).status).toBe(200);
    expect(counted.calls).toHaveLength(readsForOne);
    await routes.GET(healthRequest({ headers: { cookie: 'admin' } }));
    expect(counted.calls).toHaveLength(2 * readsForOne);
  });

  it('keeps CORS preflight and answers other methods with 405', async () => {
    await start();
    const preflight = await gateway.routes.health.OPTIONS(
      healthRequest({ method: 'OPTIONS', headers: { origin: 'https://status.example', 'access-control-request-method': 'GET' } }),
    );
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const post = await gateway.routes.health.POST(healthRequest({ method: 'POST' }));
    expect(post.status).toBe(405);
  });
});

describe('GET /api/health on a misconfigured gateway', () => {
  it.each([
    ['a bad environment variable', 'invalid_configuration'],
    ['hosted without Upstash', 'store_not_configured'],
  ])('%s: still {"status":"down"} with 503, never the OpenAI error', async (_label, code) => {
    const routes = createHealthRoutes(
      {},
      {
        getContext: () => Promise.reject(new GatewayError('The gateway is misconfigured', { status: 503, type: 'server_error', code, retryable: false })),
        defer: () => undefined,
      },
    );
    const response = await routes.GET(healthRequest({ headers: { origin: 'https://status.example' } }));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'down' });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
