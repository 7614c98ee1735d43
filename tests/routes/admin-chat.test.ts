import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminSession } from '@/lib/admin/access/admin-session';
import { adminChat, type AdminChatTimings } from '@/lib/handlers/admin-chat';
import { createKeyHandler, listKeysHandler, revokeKeyHandler } from '@/lib/handlers/admin-keys';
import { routeSet } from '@/lib/handlers/route-set';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { contentOf, dataOf, parseSseText, readUntilFirstContent, reasoningOf, type SseEvent } from '../support/read-sse';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { until } from '../support/until';

/**
 * POST /api/admin/chat (lib/handlers/admin-chat.ts) against the simulator: the admin's auth
 * as /api/admin/keys, the chat run as the key the admin names — its allow-list, limits and
 * usage — the streamed Chat Completions chunks with the reasoning apart, the timings event
 * after them, bad input answered before any upstream call, and a disconnect that stops the
 * upstream stream.
 */
const ADMIN_PASSWORD = 'admin-chat-test-password';
const ENV_KEY = 'sk-env-laptop-key-0123456789';
const ORIGIN = 'http://gateway.test';
const bearer = { authorization: `Bearer ${ADMIN_PASSWORD}` };
const user = (content: string) => [{ role: 'user', content }];

let gateway: GatewayHarness;
let routes: { chat: ReturnType<typeof routeSet>; keys: ReturnType<typeof routeSet>; key: ReturnType<typeof routeSet> };

beforeEach(async () => {
  gateway = await startGatewayHarness({ environment: { ADMIN_PASSWORD, API_KEYS: `laptop:${ENV_KEY}` } });
  const options = { ...gateway.routeOptions, authenticate: false };
  routes = {
    chat: routeSet({ POST: adminChat }, options),
    keys: routeSet({ GET: listKeysHandler, POST: createKeyHandler }, options),
    key: routeSet({ DELETE: revokeKeyHandler }, options),
  };
});
afterEach(async () => {
  await gateway?.close();
});

function postChat(body: unknown, headers: Record<string, string> = bearer, signal?: AbortSignal): Promise<Response> {
  return routes.chat.POST(
    new Request(`${ORIGIN}/api/admin/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal,
    }),
  );
}

async function createKey(settings: Record<string, unknown>): Promise<string> {
  const response = await routes.keys.POST(
    new Request(`${ORIGIN}/api/admin/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer }, body: JSON.stringify(settings) }),
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function listedUsage(id: string): Promise<{ requests: number; promptTokens: number; completionTokens: number }> {
  const response = await routes.keys.GET(new Request(`${ORIGIN}/api/admin/keys`, { headers: bearer }));
  const { data } = (await response.json()) as { data: Array<{ id?: string; usage?: { today: { requests: number; promptTokens: number; completionTokens: number } } }> };
  return data.find((entry) => entry.id === id)!.usage!.today;
}

/** The chat's own events, and the timings event after them (a two-line event the chunk parser does not take). */
async function readAdminChat(response: Response): Promise<{ events: SseEvent[]; timings: AdminChatTimings; text: string }> {
  const text = await response.text();
  const marker = 'event: timings\ndata: ';
  const at = text.lastIndexOf(marker);
  expect(at, text).toBeGreaterThan(0);
  expect(text.endsWith('\n\n')).toBe(true);
  const timings = JSON.parse(text.slice(at + marker.length, -2)) as AdminChatTimings;
  return { events: parseSseText(text.slice(0, at)), timings, text };
}

const upstreamCalls = () => {
  const { calls } = gateway.simulator.state();
  return calls.saveSession + calls.completions;
};

