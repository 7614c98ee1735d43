import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicErrorResponse } from '@/lib/api/anthropic-messages/anthropic-error';
import { anthropicCountTokens } from '@/lib/handlers/anthropic-count-tokens';
import { anthropicMessages } from '@/lib/handlers/anthropic-messages';
import { listModels } from '@/lib/handlers/models';
import { routeSet } from '@/lib/handlers/route-set';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * /v1/messages and /v1/messages/count_tokens in process, over the simulator: Anthropic's error
 * shapes for bad input (never a 500, never an upstream call), the answers given locally
 * (count_tokens, the quota probe), MODEL_ALIASES and the model list in Anthropic's shape.
 */
const API_KEY = 'sk-ant-route-test-1';
let gateway: GatewayHarness;
let messages: ReturnType<typeof routeSet>;
let countTokens: ReturnType<typeof routeSet>;
let models: ReturnType<typeof routeSet>;

beforeAll(async () => {
  gateway = await startGatewayHarness({ environment: { MAX_REQUEST_BYTES: '4096', API_KEYS: `tester:${API_KEY}` } });
  const options = { ...gateway.routeOptions, renderError: anthropicErrorResponse };
  messages = routeSet({ POST: anthropicMessages }, options);
  countTokens = routeSet({ POST: anthropicCountTokens }, options);
  models = routeSet({ GET: listModels }, gateway.routeOptions);
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => gateway.simulator.reset());

const headers = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', ...extra });
const post = (route: ReturnType<typeof routeSet>, body: BodyInit, extra: Record<string, string> = {}) =>
  route.POST(new Request('http://gateway.test/v1/messages?beta=true', { method: 'POST', headers: headers(extra), body }));

async function expectAnthropicError(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = await response.json();
  expect(Object.keys(body).sort()).toEqual(['error', 'type']);
  expect(body.type).toBe('error');
  expect(Object.keys(body.error).sort()).toEqual(['message', 'type']);
  expect(body.error.type).toBe(type);
  expect(body.error.message.length).toBeGreaterThan(5);
  return body;
}

function expectNoUpstreamCall() {
  expect(gateway.simulator.state().calls).toEqual({ saveSession: 0, completions: 0, delSession: 0 });
}

const user = [{ role: 'user', content: 'hi' }];

describe('bad Messages requests', () => {
  it.each([
    ['invalid JSON', '{"model":', 'not valid JSON'],
    ['no max_tokens', JSON.stringify({ model: 'claude-sonnet-4-5', messages: user }), 'max_tokens: Field required'],
    ['no messages', JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10 }), 'messages'],
    ['an image', JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }] }), 'image'],
    ['an orphan tool_result', JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] }] }), 'tool_use_id'],
    ['a string temperature', JSON.stringify({ model: 'm', max_tokens: 10, messages: user, temperature: 'hot' }), 'temperature'],
  ])('%s → 400 invalid_request_error', async (_label, body, message) => {
    const error = await expectAnthropicError(await post(messages, body), 400, 'invalid_request_error');
    expect(error.error.message.toLowerCase()).toContain(message.toLowerCase());
    expectNoUpstreamCall();
  });

  it('an oversized body → 413 request_too_large', async () => {
    await expectAnthropicError(await post(messages, JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(5000) }] })), 413, 'request_too_large');
    expectNoUpstreamCall();
  });

  it('a wrong or missing key → 401 authentication_error, by x-api-key or Bearer', async () => {
    const body = JSON.stringify({ model: 'm', max_tokens: 10, messages: user });
    await expectAnthropicError(await post(messages, body, { 'x-api-key': 'sk-wrong-key-0' }), 401, 'authentication_error');
    await expectAnthropicError(
      await messages.POST(new Request('http://gateway.test/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body })),
      401,
      'authentication_error',
    );
    const bearer = await messages.POST(
      new Request('http://gateway.test/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body: JSON.stringify({ model: 'm', max_tokens: 1, messages: user }) }),
    );
    expect(bearer.status).toBe(200);
    expectNoUpstreamCall();
  });

  it('GET → 405 in Anthropic’s shape', async () => {
    await expectAnthropicError(await messages.GET(new Request('http://gateway.test/v1/messages', { headers: headers() })), 405, 'invalid_request_error');
  });
});

describe('answered locally', () => {
  it('count_tokens: integer input_tokens over the rendered prompt, more with tools, no upstream call', async () => {
    const plain = await post(countTokens, JSON.stringify({ model: 'claude-sonnet-4-5', system: 'You are a helpful assistant.', messages: user }));
    expect(plain.status).toBe(200);
    const { input_tokens: plainTokens } = await plain.json();
    expect(Number.isInteger(plainTokens)).toBe(true);
    expect(plainTokens).toBeGreaterThan(5);
    const withTools = await post(
      countTokens,
      JSON.stringify({ model: 'claude-sonnet-4-5', system: 'You are a helpful assistant.', messages: user, tools: [{ name: 'Bash', description: 'Runs a shell command.', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }] }),
    );
    expect((await withTools.json()).input_tokens).toBeGreaterThan(plainTokens + 20);
    expectNoUpstreamCall();
  });

  it('the max_tokens: 1 quota probe gets a fixed one-token answer, no upstream call', async () => {
    const response = await post(messages, JSON.stringify({ model: 'claude-3-5-haiku-20241022', max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] }));
    expect(response.status).toBe(200);
    const message = await response.json();
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-3-5-haiku-20241022', content: [{ type: 'text', text: 'OK' }], stop_reason: 'max_tokens' });
    expect(message.id).toMatch(/^msg_[0-9a-f]{24}$/);
    expectNoUpstreamCall();
  });

  it('GET /v1/models answers in Anthropic’s shape when anthropic-version is sent, else OpenAI’s', async () => {
    const anthropic = await (await models.GET(new Request('http://gateway.test/v1/models', { headers: headers() }))).json();
    expect(anthropic.has_more).toBe(false);
    expect(anthropic.data[0]).toEqual({ type: 'model', id: expect.any(String), display_name: expect.any(String), created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(anthropic.first_id).toBe(anthropic.data[0].id);
    expect(anthropic.last_id).toBe(anthropic.data.at(-1).id);
    const openai = await (await models.GET(new Request('http://gateway.test/v1/models', { headers: { authorization: `Bearer ${API_KEY}` } }))).json();
    expect(openai.object).toBe('list');
  });
});

describe('MODEL_ALIASES', () => {
  it('sends a Claude Code model id upstream as its target and echoes the asked id', async () => {
    const response = await post(messages, JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 100, messages: user }));
    expect(response.status).toBe(200);
    expect((await response.json()).model).toBe('claude-sonnet-4-5-20250929');
    expect(gateway.simulator.state().sessions.map((session) => session.model)).toEqual(['claude-3-7-sonnet-20250219']);
    await gateway.settle();
  });

  it('applies on chat completions too', async () => {
    const response = await gateway.chat({ model: 'claude-opus-4-1', messages: user }, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect((await response.json()).model).toBe('claude-opus-4-1');
    expect(gateway.simulator.state().sessions.map((session) => session.model)).toEqual(['claude-3-7-sonnet-20250219']);
    await gateway.settle();
  });
});
