import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeActionResult } from '@/lib/admin/view/action-result';
import { createKeyHandler } from '@/lib/handlers/admin-keys';
import { routeSet } from '@/lib/handlers/route-set';
import { createManagedKey } from '@/lib/keys/create-managed-key';
import { listManagedKeys } from '@/lib/keys/list-managed-keys';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { captureConsole } from '../../support/capture-console';
import { dumpRedis } from '../../support/dump-redis';
import { connectResp, type RespClient } from '../../support/resp-client';
import { startRealRedisUpstash, type RealRedisUpstash } from '../../support/start-real-redis-upstash';
import { ADMIN_PASSWORD, GATEWAY_ORIGIN, resultParam, startAdminKit, type AdminKit } from '../admin-test-kit';

/**
 * The /admin key forms (create, change limits, revoke) through the admin action route, on one
 * real Redis behind the Upstash bridge: a new key is shown once on the POST's own answer and
 * nowhere else (headers, the redirect's result, Redis, the logs), the limits a form sets hold
 * on the next chat, a revoked key is refused, a cross-site or session-less post changes
 * nothing, and a form is judged by the JSON API's own validation.
 */
let redis: RealRedisUpstash;
let resp: RespClient;
let kit: AdminKit;
let cookie: string;
const logged: string[] = [];
const shown: string[] = [];

beforeAll(async () => {
  captureConsole(logged);
  redis = await startRealRedisUpstash();
  resp = await connectResp({ port: redis.redisPort });
  kit = await startAdminKit({ harness: { store: createUpstashStore({ url: redis.url, token: redis.token, retry: false }) } });
  cookie = await kit.signIn();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await kit?.close();
  await resp?.close();
  await redis?.close();
});

const EMPTY_FIELDS = { name: '', models: '', rpm: '', maxConcurrent: '', dailyTokens: '', expiresAt: '' };
/** The create form's fields as the page renders them: empty, with a fresh form id. */
const createForm = () => ({ ...EMPTY_FIELDS, formId: randomBytes(16).toString('base64url') });

/** What the page shows after a redirecting action. */
async function resultOf(response: Response) {
  expect(response.status).toBe(303);
  return decodeActionResult(resultParam(response), ADMIN_PASSWORD, Date.now());
}

/** Creates a key through the form; its id and the key read off the answer's page. */
async function createThroughForm(fields: Record<string, string>): Promise<{ response: Response; html: string; key: string; id: string }> {
  const response = await kit.post('create-key', { cookie, fields: { ...createForm(), ...fields } });
  const html = await response.text();
  expect(response.status, html).toBe(200);
  const key = /<output id="one-time-secret">(sk-[A-Za-z0-9_-]{32})<\/output>/.exec(html)?.[1];
  const id = /\((key_[0-9a-f]{16})\)/.exec(html)?.[1];
  if (!key || !id) throw new Error(`no key on the page: ${html}`);
  shown.push(key);
  return { response, html, key, id };
}

async function chat(key: string, model = 'gpt-4.1'): Promise<{ status: number; body: any }> {
  const response = await kit.harness.chat({ model, messages: [{ role: 'user', content: 'SIM-REPLY: hi' }] }, { headers: { authorization: `Bearer ${key}` } });
  const body = await response.json();
  await kit.harness.settle();
  return { status: response.status, body };
}

const recordOf = async (id: string) => (await listManagedKeys(kit.harness.store)).find((record) => record.id === id);

