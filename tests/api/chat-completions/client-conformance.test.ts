/**
 * The encoders checked by real client libraries (devDependencies): openai-node's stream helper
 * (needs the role chunk and a finish_reason, docs/client-compat §3, §5), its error handling
 * (§8, §9) and the AI SDK's OpenAI-compatible provider (§4, §13, §14).
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import { collectChatCompletion } from '@/lib/api/chat-completions/collect-chat-completion';
import { createChatStreamEncoder } from '@/lib/api/chat-completions/encode-chat-stream';
import { errorResponse } from '@/lib/api/openai/error-response';
import { sseResponse } from '@/lib/sse/sse-response';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { streamOf } from '@/tests/support/stream-helpers';

const options = { id: 'chatcmpl-abc', created: 1760000000, model: 'o3' };
const parts: ChatStreamPart[] = [
  { type: 'reasoning-delta', id: 'reasoning-0', text: '先想一想。' },
  { type: 'text-delta', id: 'text-0', text: 'Hello' },
  { type: 'text-delta', id: 'text-0', text: ', 世界\n' },
  { type: 'usage', promptTokens: 12, completionTokens: 3 },
  { type: 'finish', finishReason: 'stop' },
];

function streamingResponse(streamParts: ChatStreamPart[], includeUsage = true): Response {
  return sseResponse(streamOf(streamParts).pipeThrough(createChatStreamEncoder({ ...options, includeUsage })));
}

/** An openai-node client whose every call gets `respond()`; counts the calls. */
function openaiClient(respond: () => Response | Promise<Response>) {
  const calls = { count: 0 };
  const client = new OpenAI({
    apiKey: 'test-key',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 2,
    fetch: async () => {
      calls.count += 1;
      return respond();
    },
  });
  return { client, calls };
}

describe('openai-node', () => {
  it('ChatCompletionStream assembles the streamed answer', async () => {
    const { client } = openaiClient(() => streamingResponse(parts));
    const stream = client.chat.completions.stream({ model: 'o3', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('Hello, 世界\n');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
  });

  it('throws the mid-stream error with its message', async () => {
    const failing: ChatStreamPart[] = [
      { type: 'text-delta', id: 'text-0', text: 'Hel' },
      { type: 'error', error: new GatewayError('Upstream session expired.', { status: 502, type: 'upstream_error', code: 'session_expired' }) },
    ];
    const { client } = openaiClient(() => streamingResponse(failing));
    const stream = await client.chat.completions.create({ model: 'o3', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(received).toEqual(['', 'Hel']);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('Upstream session expired.');
  });

  it('reads the non-streaming completion', async () => {
    const completion = await collectChatCompletion(streamOf(parts), options);
    const { client } = openaiClient(() => Response.json(completion));
    const result = await client.chat.completions.create({ model: 'o3', messages: [{ role: 'user', content: 'hi' }] });
    expect(result.choices[0]?.message.content).toBe('Hello, 世界\n');
    expect(result.object).toBe('chat.completion');
  });

  it.each<[string, GatewayError, number, number]>([
    ['400 is not retried', invalidRequest("Invalid type for 'temperature'.", 'temperature', 'invalid_type'), 400, 1],
    ['502 marked not retryable is not retried', new GatewayError('Refused.', { status: 502, type: 'upstream_error', retryable: false }), 502, 1],
    ['429 with Retry-After 0 is retried', new GatewayError('Busy.', { status: 429, type: 'rate_limit_error', retryAfterSeconds: 0 }), 429, 3],
  ])('error JSON: %s', async (_name, failure, status, expectedCalls) => {
    const { client, calls } = openaiClient(() => errorResponse(failure));
    const error = await client.chat.completions.create({ model: 'o3', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect({ status: apiError.status, code: apiError.code, param: apiError.param, type: apiError.type }).toEqual({
      status,
      code: failure.code,
      param: failure.param,
      type: failure.type,
    });
    expect(apiError.message).toContain(failure.message);
    expect(calls.count).toBe(expectedCalls);
  });
});

describe('AI SDK (@ai-sdk/openai-compatible)', () => {
  it('streams text, reasoning, finish reason and usage', async () => {
    const provider = createOpenAICompatible({
      name: 'xipu',
      baseURL: 'http://gateway.test/v1',
      includeUsage: true,
      fetch: async () => streamingResponse(parts),
    });
    const result = streamText({ model: provider.chatModel('o3'), prompt: 'hi' });
    expect(await result.text).toBe('Hello, 世界\n');
    expect(await result.reasoningText).toBe('先想一想。');
    expect(await result.finishReason).toBe('stop');
    const usage = await result.usage;
    expect({ input: usage.inputTokens, output: usage.outputTokens }).toEqual({ input: 12, output: 3 });
  });
});