describe('POST /api/admin/chat: who may use it', () => {
  it('without the admin password or session: 401, nothing sent upstream', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-password' }, { authorization: `Bearer ${ENV_KEY}` }];
    for (const headers of attempts) {
      const response = await postChat({ model: 'gpt-4.1', messages: user('hello') }, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_admin_credentials', type: 'authentication_error' } });
    }
    await gateway.settle();
    expect(upstreamCalls()).toBe(0);
  });

  it('takes the /admin session cookie from this origin, and refuses it from another with 403 cross_site_request_refused', async () => {
    const session = await createAdminSession({ password: ADMIN_PASSWORD, now: Date.now(), secure: false });
    const cookie = { cookie: `${session.name}=${session.value}` };
    const crossSite = await postChat({ model: 'gpt-4.1', messages: user('SIM-REPLY: no') }, { ...cookie, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ error: { code: 'cross_site_request_refused' } });
    const noProof = await postChat({ model: 'gpt-4.1', messages: user('SIM-REPLY: no') }, cookie);
    expect(noProof.status).toBe(403);
    await noProof.body?.cancel();
    expect(upstreamCalls()).toBe(0);

    const sameOrigin = await postChat({ model: 'gpt-4.1', messages: user('SIM-REPLY: from the page') }, { ...cookie, origin: ORIGIN });
    expect(sameOrigin.status).toBe(200);
    expect(contentOf((await readAdminChat(sameOrigin)).events)).toBe('from the page');
    await gateway.settle();
  });
});

