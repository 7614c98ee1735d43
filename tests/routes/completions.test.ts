import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completions } from '@/lib/handlers/completions';
import { routeSet } from '@/lib/handlers/route-set';
import { dataOf, readSse } from '../support/read-sse';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * POST /v1/completions end to end in process: the real handler, pipeline, pacer and store code
 * against the upstream simulator over HTTP.
 */
let gateway: GatewayHarness;
let post: (body: unknown) => Promise<Response>;
beforeAll(async () => {
  gateway = await startGatewayHarness();
  const routes = routeSet({ POST: completions }, gateway.routeOptions);
  post = (body) =>
    routes.POST(
      new Request('http://gateway.test/v1/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  gateway.simulator.reset();
});

const textOf = (chunks: any[]): string => chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('');

describe('legacy completions', () => {
  it('streams text_completion chunks, the finish chunk, the usage chunk and [DONE], then deletes the session', async () => {
    const response = await post({ model: 'gpt-4.1', prompt: 'SIM-REPLY: Hello there, 你好!', stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    await gateway.settle();
    const chunks = dataOf(events);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0]).toMatchObject({ object: 'text_completion', model: 'gpt-4.1', choices: [{ text: '', index: 0, logprobs: null, finish_reason: null }] });
    expect(textOf(chunks)).toBe('Hello there, 你好!');
    expect(chunks.at(-2).choices[0]).toEqual({ text: '', index: 0, logprobs: null, finish_reason: 'stop' });
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.usage.total_tokens).toBe(usage.usage.prompt_tokens + usage.usage.completion_tokens);
    expect(events.at(-1)).toEqual({ kind: 'done' });
    expect(gateway.simulator.state()).toMatchObject({ sessionsOpen: 0, sessionsDeleted: 1 });
  });

  it('answers one text_completion when not streaming, cut at a stop sequence', async () => {
    const response = await post({ model: 'gpt-4.1', prompt: ['SIM-REPLY: first part. second part'], stop: '.', max_tokens: 64, temperature: 0 });
    expect(response.status).toBe(200);
    const body = await response.json();
    await gateway.settle();
    expect(body).toMatchObject({
      object: 'text_completion',
      model: 'gpt-4.1',
      choices: [{ text: 'first part', index: 0, logprobs: null, finish_reason: 'stop' }],
    });
    expect(body.id).toMatch(/^cmpl-/);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('drops DeepSeek-R1 reasoning from the text', async () => {
    const response = await post({ model: 'DeepSeek-R1', prompt: 'SIM-REPLY: 42', stream: true });
    const chunks = dataOf(await readSse(response));
    await gateway.settle();
    expect(textOf(chunks)).toBe('42');
  });

  it.each([
    ['invalid JSON', '{"model": "gpt-4.1", "prompt": ', null],
    ['a missing prompt', { model: 'gpt-4.1' }, 'prompt'],
    ['two prompts', { model: 'gpt-4.1', prompt: ['a', 'b'] }, 'prompt'],
    ['token ids', { model: 'gpt-4.1', prompt: [15496, 995] }, 'prompt'],
    ['suffix', { model: 'gpt-4.1', prompt: 'def f(', suffix: ')' }, 'suffix'],
    ['echo', { model: 'gpt-4.1', prompt: 'hi', echo: true }, 'echo'],
    ['logprobs', { model: 'gpt-4.1', prompt: 'hi', logprobs: 2 }, 'logprobs'],
    ['best_of', { model: 'gpt-4.1', prompt: 'hi', best_of: 2 }, 'best_of'],
    ['n', { model: 'gpt-4.1', prompt: 'hi', n: 2 }, 'n'],
  ])('%s → 400 in OpenAI error JSON, with no upstream call', async (_label, body, param) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const json = await response.json();
    expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param });
    await gateway.settle();
    expect(gateway.simulator.state().calls).toEqual({ saveSession: 0, completions: 0, delSession: 0 });
  });
});