describe('create a key from the form', () => {
  it('shows the key once, on the answer itself: no redirect, nothing in a header; the key works', async () => {
    const { response, html, key, id } = await createThroughForm({ name: 'laptop', models: 'gpt-4.1, mock', rpm: '30', expiresAt: '2099-01-02T03:04' });
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    for (const [, value] of response.headers) expect(value).not.toContain(key.slice(3));
    expect(html.split(key)).toHaveLength(2);
    expect(html).toContain('the only time it is shown');
    expect(html).toContain('href="/admin#keys"');
    expect(await recordOf(id)).toMatchObject({ name: 'laptop', models: ['gpt-4.1', 'mock'], rpm: 30, expiresAt: '2099-01-02T03:04:00.000Z' });
    expect((await chat(key)).status).toBe(200);
  });

  it.each([
    ['no name', {}, { name: '' }, 'name'],
    ['a number that is not one', { name: 'x', rpm: 'many' }, { name: 'x', rpm: 'many' }, 'rpm'],
    ['a zero limit', { name: 'x', maxConcurrent: '0' }, { name: 'x', maxConcurrent: 0 }, 'maxConcurrent'],
    ['a bad expiry', { name: 'x', expiresAt: 'tomorrow' }, { name: 'x', expiresAt: 'tomorrow' }, 'expiresAt'],
  ])('refuses %s with the JSON API\'s own message, and creates nothing', async (_label, fields, json, field) => {
    const before = (await listManagedKeys(kit.harness.store)).length;
    const result = await resultOf(await kit.post('create-key', { cookie, fields: { ...createForm(), ...fields } }));
    const api = routeSet({ POST: createKeyHandler }, { ...kit.harness.routeOptions, authenticate: false });
    const answer = await api.POST(new Request(`${GATEWAY_ORIGIN}/api/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, 'content-type': 'application/json' }, body: JSON.stringify(json) }));
    const { error } = (await answer.json()) as { error: { message: string; param: string } };
    expect(answer.status).toBe(400);
    expect(error.param).toBe(field);
    expect(result).toMatchObject({ action: 'create-key', outcome: 'failed', message: `Not created: ${error.message}` });
    expect(result!.message).toContain(field);
    expect((await listManagedKeys(kit.harness.store)).length).toBe(before);
  });
});

describe('a create form sent twice (a reload of its answer)', () => {
  it('makes one key: the second answer is a redirect saying so, with no key; a form without its id makes none', async () => {
    const fields = { ...createForm(), name: 'reloaded' };
    const first = await kit.post('create-key', { cookie, fields });
    expect(first.status).toBe(200);
    shown.push(/(sk-[A-Za-z0-9_-]{32})/.exec(await first.text())![1]!);
    const before = (await listManagedKeys(kit.harness.store)).length;
    const again = await kit.post('create-key', { cookie, fields });
    expect(await resultOf(again)).toMatchObject({ outcome: 'info', message: expect.stringContaining('nothing new was created') });
    expect((await listManagedKeys(kit.harness.store)).length).toBe(before);
    const { formId: _formId, ...withoutId } = createForm();
    expect(await resultOf(await kit.post('create-key', { cookie, fields: { ...withoutId, name: 'no-id' } }))).toMatchObject({ outcome: 'failed', message: expect.stringContaining('form id') });
    expect((await listManagedKeys(kit.harness.store)).length).toBe(before);
  });
});

describe('change limits from the form', () => {
  it('rpm, then the allow-list, hold on the next chat; emptied fields remove them', async () => {
    const { key, id } = await createThroughForm({ name: 'tuned' });
    const save = (fields: Record<string, string>) => kit.post('update-key', { cookie, fields: { ...EMPTY_FIELDS, id, name: 'tuned', ...fields } });
    expect(await resultOf(await save({ rpm: '1' }))).toMatchObject({ outcome: 'ok', message: expect.stringContaining('rpm 1') });
    expect((await chat(key)).status).toBe(200);
    const limited = await chat(key);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');

    expect(await resultOf(await save({ models: 'mock' }))).toMatchObject({ outcome: 'ok' });
    const refused = await chat(key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('model_not_allowed');
    expect(await recordOf(id)).toMatchObject({ models: ['mock'] });
    expect(await recordOf(id)).not.toHaveProperty('rpm');

    expect(await resultOf(await save({}))).toMatchObject({ outcome: 'ok', message: expect.stringContaining('models any, rpm RATE_LIMIT_RPM') });
    expect(await recordOf(id)).not.toHaveProperty('models');
    expect((await chat(key)).status).toBe(200);
  });

  it('a bad value, an unknown id or no id: a failed result, nothing changed', async () => {
    const { id } = await createThroughForm({ name: 'steady', rpm: '7' });
    const before = await recordOf(id);
    const attempts: Array<Record<string, string>> = [{ id, name: 'steady', rpm: '-3' }, { id, name: '' }, { id: 'key_0000000000000000', name: 'x' }, { name: 'x' }, { id: 'key_../../x', name: 'x' }];
    for (const fields of attempts) {
      expect(await resultOf(await kit.post('update-key', { cookie, fields: { ...EMPTY_FIELDS, ...fields } }))).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/^Not saved: /) });
    }
    expect(await recordOf(id)).toEqual(before);
  });
});

describe('revoke from the form', () => {
  it('the next chat with the key is refused with 401', async () => {
    const { key, id } = await createThroughForm({ name: 'leaving' });
    expect((await chat(key)).status).toBe(200);
    expect(await resultOf(await kit.post('revoke-key', { cookie, fields: { id } }))).toMatchObject({ outcome: 'ok', message: expect.stringContaining('Revoked') });
    const refused = await chat(key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');
    expect((await recordOf(id))?.revokedAt).toBeDefined();
    expect(await resultOf(await kit.post('revoke-key', { cookie, fields: { id: 'key_0000000000000000' } }))).toMatchObject({ outcome: 'failed' });
  });
});

describe('refused posts change nothing', () => {
  it.each([
    ['another site', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, 403],
    ['no Origin nor Sec-Fetch-Site', { origin: '', 'sec-fetch-site': '' }, 403],
  ])('from %s, even with a valid session: 403 for create, update and revoke', async (_label, headers, status) => {
    const { record, key } = await createManagedKey(kit.harness.store, { name: 'target' }, Date.now());
    shown.push(key);
    const before = await listManagedKeys(kit.harness.store);
    for (const [action, fields] of [
      ['create-key', { ...createForm(), name: 'csrf' }],
      ['update-key', { ...EMPTY_FIELDS, id: record.id, name: 'csrf', rpm: '1' }],
      ['revoke-key', { id: record.id }],
    ] as const) {
      const response = await kit.post(action, { cookie, headers, fields });
      expect(response.status).toBe(status);
      expect(await response.text()).toContain('cross-site');
    }
    expect(await listManagedKeys(kit.harness.store)).toEqual(before);
    expect((await chat(key)).status).toBe(200);
  });

  it('without a session: 401, nothing created', async () => {
    const before = (await listManagedKeys(kit.harness.store)).length;
    expect((await kit.post('create-key', { fields: { ...createForm(), name: 'anonymous' } })).status).toBe(401);
    expect((await listManagedKeys(kit.harness.store)).length).toBe(before);
  });
});

describe('secrets', () => {
  it('no key shown by a form is anywhere in Redis or in a log line', async () => {
    expect(shown.length).toBeGreaterThan(4);
    const dump = await dumpRedis(resp);
    expect(dump).toContain('xipu-gw:keys:by-hash');
    const logText = logged.join('\n');
    expect(logText).toContain('admin_action');
    for (const key of shown) {
      expect(dump).not.toContain(key.slice(3));
      expect(logText).not.toContain(key.slice(3));
    }
  });
});
