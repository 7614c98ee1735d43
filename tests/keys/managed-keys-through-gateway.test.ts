import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAdminSession } from '@/lib/admin/access/admin-session';
import { anthropicErrorResponse } from '@/lib/api/anthropic-messages/anthropic-error';
import { createKeyHandler, listKeysHandler, revokeKeyHandler, updateKeyHandler } from '@/lib/handlers/admin-keys';
import { anthropicMessages } from '@/lib/handlers/anthropic-messages';
import { embeddings } from '@/lib/handlers/embeddings';
import { routeSet } from '@/lib/handlers/route-set';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { captureConsole } from '../support/capture-console';
import { dumpRedis } from '../support/dump-redis';
import { connectResp, type RespClient } from '../support/resp-client';
import { startRealRedisUpstash, type RealRedisUpstash } from '../support/start-real-redis-upstash';

/**
 * Managed keys through the gateway's routes (docs/keys.md): three instances sharing one real
 * Redis and one fake clock. Create → use → revoke (refused everywhere within a second, no
 * upstream call), the allow-list (OpenAI and Anthropic shapes), the daily quota and the next
 * UTC day, expiry, hashed storage (a raw scan of Redis, and the console), the admin API's
 * auth, and API_KEYS beside it.
 */
const ADMIN_PASSWORD = 'admin-password-for-key-tests';
const ENV_KEY = 'sk-env-key-for-tests-123456';
const clock = { time: Date.now() };
const now = () => clock.time;

let upstream: OpenAiCompatibleServer;
let callsBefore = 0;
/** Marks the upstream's chat count; newCalls() counts from here. */
const markCalls = () => {
  callsBefore = upstream.counters.chat;
};
const newCalls = () => upstream.counters.chat - callsBefore;
let redis: RealRedisUpstash;
let resp: RespClient;
let instances: GatewayHarness[];
const created: string[] = [];
const logged: string[] = [];

type AdminRoutes = { collection: ReturnType<typeof routeSet>; item: ReturnType<typeof routeSet>; messages: ReturnType<typeof routeSet>; embeddings: ReturnType<typeof routeSet> };
const routesOf = new Map<GatewayHarness, AdminRoutes>();
function routes(gateway: GatewayHarness): AdminRoutes {
  let sets = routesOf.get(gateway);
  if (!sets) {
    const options = { ...gateway.routeOptions, authenticate: false };
    sets = {
      collection: routeSet({ GET: listKeysHandler, POST: createKeyHandler }, options),
      item: routeSet({ PATCH: updateKeyHandler, DELETE: revokeKeyHandler }, options),
      messages: routeSet({ POST: anthropicMessages }, { ...gateway.routeOptions, renderError: anthropicErrorResponse }),
      embeddings: routeSet({ POST: embeddings }, gateway.routeOptions),
    };
    routesOf.set(gateway, sets);
  }
  return sets;
}

