import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { createOpenAiCompatibleProvider } from '@/lib/openai-compatible/create-openai-compatible-provider';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { readAll } from '../support/stream-helpers';

/** The OpenAI-compatible provider against a real HTTP server that answers like vLLM or Ollama. */
const API_KEY = 'sk-upstream-secret-4f9a2c';
let server: OpenAiCompatibleServer;

beforeAll(async () => {
  server = await startOpenAiCompatibleServer({ models: ['llama'], apiKey: API_KEY, chunks: 3 });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.setFault(undefined);
  server.requests.length = 0;
});

const provider = (overrides: { apiKey?: string; firstByteTimeoutMs?: number; idleTimeoutMs?: number } = {}) =>
  createOpenAiCompatibleProvider({
    id: 'upstream:test',
    baseUrl: server.url,
    apiKey: 'apiKey' in overrides ? overrides.apiKey : API_KEY,
    models: ['llama'],
    ownedBy: 'test',
    firstByteTimeoutMs: overrides.firstByteTimeoutMs ?? 2_000,
    idleTimeoutMs: overrides.idleTimeoutMs ?? 2_000,
  });
const options = (signal = new AbortController().signal) => ({ signal, defer: () => {}, requestId: 'req-test' });
const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'llama',
  messages: [{ role: 'user', content: 'hello 你好' }],
  stop: [],
  stream: true,
  includeUsage: true,
  ...overrides,
});
const textOf = (parts: ChatStreamPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');

describe('createOpenAiCompatibleProvider', () => {
  it('streams the answer as one text block, with the upstream\'s usage and finish', async () => {
    const parts = await readAll(await provider().streamChat(request(), options()));
    expect(textOf(parts)).toBe('Echo: hello 你好');
    expect(parts[0]).toEqual({ type: 'text-start', id: 'text-0' });
    expect(parts.find((part) => part.type === 'usage')).toEqual({ type: 'usage', promptTokens: 'hello 你好'.length, completionTokens: 'Echo: hello 你好'.length });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(server.requests[0]?.body).toMatchObject({ model: 'llama', stream: true, stream_options: { include_usage: true } });
    expect(server.requests[0]?.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('passes tools, tool results and the history to the upstream in OpenAI\'s form, and returns its tool call natively', async () => {
    const parts = await readAll(
      await provider().streamChat(
        request({
          messages: [
            { role: 'user', content: 'weather?' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'call_prev1', name: 'get_weather', arguments: '{"city":"Suzhou"}' }] },
            { role: 'tool', content: '{"c":21}', toolCallId: 'call_prev1' },
            { role: 'user', content: 'and again' },
          ],
          tools: {
            tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
            choice: { mode: 'required' },
            parallel: false,
          },
          temperature: 0.2,
          maxTokens: 50,
          stop: ['END'],
        }),
        options(),
      ),
    );
    const sent = server.requests[0]!.body;
    expect(sent.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]);
    expect(sent).toMatchObject({ tool_choice: 'required', parallel_tool_calls: false, temperature: 0.2, max_tokens: 50, stop: ['END'] });
    expect(sent.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_prev1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Suzhou"}' } }] },
      { role: 'tool', tool_call_id: 'call_prev1', content: '{"c":21}' },
      { role: 'user', content: 'and again' },
    ]);
    expect(parts.filter((part) => part.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', id: 'call_fake0', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'call_fake0', argumentsDelta: '{}' },
      { type: 'tool-call-end', id: 'call_fake0' },
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('passes response_format through', async () => {
    const parts = await readAll(await provider().streamChat(request({ responseFormat: { type: 'json_schema', name: 'echo', schema: { type: 'object' }, strict: true } }), options()));
    expect(server.requests[0]!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'echo', schema: { type: 'object' }, strict: true } });
    expect(JSON.parse(textOf(parts))).toEqual({ echo: 'hello 你好' });
  });

  it.each([
    ['status-500', 500, 'upstream_error'],
    ['status-429', 429, 'rate_limit_exceeded'],
  ] as const)('an upstream %s keeps its status before the stream starts', async (fault, status, code) => {
    server.setFault(fault);
    const error = await provider().streamChat(request(), options()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status, code });
    if (status === 429) expect(error).toMatchObject({ retryAfterSeconds: 2 });
  });

  it('a wrong key is the upstream\'s 401, in its words', async () => {
    const error = await provider({ apiKey: 'sk-wrong' }).streamChat(request(), options()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401, type: 'authentication_error', code: 'invalid_api_key' });
    expect((error as Error).message).toContain('Incorrect API key provided.');
  });

  it('a refused connection is 502 upstream_unreachable; a silent upstream 504', async () => {
    server.setFault('refuse');
    await expect(provider().streamChat(request(), options())).rejects.toMatchObject({ status: 502, code: 'upstream_unreachable' });
    server.setFault('slow-first-byte');
    await expect(provider({ firstByteTimeoutMs: 200 }).streamChat(request(), options())).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
  });

  it('a stream cut off mid-answer ends in an error part, after the text so far', async () => {
    server.setFault('drop-mid-stream');
    const parts = await readAll(await provider().streamChat(request(), options()));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { status: 502 } });
    expect(textOf(parts).length).toBeGreaterThan(0);
  });

  it('the client\'s disconnect aborts the upstream call', async () => {
    server.setFault('slow-first-byte');
    const controller = new AbortController();
    const started = provider().streamChat(request(), options(controller.signal));
    setTimeout(() => controller.abort(new Error('client gone')), 100);
    const startedAt = Date.now();
    await expect(started).rejects.toThrow('client gone');
    expect(Date.now() - startedAt).toBeLessThan(1_500);
  });

  it('serves embeddings from the upstream', async () => {
    const result = await provider().embed!({ model: 'llama', input: ['ab', 'cde'] }, options());
    expect(result).toEqual({ data: [{ index: 0, embedding: [2, 0, 0.5] }, { index: 1, embedding: [3, 1, 0.5] }], usage: { promptTokens: 6, totalTokens: 6 } });
    server.setFault('status-500');
    await expect(provider().embed!({ model: 'llama', input: ['x'] }, options())).rejects.toMatchObject({ status: 500 });
  });

  it('never writes the key to a log line or an error', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    const spies = (['log', 'info', 'warn', 'error'] as const).map((method) => vi.spyOn(console, method).mockImplementation(capture));
    try {
      server.setFault('status-500');
      const error = await provider().streamChat(request(), options()).catch((caught: unknown) => caught);
      server.setFault('refuse');
      const unreachable = await provider().streamChat(request(), options()).catch((caught: unknown) => caught);
      expect(lines.length).toBeGreaterThan(0);
      expect([...lines, String(error), String(unreachable), JSON.stringify(error)].join('\n')).not.toContain(API_KEY);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
