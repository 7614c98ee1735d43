import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * Bad input gets a clear OpenAI-style error with its real status — never a 500, never an
 * upstream call.
 */
let gateway: GatewayHarness;
beforeAll(async () => {
  gateway = await startGatewayHarness({ environment: { MAX_REQUEST_BYTES: '2048' } });
});
afterAll(async () => {
  await gateway.close();
});

const post = (body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  gateway.routes.chat.POST(new Request('http://gateway.test/v1/chat/completions', { method: 'POST', headers, body }));

async function expectOpenAIError(response: Response, status: number, expected: { code?: string | null; param?: string | null } = {}) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  const body = await response.json();
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  if (expected.code !== undefined) expect(body.error.code).toBe(expected.code);
  if (expected.param !== undefined) expect(body.error.param).toBe(expected.param);
  return body;
}

describe('bad chat requests', () => {
  it.each([
    ['invalid JSON', '{"model": "gpt-4.1", "messages": [', 'invalid_json', null],
    ['an empty body', '', 'invalid_json', null],
    ['a JSON array', '[]', undefined, undefined],
    ['missing messages', JSON.stringify({ model: 'gpt-4.1' }), undefined, 'messages'],
    ['empty messages', JSON.stringify({ model: 'gpt-4.1', messages: [] }), undefined, 'messages'],
    ['missing model', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }), undefined, 'model'],
    ['a wrongly typed temperature', JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' }), undefined, 'temperature'],
    ['an unknown role', JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'wizard', content: 'hi' }] }), undefined, 'messages[0].role'],
    ['an image part', JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }), 'unsupported_content', 'messages[0].content[1]'],
    ['n > 1', JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], n: 3 }), undefined, 'n'],
  ])('%s → 400', async (_label, body, code, param) => {
    await expectOpenAIError(await post(body), 400, { code, param });
  });

  it('a wrong content type → 400', async () => {
    await expectOpenAIError(await post('model=gpt-4.1', { 'content-type': 'application/x-www-form-urlencoded' }), 400, {
      code: 'invalid_content_type',
    });
  });

  it('an oversized body → 413, declared or not', async () => {
    const big = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x'.repeat(5_000) }] });
    await expectOpenAIError(await post(big), 413, { code: 'request_too_large' });
    const streamed = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const response = await gateway.routes.chat.POST(
      new Request('http://gateway.test/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: streamed,
        duplex: 'half',
      } as RequestInit),
    );
    await expectOpenAIError(response, 413, { code: 'request_too_large' });
  });

  it('a wrong method → 405', async () => {
    const response = await gateway.routes.chat.GET(new Request('http://gateway.test/v1/chat/completions'));
    await expectOpenAIError(response, 405, { code: 'method_not_allowed' });
  });

  it('an unknown path under /v1 → 404', async () => {
    await expectOpenAIError(await gateway.routes.unknown.POST(new Request('http://gateway.test/v1/embeddingz', { method: 'POST' })), 404, {
      code: 'unknown_url',
    });
  });

  it('/v1/responses with a bad body → its own 400 (tests/routes/responses-bad-input.test.ts has the rest)', async () => {
    const response = await gateway.routes.responses.POST(
      new Request('http://gateway.test/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    );
    await expectOpenAIError(response, 400, { param: 'model' });
  });

  it('made no upstream call for any of them', () => {
    const { calls } = gateway.simulator.state();
    expect(calls).toEqual({ saveSession: 0, completions: 0, delSession: 0 });
  });
});

describe('accepted oddities', () => {
  it('accepts nulls, empty tools and unknown fields (client-compat §10)', async () => {
    const response = await post(
      JSON.stringify({
        model: 'gpt-4.1',
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: [{ type: 'text', text: 'SIM-REPLY: fine', cache_control: { type: 'ephemeral' } }] },
        ],
        stop: null,
        max_tokens: null,
        tools: [],
        temperature: null,
        stream_options: null,
        reasoning_effort: 'high',
        parallel_tool_calls: true,
        metadata: { a: 1 },
        store: false,
        enable_thinking: true,
      }),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe('fine');
    await gateway.settle();
  });

  it('answers CORS preflight with 204 and reflects the requested headers', async () => {
    const response = await gateway.routes.chat.OPTIONS(
      new Request('http://gateway.test/v1/chat/completions', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.nextchat.dev', 'access-control-request-headers': 'authorization, x-stainless-os, x-title' },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, x-stainless-os, x-title');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });
});