const bearer = (secret = ADMIN_PASSWORD) => ({ authorization: `Bearer ${secret}` });
function adminPost(body: unknown, headers: Record<string, string> = bearer(), gateway = instances[0]!): Promise<Response> {
  return routes(gateway).collection.POST(
    new Request('http://gateway.test/api/admin/keys', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
}
function adminList(headers: Record<string, string> = bearer(), gateway = instances[0]!): Promise<Response> {
  return routes(gateway).collection.GET(new Request('http://gateway.test/api/admin/keys', { headers }));
}
function adminItem(method: 'PATCH' | 'DELETE', id: string, body?: unknown, headers: Record<string, string> = bearer(), gateway = instances[0]!): Promise<Response> {
  const request = new Request(`http://gateway.test/api/admin/keys/${id}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return routes(gateway).item[method](request, { params: Promise.resolve({ id }) });
}
async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string } & Record<string, unknown>> {
  const response = await adminPost(body);
  const json = (await response.json()) as { id: string; key: string };
  expect(response.status, JSON.stringify(json)).toBe(201);
  created.push(json.key);
  return json;
}
async function listed(id: string): Promise<Record<string, any>> {
  const response = await adminList();
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as { data: Array<Record<string, any>> };
  return data.find((entry) => entry.id === id)!;
}

/** One chat with `key` through `gateway`; its status and body, deferred work settled. */
async function chat(gateway: GatewayHarness, key: string, body: Record<string, unknown> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await gateway.chat({ model: 'chat-a', messages: [{ role: 'user', content: 'hello' }], ...body }, { headers: { authorization: `Bearer ${key}` } });
  const json = await response.json();
  await gateway.settle();
  return { status: response.status, body: json, headers: response.headers };
}

beforeAll(async () => {
  captureConsole(logged);
  redis = await startRealRedisUpstash();
  resp = await connectResp({ port: redis.redisPort });
  const store = () => createUpstashStore({ url: redis.url, token: redis.token, retry: false });
  upstream = await startOpenAiCompatibleServer({ models: ['chat-a', 'chat-b', 'claude-sonnet-4-5'] });
  const environment = {
    ADMIN_PASSWORD,
    API_KEYS: `env-user:${ENV_KEY}`,
    UPSTREAMS: JSON.stringify([{ id: 'lab', baseUrl: upstream.url, models: ['chat-a', 'chat-b', 'claude-sonnet-4-5'] }]),
    MODEL_ALIASES: 'team-model=chat-b',
  };
  const first = await startGatewayHarness({ environment, store: store(), now });
  instances = [first, ...(await Promise.all([1, 2].map(() => startGatewayHarness({ environment, store: store(), now, existingSimulator: first.simulator }))))];
});
afterAll(async () => {
  vi.restoreAllMocks();
  for (const gateway of instances?.slice(1) ?? []) await gateway.close();
  await instances?.[0]?.close();
  await resp?.close();
  await upstream?.close();
  await redis?.close();
});

describe('a managed key', () => {
  it('is created, used on every instance, listed with usage, revoked and then refused by every instance within a second, with no upstream call', async () => {
    const created = await createKey({ name: 'alice' });
    expect(created.key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(created).toMatchObject({ name: 'alice', source: 'store' });
    expect(created).not.toHaveProperty('hash');

    for (const gateway of instances) {
      const used = await chat(gateway, created.key);
      expect(used.status, JSON.stringify(used.body)).toBe(200);
      expect(used.body.choices[0].message.content.length).toBeGreaterThan(0);
    }
    const entry = await listed(created.id);
    expect(entry).not.toHaveProperty('key');
    expect(entry).not.toHaveProperty('hash');
    expect(entry.usage.today.requests).toBe(3);
    expect(entry.usage.today.promptTokens).toBeGreaterThan(0);
    expect(entry.usage.today.completionTokens).toBeGreaterThan(0);
    expect(entry.usage.last30Days.requests).toBe(3);
    expect(entry.usage.lastUsedAt).toBe(new Date(clock.time).toISOString());

    const revoked = await adminItem('DELETE', created.id, undefined, bearer(), instances[1]);
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    markCalls();
    for (const gateway of instances) {
      const refused = await chat(gateway, created.key);
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatchObject({ code: 'invalid_api_key', type: 'authentication_error' });
    }
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    expect(newCalls()).toBe(0);
    expect((await listed(created.id)).revokedAt).toBeDefined();
    expect((await adminItem('DELETE', 'key_0000000000000000')).status).toBe(404);
    expect((await adminItem('PATCH', 'key_0000000000000000', { rpm: 3 })).status).toBe(404);
  });

  it('refuses a model outside its allow-list with 403 model_not_allowed before aliases and any upstream call, in the Anthropic shape on /v1/messages, and on /v1/embeddings', async () => {
    const { key, id } = await createKey({ name: 'bob', models: ['chat-a'] });
    expect((await chat(instances[1]!, key)).status).toBe(200);
    markCalls();

    const refused = await chat(instances[2]!, key, { model: 'chat-b' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'model_not_allowed', type: 'permission_error', param: 'model' });
    const anthropic = await routes(instances[0]!).messages.POST(
      new Request('http://gateway.test/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
      }),
    );
    await instances[0]!.settle();
    expect(anthropic.status).toBe(403);
    const anthropicBody = (await anthropic.json()) as Record<string, any>;
    expect(anthropicBody).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(anthropicBody.error.message).toContain('claude-sonnet-4-5');
    expect(newCalls()).toBe(0);
    const embeddingsBefore = upstream.counters.embeddings;
    const embedded = await routes(instances[1]!).embeddings.POST(
      new Request('http://gateway.test/v1/embeddings', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ model: 'chat-b', input: 'hi' }) }),
    );
    await instances[1]!.settle();
    expect(embedded.status).toBe(403);
    expect(await embedded.json()).toMatchObject({ error: { code: 'model_not_allowed' } });
    expect(upstream.counters.embeddings).toBe(embeddingsBefore);

    const patched = await adminItem('PATCH', id, { models: null });
    expect(patched.status).toBe(200);
    expect(await patched.json()).not.toHaveProperty('models');
    expect((await chat(instances[2]!, key, { model: 'chat-b' })).status).toBe(200);
  });

  it('applies its own rpm: 429 rate_limit_exceeded with Retry-After', async () => {
    const { key } = await createKey({ name: 'rpm', rpm: 2 });
    expect((await chat(instances[0]!, key)).status).toBe(200);
    expect((await chat(instances[1]!, key)).status).toBe(200);
    markCalls();
    const refused = await chat(instances[2]!, key);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limit_exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(newCalls()).toBe(0);
  });

  it('answers 429 insufficient_quota once its daily tokens are spent, and works again the next UTC day', async () => {
    const dailyTokens = 5000;
    const { key, id } = await createKey({ name: 'quota', dailyTokens });
    const long = 'lorem ipsum dolor sit amet '.repeat(60);
    const first = await chat(instances[0]!, key, { messages: [{ role: 'user', content: long }] });
    expect(first.status).toBe(200);
    const { today } = (await listed(id)).usage;
    const used = today.promptTokens + today.completionTokens;
    expect(used).toBeGreaterThan(100);

    // What is left, plus the prompt: more than the quota holds.
    markCalls();
    const tooMuch = { messages: [{ role: 'user', content: 'hello' }], max_tokens: dailyTokens - used };
    const refused = await chat(instances[1]!, key, tooMuch);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_quota' });
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(newCalls()).toBe(0);
    // A request that fits still goes.
    expect((await chat(instances[2]!, key, { max_tokens: 20 })).status).toBe(200);

    clock.time += 24 * 3_600_000;
    expect((await chat(instances[1]!, key, tooMuch)).status).toBe(200);
    const after = (await listed(id)).usage;
    expect(after.today.requests).toBe(1);
    expect(after.last30Days.requests).toBe(3);
  });

  it('answers 401 api_key_expired from its expiresAt on', async () => {
    const { key, id } = await createKey({ name: 'short-lived', expiresAt: new Date(clock.time + 60_000).toISOString() });
    expect((await chat(instances[0]!, key)).status).toBe(200);
    clock.time += 61_000;
    markCalls();
    const refused = await chat(instances[1]!, key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('api_key_expired');
    expect(newCalls()).toBe(0);
    expect((await adminItem('PATCH', id, { expiresAt: null })).status).toBe(200);
    expect((await chat(instances[2]!, key)).status).toBe(200);
  });

  it('an unknown key is refused with 401 invalid_api_key', async () => {
    const refused = await chat(instances[0]!, 'sk-nobody-knows-this-key');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');
  });
});

describe('errors per day', () => {
  it('counts a request that failed upstream in the day\'s errors (one settle, no extra command), in the list and its days', async () => {
    const { key, id } = await createKey({ name: 'flaky' });
    expect((await chat(instances[0]!, key)).status).toBe(200);
    upstream.setFault('status-500');
    try {
      expect((await chat(instances[1]!, key)).status).toBeGreaterThanOrEqual(500);
    } finally {
      upstream.setFault(undefined);
    }
    // A request refused by the key's own limits is not the key's error: a 400 neither.
    expect((await chat(instances[2]!, key, { messages: 'not a list' })).status).toBe(400);
    const { usage } = await listed(id);
    expect(usage.today).toMatchObject({ requests: 2, errors: 1 });
    expect(usage.last30Days).toMatchObject({ requests: 2, errors: 1 });
    expect(usage.days).toEqual([{ day: new Date(clock.time).toISOString().slice(0, 10), requests: 2, promptTokens: usage.today.promptTokens, completionTokens: usage.today.completionTokens, errors: 1 }]);
    // The recent list names the key by id (the 400 too), with the tokens charged to it (none for the 400).
    const recent = (await resp.send(['LRANGE', 'xipu-gw:metrics:recent', '0', '9'])) as Buffer[];
    const mine = recent.map((entry) => JSON.parse(entry.toString()) as Record<string, unknown>).filter((entry) => entry.keyId === id);
    expect(mine.map((entry) => entry.status)).toEqual([400, expect.any(Number), 200]);
    expect(Number(mine[1]!.status)).toBeGreaterThanOrEqual(500);
    expect(mine[0]).not.toHaveProperty('promptTokens');
    expect(mine[2]).toMatchObject({ client: 'flaky', promptTokens: expect.any(Number), completionTokens: expect.any(Number) });
    expect(Number(mine[2]!.completionTokens)).toBeGreaterThan(0);
  });

  it('reads a usage hash written before errors were counted as 0 errors', async () => {
    const { id } = await createKey({ name: 'from-before' });
    const day = new Date(clock.time).toISOString().slice(0, 10);
    await resp.send(['HSET', `xipu-gw:keys:${id}:usage`, `${day}:requests`, '4', `${day}:prompt`, '40', `${day}:completion`, '8', 'lastUsedAt', String(clock.time)]);
    const { usage } = await listed(id);
    expect(usage.today).toEqual({ requests: 4, promptTokens: 40, completionTokens: 8, errors: 0 });
  });

  it('the list costs two Redis commands whatever the number of keys', async () => {
    const before = (await (await adminList()).json()) as { data: Array<{ source: string }> };
    expect(before.data.filter((entry) => entry.source === 'store').length).toBeGreaterThan(5);
    redis.resetCount();
    expect((await adminList()).status).toBe(200);
    expect(redis.commandCount()).toBe(2);
  });
});

describe('/v1/models with an allow-list', () => {
  const models = async (key: string, headers: Record<string, string> = {}) => {
    const response = await instances[0]!.routes.models.GET(new Request('http://gateway.test/v1/models', { headers: { authorization: `Bearer ${key}`, ...headers } }));
    expect(response.status).toBe(200);
    return (await response.json()) as { data: Array<{ id: string; owned_by?: string }> };
  };
  const model = (key: string, id: string) =>
    instances[1]!.routes.model.GET(new Request(`http://gateway.test/v1/models/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({ id: [id] }) });

  it('lists exactly the allowed ids served (an alias under its own name), and 404s the others by id', async () => {
    const { key } = await createKey({ name: 'listing', models: ['team-model', 'chat-a', 'nothing-serves-this'] });
    const listedModels = await models(key);
    expect(listedModels.data.map((entry) => [entry.id, entry.owned_by])).toEqual([['team-model', 'lab'], ['chat-a', 'lab']]);
    const anthropic = (await models(key, { 'anthropic-version': '2023-06-01' })) as unknown as { data: Array<{ id: string }> };
    expect(anthropic.data.map((entry) => entry.id)).toEqual(['team-model', 'chat-a']);
    expect((await model(key, 'chat-a')).status).toBe(200);
    expect(await (await model(key, 'team-model')).json()).toMatchObject({ id: 'team-model', object: 'model', owned_by: 'lab' });
    for (const outside of ['chat-b', 'nothing-serves-this']) {
      const refused = await model(key, outside);
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ error: { code: 'model_not_found' } });
    }
  });

  it('a key without an allow-list and an API_KEYS key see every model, as before', async () => {
    const { key } = await createKey({ name: 'no-list' });
    const everything = (await models(ENV_KEY)).data.map((entry) => entry.id);
    expect(everything).toEqual(expect.arrayContaining(['chat-a', 'chat-b', 'claude-sonnet-4-5']));
    expect(everything).not.toContain('team-model');
    expect((await models(key)).data.map((entry) => entry.id)).toEqual(everything);
    expect((await model(ENV_KEY, 'chat-b')).status).toBe(200);
  });
});

