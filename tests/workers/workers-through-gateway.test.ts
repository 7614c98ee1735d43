import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deregisterWorkerHandler, listWorkersHandler, registerWorkerHandler } from '@/lib/handlers/workers';
import { routeSet } from '@/lib/handlers/route-set';
import { createUpstashStore } from '@/lib/store/upstash-store';
import type { WorkerStatus } from '@/lib/workers/describe-workers';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { startRealRedisUpstash, type RealRedisUpstash } from '../support/start-real-redis-upstash';

/**
 * The worker registry through the gateway's routes: three instances sharing one real Redis
 * and one (fake) clock, two fake OpenAI-compatible servers as the workers. Auth, bad input,
 * registration seen by every instance, TTL expiry, balance, least in flight, failover,
 * cooldown and the probe back in, deregistration.
 */
const SECRET = 'worker-secret-for-tests';
const ADMIN_PASSWORD = 'admin-password-for-tests';
const clock = { time: Date.now() };
const now = () => clock.time;

let redis: RealRedisUpstash;
let instances: GatewayHarness[];
let unconfigured: GatewayHarness;
let alpha: OpenAiCompatibleServer;
let beta: OpenAiCompatibleServer;
let slowA: OpenAiCompatibleServer;
let slowB: OpenAiCompatibleServer;
let closedUrl: string;

type WorkerRouteSets = { collection: ReturnType<typeof routeSet>; item: ReturnType<typeof routeSet> };
const routesOf = new Map<GatewayHarness, WorkerRouteSets>();
function workerRoutes(gateway: GatewayHarness): WorkerRouteSets {
  let sets = routesOf.get(gateway);
  if (!sets) {
    const options = { ...gateway.routeOptions, authenticate: false };
    sets = {
      collection: routeSet({ GET: listWorkersHandler, POST: registerWorkerHandler }, options),
      item: routeSet({ DELETE: deregisterWorkerHandler }, options),
    };
    routesOf.set(gateway, sets);
  }
  return sets;
}

const auth = (secret = SECRET) => ({ authorization: `Bearer ${secret}` });
function post(gateway: GatewayHarness, body: unknown, headers: Record<string, string> = auth()): Promise<Response> {
  return workerRoutes(gateway).collection.POST(
    new Request('http://gateway.test/api/workers', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
}
function list(gateway: GatewayHarness, headers: Record<string, string> = auth()): Promise<Response> {
  return workerRoutes(gateway).collection.GET(new Request('http://gateway.test/api/workers', { headers }));
}
function remove(gateway: GatewayHarness, id: string, headers: Record<string, string> = auth()): Promise<Response> {
  return workerRoutes(gateway).item.DELETE(new Request(`http://gateway.test/api/workers/${id}`, { method: 'DELETE', headers }), { params: Promise.resolve({ id }) });
}
async function workers(gateway = instances[0]!): Promise<WorkerStatus[]> {
  const response = await list(gateway);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: WorkerStatus[] }).data;
}
async function register(body: Record<string, unknown>, gateway = instances[0]!): Promise<Record<string, unknown>> {
  const response = await post(gateway, body);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}
let turn = 0;
/** One chat through the next instance in turn; the answer's text. */
async function chat(model: string, content = 'hello'): Promise<string> {
  const gateway = instances[turn++ % instances.length]!;
  const response = await gateway.chat({ model, messages: [{ role: 'user', content }] });
  const body = (await response.json()) as { choices?: Array<{ message: { content: string } }>; error?: unknown };
  await gateway.settle();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.choices![0]!.message.content;
}

beforeAll(async () => {
  redis = await startRealRedisUpstash();
  const store = () => createUpstashStore({ url: redis.url, token: redis.token, retry: false });
  const environment = { WORKER_SECRET: SECRET, ADMIN_PASSWORD };
  const first = await startGatewayHarness({ environment, store: store(), now });
  instances = [first, ...(await Promise.all([1, 2].map(() => startGatewayHarness({ environment, store: store(), now, existingSimulator: first.simulator }))))];
  unconfigured = await startGatewayHarness({ store: store(), now, existingSimulator: first.simulator });
  [alpha, beta, slowA, slowB] = await Promise.all([
    startOpenAiCompatibleServer({ models: ['shared', 'alone'], apiKey: 'sk-alpha-key' }),
    startOpenAiCompatibleServer({ models: ['shared'] }),
    startOpenAiCompatibleServer({ models: ['slow'], chunks: 8, chunkDelayMs: 500 }),
    startOpenAiCompatibleServer({ models: ['slow'], chunks: 8, chunkDelayMs: 500 }),
  ]);
  closedUrl = await closedPortUrl();
  await register({ id: 'alpha', baseUrl: alpha.url, apiKey: 'sk-alpha-key', models: ['shared', 'alone'], ttlSeconds: 3600 });
  await register({ id: 'beta', baseUrl: beta.url, models: ['shared'], ttlSeconds: 3600 }, instances[1]);
});
afterAll(async () => {
  for (const gateway of [...instances.slice(1), unconfigured]) await gateway.close();
  await instances[0]?.close();
  await Promise.all([alpha, beta, slowA, slowB].map((server) => server?.close()));
  await redis?.close();
});