describe('POST /api/admin/chat: the answer', () => {
  it('streams Chat Completions chunks, then [DONE], then the timings event (queue wait, upstream first byte)', async () => {
    const response = await postChat({ model: 'gpt-4.1', messages: user('SIM-REPLY: Hello from the simulator') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const { events, timings } = await readAdminChat(response);
    expect(contentOf(events)).toBe('Hello from the simulator');
    expect(events.at(-1)).toEqual({ kind: 'done' });
    const chunks = dataOf(events);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.length).toBeGreaterThan(3);
    // Always with usage (the panel's request asks for it).
    expect(chunks.at(-1).usage.completion_tokens).toBeGreaterThan(0);
    // saveSession and completions each took a turn in the account's schedule (the pool is off).
    expect(timings.turns).toBe(2);
    expect(timings.queueWaitMs).toBeGreaterThanOrEqual(0);
    expect(timings.upstreamFirstByteMs).toBeGreaterThan(0);
    await gateway.settle();
    const [record] = await readRecentRequests(gateway.store, 1);
    expect(record).toMatchObject({ client: 'admin', model: 'gpt-4.1', status: 200, stream: true });
  });

  it('the queue wait counts the time spent waiting for the schedule (a gap of 400 ms between saveSession and completions)', async () => {
    await gateway.close();
    gateway = await startGatewayHarness({ environment: { ADMIN_PASSWORD, UPSTREAM_MIN_GAP_MS: '400' } });
    routes.chat = routeSet({ POST: adminChat }, { ...gateway.routeOptions, authenticate: false });
    const { timings } = await readAdminChat(await postChat({ model: 'gpt-4.1', messages: user('SIM-REPLY: paced') }));
    expect(timings.turns).toBe(2);
    expect(timings.queueWaitMs).toBeGreaterThanOrEqual(300);
    expect(timings.upstreamFirstByteMs).toBeGreaterThanOrEqual(timings.queueWaitMs);
    await gateway.settle();
  });

  it('a reasoning model: the reasoning arrives apart, as reasoning_content', async () => {
    const { events } = await readAdminChat(await postChat({ model: 'DeepSeek-R1', messages: user('SIM-REPLY: 42') }));
    expect(contentOf(events)).toBe('42');
    expect(reasoningOf(events).length).toBeGreaterThan(0);
    expect(contentOf(events)).not.toContain('<think>');
    await gateway.settle();
  });

  it('a client disconnect mid-stream stops the upstream stream and deletes the session', async () => {
    const controller = new AbortController();
    const response = await postChat({ model: 'gpt-4.1', messages: user('SIM-DELAY: 20\nSIM-LONG: 400') }, bearer, controller.signal);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await readUntilFirstContent(reader);
    controller.abort();
    await reader.cancel();
    await gateway.settle();
    await until(() => gateway.simulator.state().openStreams === 0, 'the upstream stream to close');
    expect(gateway.simulator.state().abortedStreams).toBe(1);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
    const [record] = await readRecentRequests(gateway.store, 1);
    expect(record).toMatchObject({ client: 'admin', status: 499, error: 'client_closed_request' });
  });
});

describe('POST /api/admin/chat: bad input → 400 in OpenAI error shape, nothing sent upstream', () => {
  it.each([
    ['not JSON', '{"model":', null],
    ['an array', '[]', null],
    ['no messages', { model: 'gpt-4.1' }, 'messages'],
    ['no model', { messages: user('hello') }, 'model'],
    ['a message without content', { model: 'gpt-4.1', messages: [{ role: 'user' }] }, 'messages[0].content'],
    ['keyId not a string', { model: 'gpt-4.1', messages: user('hello'), keyId: 7 }, 'keyId'],
    ['keyId empty', { model: 'gpt-4.1', messages: user('hello'), keyId: '  ' }, 'keyId'],
  ])('%s', async (_what, body, param) => {
    const response = await postChat(body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { type: string; param: string | null; message: string } };
    expect(json.error.type).toBe('invalid_request_error');
    if (param !== null) expect(json.error.param).toBe(param);
    expect(json.error.message.length).toBeGreaterThan(0);
    await gateway.settle();
    expect(upstreamCalls()).toBe(0);
  });
});

describe('POST /api/admin/chat: as a chosen key, by name', () => {
  it("a managed key's allow-list: 403 model_not_allowed, nothing sent upstream", async () => {
    const id = await createKey({ name: 'only-mock', models: ['mock'] });
    const response = await postChat({ model: 'gpt-4.1', messages: user('hello'), keyId: id });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'model_not_allowed', type: 'permission_error' } });
    await gateway.settle();
    expect(upstreamCalls()).toBe(0);
    const [record] = await readRecentRequests(gateway.store, 1);
    expect(record).toMatchObject({ client: 'only-mock', status: 403, error: 'model_not_allowed' });
  });

  it("a managed key's usage is counted to it (GET /api/admin/keys), and its rpm applies", async () => {
    const id = await createKey({ name: 'alice', rpm: 1 });
    const { events } = await readAdminChat(await postChat({ model: 'gpt-4.1', messages: user('SIM-REPLY: as alice'), keyId: id }));
    expect(contentOf(events)).toBe('as alice');
    await gateway.settle();
    const usage = await listedUsage(id);
    expect(usage.requests).toBe(1);
    expect(usage.promptTokens).toBeGreaterThan(0);
    expect(usage.completionTokens).toBeGreaterThan(0);
    const [record] = await readRecentRequests(gateway.store, 1);
    expect(record).toMatchObject({ client: 'alice', status: 200 });

    const before = upstreamCalls();
    const second = await postChat({ model: 'gpt-4.1', messages: user('again'), keyId: id });
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    await gateway.settle();
    expect(upstreamCalls()).toBe(before);
    expect((await listedUsage(id)).requests).toBe(1);
  });

  it('an API_KEYS entry by its name: the chat runs as that key (its name in the metrics record), the key text never sent', async () => {
    const { events } = await readAdminChat(await postChat({ model: 'gpt-4.1', messages: user('SIM-REPLY: as the laptop'), keyId: 'laptop' }));
    expect(contentOf(events)).toBe('as the laptop');
    await gateway.settle();
    const [record] = await readRecentRequests(gateway.store, 1);
    expect(record).toMatchObject({ client: 'laptop', status: 200 });
  });

  it("a revoked key answers its own error (401 invalid_api_key); an unknown one 404 key_not_found; nothing sent upstream", async () => {
    const id = await createKey({ name: 'bob' });
    const revoked = await routes.key.DELETE(new Request(`${ORIGIN}/api/admin/keys/${id}`, { method: 'DELETE', headers: bearer }), { params: Promise.resolve({ id }) });
    expect(revoked.status).toBe(200);
    const refused = await postChat({ model: 'gpt-4.1', messages: user('hello'), keyId: id });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    for (const keyId of ['key_0000000000000000', 'nobody']) {
      const unknown = await postChat({ model: 'gpt-4.1', messages: user('hello'), keyId });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'key_not_found', param: 'keyId' } });
    }
    await gateway.settle();
    expect(upstreamCalls()).toBe(0);
  });

  it('an expired key answers 401 api_key_expired', async () => {
    const id = await createKey({ name: 'carol', expiresAt: new Date(Date.now() - 1_000).toISOString() });
    const response = await postChat({ model: 'gpt-4.1', messages: user('hello'), keyId: id });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'api_key_expired' } });
    await gateway.settle();
    expect(upstreamCalls()).toBe(0);
  });
});