describe('API_KEYS beside managed keys', () => {
  it('still work, and are listed read-only by name', async () => {
    expect((await chat(instances[0]!, ENV_KEY)).status).toBe(200);
    const { data } = (await (await adminList()).json()) as { data: Array<Record<string, unknown>> };
    expect(data.filter((entry) => entry.source === 'environment')).toEqual([{ name: 'env-user', source: 'environment', readOnly: true }]);
    expect(JSON.stringify(data)).not.toContain(ENV_KEY);
  });
});

describe('the admin API', () => {
  it('refuses a missing or wrong bearer with 401', async () => {
    for (const headers of [{}, bearer('wrong'), { authorization: ADMIN_PASSWORD }]) {
      expect((await adminList(headers)).status).toBe(401);
      expect((await adminPost({ name: 'x' }, headers)).status).toBe(401);
      expect((await adminItem('DELETE', 'key_0000000000000000', undefined, headers)).status).toBe(401);
    }
  });

  it('takes the /admin session cookie, but refuses a cookie POST from another origin', async () => {
    const session = await createAdminSession({ password: ADMIN_PASSWORD, now: clock.time, secure: false });
    const cookie = { cookie: `${session.name}=${session.value}` };
    expect((await adminList(cookie)).status).toBe(200);
    const crossSite = await adminPost({ name: 'csrf' }, { ...cookie, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: { code: 'cross_site_request_refused' } });
    expect((await adminPost({ name: 'csrf' }, { ...cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await adminItem('DELETE', 'key_0000000000000000', undefined, { ...cookie, origin: 'https://evil.example' })).status).toBe(403);
    const sameOrigin = await adminPost({ name: 'from-the-page' }, { ...cookie, origin: 'http://gateway.test' });
    expect(sameOrigin.status).toBe(201);
    created.push(((await sameOrigin.json()) as { key: string }).key);
  });

  it.each([
    ['no name', {}, 'name'],
    ['an unknown field', { name: 'x', colour: 'red' }, 'colour'],
    ['a bad expiry', { name: 'x', expiresAt: 'tomorrow' }, 'expiresAt'],
    ['a negative rpm', { name: 'x', rpm: -1 }, 'rpm'],
    ['an empty allow-list', { name: 'x', models: [] }, 'models'],
  ])('answers 400 to %s', async (_label, body, field) => {
    const response = await adminPost(body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { message: string; code: string } };
    expect(json.error.code).toBe('invalid_key_settings');
    expect(json.error.message).toContain(field);
  });

  it('answers 400 to invalid JSON and to an empty PATCH', async () => {
    expect((await adminPost('{"name":')).status).toBe(400);
    const { id } = await createKey({ name: 'patch-me' });
    expect((await adminItem('PATCH', id, {})).status).toBe(400);
  });
});

describe('storage', () => {
  it('holds no key text anywhere in Redis, and none was logged', async () => {
    expect(created.length).toBeGreaterThan(3);
    const dump = await dumpRedis(resp);
    expect(dump).toContain('xipu-gw:keys:by-hash');
    for (const key of [...created, ENV_KEY]) {
      expect(dump).not.toContain(key);
      // Not even its random part (without "sk-").
      expect(dump).not.toContain(key.slice(3));
    }
    const logText = logged.join('\n');
    expect(logText.length).toBeGreaterThan(0);
    for (const key of created) expect(logText).not.toContain(key.slice(3));
  });
});