describe('the worker routes', () => {
  it.each(['GET', 'POST', 'DELETE'] as const)('answer %s with 503 worker_secret_not_configured without WORKER_SECRET', async (method) => {
    const response = method === 'GET' ? await list(unconfigured) : method === 'POST' ? await post(unconfigured, {}) : await remove(unconfigured, 'alpha');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'worker_secret_not_configured', type: 'server_error', param: 'WORKER_SECRET' } });
  });

  it('refuse a wrong or missing secret with 401; the list also takes the admin password, registration does not', async () => {
    for (const headers of [auth('wrong'), {}, { authorization: SECRET }]) {
      expect((await post(instances[0]!, { id: 'x', baseUrl: alpha.url, models: ['m'] }, headers)).status).toBe(401);
      expect((await list(instances[0]!, headers)).status).toBe(401);
      expect((await remove(instances[0]!, 'alpha', headers)).status).toBe(401);
    }
    const refused = await post(instances[0]!, { id: 'x', baseUrl: alpha.url, models: ['m'] }, auth(ADMIN_PASSWORD));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid_worker_secret', type: 'authentication_error' } });
    expect((await list(instances[0]!, auth(ADMIN_PASSWORD))).status).toBe(200);
    expect((await workers()).map((worker) => worker.id)).not.toContain('x');
  });

  it.each([
    ['not JSON', '{nope', /not valid JSON/],
    ['an array', '[]', /expected object/i],
    ['no models', { id: 'w1', baseUrl: 'http://a.test/v1', models: [] }, /models/],
    ['a blank model', { id: 'w1', baseUrl: 'http://a.test/v1', models: [' '] }, /models\.0/],
    ['a bad id', { id: 'bad id!', baseUrl: 'http://a.test/v1', models: ['m'] }, /id/],
    ['an ftp URL', { id: 'w1', baseUrl: 'ftp://a.test', models: ['m'] }, /baseUrl/],
    ['a TTL of 5 s', { id: 'w1', baseUrl: 'http://a.test/v1', models: ['m'], ttlSeconds: 5 }, /ttlSeconds/],
    ['a TTL of two hours', { id: 'w1', baseUrl: 'http://a.test/v1', models: ['m'], ttlSeconds: 7200 }, /ttlSeconds/],
    ['an unknown field', { id: 'w1', baseUrl: 'http://a.test/v1', models: ['m'], modles: ['m'] }, /unknown field "modles"/],
  ])('answer a body with %s with 400 and a clear message', async (_label, body, message) => {
    const response = await post(instances[0]!, body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { type: string; message: string } }).error;
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(message);
  });

  it('register and heartbeat with the same call, seen by every instance, and never show the apiKey', async () => {
    const created = await register({ id: 'gamma', baseUrl: `${alpha.url}/`, apiKey: 'sk-gamma-secret', models: ['gamma-model'] });
    expect(created).toMatchObject({ id: 'gamma', baseUrl: alpha.url, models: ['gamma-model'], ttlSeconds: 90, hasApiKey: true, created: true, lastHeartbeatAt: now(), expiresAt: now() + 90_000 });
    expect(created).not.toHaveProperty('apiKey');
    clock.time += 5_000;
    const beat = await register({ id: 'gamma', baseUrl: alpha.url, apiKey: 'sk-gamma-secret', models: ['gamma-model'] }, instances[2]);
    expect(beat).toMatchObject({ created: false, lastHeartbeatAt: now() });
    for (const gateway of instances) {
      const response = await list(gateway);
      const text = await response.text();
      expect(text).not.toContain('sk-gamma-secret');
      expect(text).not.toContain('sk-alpha-key');
      const gamma = (JSON.parse(text) as { data: WorkerStatus[] }).data.find((worker) => worker.id === 'gamma');
      expect(gamma).toMatchObject({ lastHeartbeatAt: now(), expiresAt: now() + 90_000, inFlight: 0, failures: 0, health: 'ok' });
    }
    const models = (await (await instances[1]!.routes.models.GET(new Request('http://gateway.test/v1/models'))).json()) as { data: Array<{ id: string; owned_by: string }> };
    expect(models.data).toContainEqual(expect.objectContaining({ id: 'gamma-model', owned_by: 'workers' }));
    expect(await remove(instances[1]!, 'gamma')).toHaveProperty('status', 200);
  });

  it('let an entry lapse after its TTL: gone from the list and from /v1/models', async () => {
    await register({ id: 'brief', baseUrl: alpha.url, models: ['brief-model'], ttlSeconds: 10 });
    clock.time += 9_000;
    expect((await workers()).map((worker) => worker.id)).toContain('brief');
    clock.time += 1_001;
    expect((await workers(instances[2])).map((worker) => worker.id)).not.toContain('brief');
    const models = (await (await instances[0]!.routes.models.GET(new Request('http://gateway.test/v1/models'))).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).not.toContain('brief-model');
  });
});

