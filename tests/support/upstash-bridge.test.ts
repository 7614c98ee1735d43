import { createHash, randomUUID } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startUpstashBridge, type UpstashBridge } from './upstash-bridge';

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

describe('Upstash REST bridge', () => {
  let bridge: UpstashBridge;
  let prefix: string;

  beforeAll(async () => {
    // Its own bridge on the shared redis-server, so its command count is its own.
    bridge = await startUpstashBridge({ redisPort: inject('redisPort'), token: 'bridge-test-token' });
  });
  afterAll(async () => {
    await bridge.close();
  });
  beforeEach(() => {
    prefix = `bridge-test:${randomUUID()}:`;
  });

  async function post(path: string, body: unknown, options: { encoding?: boolean; token?: string } = {}) {
    const response = await fetch(`${bridge.url}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.token ?? bridge.token}`,
        'Content-Type': 'application/json',
        ...(options.encoding === false ? {} : { 'Upstash-Encoding': 'base64' }),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('answers a single command, base64-encoding strings only when asked', async () => {
    const key = `${prefix}greeting`;
    const value = '你好，世界 😀';
    expect(await post('/', ['set', key, value])).toEqual({ status: 200, body: { result: base64('OK') } });
    expect(await post('/', ['get', key])).toEqual({ status: 200, body: { result: base64(value) } });
    expect(await post('/', ['get', key], { encoding: false })).toEqual({ status: 200, body: { result: value } });
    expect(await post('/', ['get', `${prefix}missing`])).toEqual({ status: 200, body: { result: null } });
  });

  it('stringifies numbers and booleans before they reach Redis', async () => {
    const key = `${prefix}number`;
    await post('/', ['set', key, 12, 'px', 60_000]);
    expect(await post('/', ['incrby', key, 30])).toEqual({ status: 200, body: { result: 42 } });
    await post('/', ['set', `${prefix}flag`, true]);
    expect(await post('/', ['get', `${prefix}flag`], { encoding: false })).toMatchObject({ body: { result: 'true' } });
  });

  it('encodes every string at every depth of a nested reply, keeping numbers and nulls', async () => {
    const script = 'return {"a", {"b", 7, {"c"}}, 3}';
    expect(await post('/', ['eval', script, 0])).toEqual({
      status: 200,
      body: { result: [base64('a'), [base64('b'), 7, [base64('c')]], 3] },
    });
    await post('/', ['hset', `${prefix}h`, 'f', 'null']);
    expect(await post('/', ['hmget', `${prefix}h`, 'f', 'missing'])).toEqual({
      status: 200,
      body: { result: [base64('null'), null] },
    });
  });

  it('answers a pipeline with one result or error per command', async () => {
    const key = `${prefix}p`;
    expect(await post('/pipeline', [['set', key, '1'], ['incr', key], ['hget', key, 'x'], ['get', key]])).toEqual({
      status: 200,
      body: [
        { result: base64('OK') },
        { result: 2 },
        { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' },
        { result: base64('2') },
      ],
    });
  });

  it('runs /multi-exec as one transaction', async () => {
    const key = `${prefix}t`;
    expect(await post('/multi-exec', [['set', key, '1'], ['incr', key], ['incr', key]])).toEqual({
      status: 200,
      body: [{ result: base64('OK') }, { result: 2 }, { result: 3 }],
    });
    const aborted = await post('/multi-exec', [['set', key, '1'], ['no-such-command']]);
    expect(aborted.status).toBe(400);
    expect(aborted.body).toMatchObject({ error: expect.stringMatching(/unknown command/i) });
    expect(await post('/', ['get', key], { encoding: false })).toMatchObject({ body: { result: '3' } });
  });

  it('answers errors unencoded with status 400, and NOSCRIPT verbatim', async () => {
    expect(await post('/', ['no-such-command'])).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^ERR unknown command/) },
    });
    expect(await post('/', ['evalsha', sha1(`return "${randomUUID()}"`), 0])).toEqual({
      status: 400,
      body: { error: 'NOSCRIPT No matching script. Please use EVAL.' },
    });
  });

  it('refuses a wrong token', async () => {
    expect(await post('/', ['ping'], { token: 'wrong' })).toEqual({ status: 401, body: { error: 'Unauthorized' } });
  });

  it('strips a #!lua shebang and maps EVALSHA of the original script to the stripped one', async () => {
    const script = `#!lua flags=allow-key-locking\nreturn "${randomUUID()}"`;
    const original = sha1(script);
    expect(await post('/', ['evalsha', original, 0])).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^NOSCRIPT/) },
    });
    const evaluated = await post('/', ['eval', script, 0], { encoding: false });
    expect(evaluated.status).toBe(200);
    expect(await post('/', ['evalsha', original, 0], { encoding: false })).toEqual(evaluated);

    const loaded = `#!lua flags=allow-key-locking\nreturn 5`;
    expect(await post('/', ['script', 'load', loaded], { encoding: false })).toEqual({
      status: 200,
      body: { result: sha1('return 5') },
    });
    expect(await post('/', ['evalsha', sha1(loaded), 0])).toEqual({ status: 200, body: { result: 5 } });
  });

  it('serves @upstash/ratelimit, whose scripts carry the shebang', async () => {
    const redis = new Redis({ url: bridge.url, token: bridge.token, retry: false, enableTelemetry: false });
    const ratelimit = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(2, '1 h'),
      prefix: `${prefix}ratelimit`,
      ephemeralCache: false,
      timeout: 10_000,
    });
    const results = [];
    for (let call = 0; call < 3; call += 1) results.push(await ratelimit.limit('client'));
    expect(results.map(({ success, remaining, reason }) => ({ success, remaining, reason }))).toEqual([
      { success: true, remaining: 1, reason: undefined },
      { success: true, remaining: 0, reason: undefined },
      { success: false, remaining: 0, reason: undefined },
    ]);
  });

  it('round-trips values through @upstash/redis without deserialisation', async () => {
    const redis = new Redis({
      url: bridge.url,
      token: bridge.token,
      retry: false,
      enableTelemetry: false,
      automaticDeserialization: false,
    });
    const values = ['0123', 'null', '{"a":1}', '[1,2]', 'true', '你好，世界', '😀', '', 'OK'];
    await Promise.all(values.map((value, index) => redis.set(`${prefix}${index}`, value)));
    expect(await Promise.all(values.map((_, index) => redis.get(`${prefix}${index}`)))).toEqual(values);
  });

  it('counts every command, each one inside a pipeline or transaction, and not refused requests', async () => {
    bridge.resetCount();
    expect(bridge.commandCount()).toBe(0);
    await post('/', ['ping']);
    await post('/pipeline', [['ping'], ['ping'], ['ping']]);
    await post('/multi-exec', [['ping'], ['ping']]);
    await post('/', ['no-such-command']);
    await post('/', ['ping'], { token: 'wrong' });
    expect(bridge.commandCount()).toBe(7);
    bridge.resetCount();
    expect(bridge.commandCount()).toBe(0);
  });
});