describe('chats on two workers', () => {
  it('are balanced: both workers answer, with the worker\'s apiKey sent', async () => {
    const before = [alpha.counters.chat, beta.counters.chat];
    for (let index = 0; index < 16; index += 1) expect(await chat('shared', `n${index}`)).toBe(`Echo: n${index}`);
    expect(alpha.counters.chat).toBeGreaterThan(before[0]!);
    expect(beta.counters.chat).toBeGreaterThan(before[1]!);
    expect(alpha.counters.chat - before[0]! + beta.counters.chat - before[1]!).toBe(16);
    expect(alpha.requests.at(-1)?.authorization).toBe('Bearer sk-alpha-key');
  });

  it('go to the worker with the fewest in flight, counted across instances', async () => {
    await register({ id: 'slow-a', baseUrl: slowA.url, models: ['slow'], ttlSeconds: 3600 });
    await register({ id: 'slow-b', baseUrl: slowB.url, models: ['slow'], ttlSeconds: 3600 });
    const inFlight = async () => (await workers()).filter((worker) => worker.id.startsWith('slow-')).map((worker) => worker.inFlight);
    const open: Response[] = [];
    // Only the workers serve it (XIPU, which passes unknown ids through, is not among them).
    expect((await instances[2]!.context.providers.route('slow')).map((endpoint) => endpoint.id).sort()).toEqual(['worker:slow-a', 'worker:slow-b']);
    for (let index = 0; index < 4; index += 1) {
      const gateway = instances[index % 3]!;
      open.push(await gateway.chat({ model: 'slow', stream: true, messages: [{ role: 'user', content: `slow ${index}` }] }));
      // Each start is counted before the next chat routes.
      await vi.waitFor(async () => expect((await inFlight()).reduce((sum, count) => sum + count, 0)).toBe(index + 1), { timeout: 2_000, interval: 5 });
    }
    expect(await inFlight()).toEqual([2, 2]);
    expect([slowA.counters.chat, slowB.counters.chat]).toEqual([2, 2]);
    for (const response of open) expect(await response.text()).toContain('[DONE]');
    await Promise.all(instances.map((gateway) => gateway.settle()));
    await vi.waitFor(async () => expect(await inFlight()).toEqual([0, 0]), { timeout: 2_000, interval: 10 });
  });

  it('fail over to the other worker when one is down (a closed port)', async () => {
    await register({ id: 'dead', baseUrl: closedUrl, models: ['alone'], ttlSeconds: 3600 });
    const before = alpha.counters.chat;
    let served = 0;
    // Until the dead worker was tried first at least once (each order is random among equals).
    while ((await workers()).find((worker) => worker.id === 'dead')!.failures === 0 && served < 40) {
      expect(await chat('alone', 'still here')).toBe('Echo: still here');
      served += 1;
    }
    expect((await workers()).find((worker) => worker.id === 'dead')!.failures).toBeGreaterThan(0);
    expect(alpha.counters.chat - before).toBe(served);
    await remove(instances[0]!, 'dead');
  });

  it('cool a failing worker down after 3 failures (every chat still answered), then probe it back in', async () => {
    beta.setFault('status-500');
    const betaBefore = beta.counters.chat;
    for (let index = 0; index < 60 && beta.counters.chat - betaBefore < 3; index += 1) expect(await chat('shared', 'x')).toBe('Echo: x');
    expect(beta.counters.chat - betaBefore).toBe(3);
    const cooled = (await workers()).find((worker) => worker.id === 'beta')!;
    expect(cooled).toMatchObject({ failures: 3, cooldownUntil: now() + 30_000 });
    expect(cooled.health).toMatch(/^cooling down until \d\d:\d\d:\d\d UTC$/);

    // Cooling down: never tried first, so never tried (alpha answers).
    for (let index = 0; index < 8; index += 1) expect(await chat('shared', 'y')).toBe('Echo: y');
    expect(beta.counters.chat - betaBefore).toBe(3);

    beta.setFault(undefined);
    clock.time += 30_001;
    for (let index = 0; index < 40 && beta.counters.chat - betaBefore === 3; index += 1) await chat('shared', 'z');
    expect(beta.counters.chat - betaBefore).toBe(4);
    expect((await workers()).find((worker) => worker.id === 'beta')).toMatchObject({ failures: 0, health: 'ok' });
    expect((await workers()).find((worker) => worker.id === 'beta')).not.toHaveProperty('cooldownUntil');
  });

  it('stop going to a deregistered worker', async () => {
    expect((await remove(instances[2]!, 'beta')).status).toBe(200);
    const before = beta.counters.chat;
    for (let index = 0; index < 6; index += 1) expect(await chat('shared', 'only alpha')).toBe('Echo: only alpha');
    expect(beta.counters.chat).toBe(before);
    expect((await workers()).map((worker) => worker.id)).not.toContain('beta');
    const again = await remove(instances[0]!, 'beta');
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'worker_not_found' } });
  });
});

/** A URL on a port nothing listens on (taken, then let go). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
