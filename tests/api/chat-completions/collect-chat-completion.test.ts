import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatCompletion } from '@/lib/api/chat-completions/chat-completion-types';
import { collectChatCompletion, type CollectChatCompletionOptions } from '@/lib/api/chat-completions/collect-chat-completion';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { streamOf } from '@/tests/support/stream-helpers';

const base = { id: 'chatcmpl-abc', created: 1760000000, model: 'o3' };

function completion(
  message: Record<string, unknown>,
  finishReason: string,
  usage?: { prompt: number; completion: number },
  extra: Record<string, unknown> = {},
): ChatCompletion {
  return {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1760000000,
    model: 'o3',
    ...extra,
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason: finishReason }],
    ...(usage === undefined
      ? {}
      : { usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } }),
  } as ChatCompletion;
}

describe('collectChatCompletion', () => {
  it.each<[string, ChatStreamPart[], Partial<CollectChatCompletionOptions>, ChatCompletion]>([
    [
      'text with reported usage',
      [
        { type: 'text-delta', id: 'text-0', text: 'Hel' },
        { type: 'text-delta', id: 'text-0', text: 'lo' },
        { type: 'usage', promptTokens: 10, completionTokens: 2 },
        { type: 'finish', finishReason: 'stop' },
      ],
      { countUsage: () => ({ promptTokens: 99, completionTokens: 99 }) },
      completion({ content: 'Hello' }, 'stop', { prompt: 10, completion: 2 }),
    ],
    [
      'reasoning kept apart; countUsage when the stream reported none',
      [
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'Let me ' },
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'think.' },
        { type: 'text-delta', id: 'text-0', text: '42' },
        { type: 'finish', finishReason: 'length' },
      ],
      { countUsage: () => ({ promptTokens: 5, completionTokens: 4 }) },
      completion({ content: '42', reasoning_content: 'Let me think.' }, 'length', { prompt: 5, completion: 4 }),
    ],
    [
      'no counts at all: usage omitted; empty reasoning omitted',
      [{ type: 'reasoning-delta', id: 'reasoning-0', text: '' }, { type: 'text-delta', id: 'text-0', text: 'ok' }, { type: 'finish', finishReason: 'content_filter' }],
      {},
      completion({ content: 'ok' }, 'content_filter'),
    ],
    [
      'system_fingerprint and parts after finish ignored',
      [
        { type: 'text-delta', id: 'text-0', text: 'done' },
        { type: 'finish', finishReason: 'stop' },
        { type: 'text-delta', id: 'text-0', text: ' late' },
        { type: 'error', error: new GatewayError('late', { status: 502, type: 'upstream_error' }) },
      ],
      { systemFingerprint: 'fp_1', countUsage: () => ({ promptTokens: 1, completionTokens: 1 }) },
      completion({ content: 'done' }, 'stop', { prompt: 1, completion: 1 }, { system_fingerprint: 'fp_1' }),
    ],
  ])('%s', async (_name, parts, options, expected) => {
    const result = await collectChatCompletion(streamOf(parts), { ...base, ...options });
    expect(result).toEqual(expected);
    // toEqual ignores undefined keys: check absent keys really are absent on the wire.
    expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(Object.keys(result)).toEqual(Object.keys(expected));
  });

  it('throws the GatewayError of an error part', async () => {
    const failure = new GatewayError('Upstream refused.', { status: 502, type: 'upstream_error', code: 'upstream_failed' });
    const parts: ChatStreamPart[] = [{ type: 'text-delta', id: 'text-0', text: 'partial' }, { type: 'error', error: failure }];
    await expect(collectChatCompletion(streamOf(parts), base)).rejects.toBe(failure);
  });

  it.each<[string, ChatStreamPart[]]>([
    ['text without finish', [{ type: 'text-delta', id: 'text-0', text: 'Hi' }]],
    ['empty stream', []],
  ])('throws a server_error when the stream ends without finish: %s', async (_name, parts) => {
    const error = await collectChatCompletion(streamOf(parts), base).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, type: 'server_error', code: 'incomplete_stream', message: 'The upstream stream ended without a finish.' });
  });

  it('rethrows what a failing stream rejects with', async () => {
    const broken = new Error('socket hang up');
    const parts = new ReadableStream<ChatStreamPart>({
      start(controller) {
        controller.enqueue({ type: 'text-delta', id: 'text-0', text: 'Hi' });
        controller.error(broken);
      },
    });
    await expect(collectChatCompletion(parts, base)).rejects.toBe(broken);
  });
});

describe('collectChatCompletion: tool calls', () => {
  const call = (id: string, name: string, argumentPieces: string[]): ChatStreamPart[] => [
    { type: 'tool-call-start', id, name },
    ...argumentPieces.map((argumentsDelta): ChatStreamPart => ({ type: 'tool-call-delta', id, argumentsDelta })),
    { type: 'tool-call-end', id },
  ];

  it('collects ended calls as message.tool_calls with content null', async () => {
    const result = await collectChatCompletion(
      streamOf<ChatStreamPart>([
        ...call('call_a1', 'get_weather', ['{"city":', '"Suzhou"}']),
        ...call('call_b2', 'get_time', ['{}']),
        { type: 'finish', finishReason: 'tool_calls' },
      ]),
      base,
    );
    expect(result).toEqual(
      completion(
        {
          content: null,
          tool_calls: [
            { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Suzhou"}' } },
            { id: 'call_b2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        'tool_calls',
      ),
    );
  });

  it('keeps text next to the calls, leaves out a call that never ended, and asks countUsage once, at the end', async () => {
    let asked = 0;
    const result = await collectChatCompletion(
      streamOf<ChatStreamPart>([
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', text: 'Checking.' },
        { type: 'text-end', id: 'text-0' },
        ...call('call_a1', 'get_weather', ['{"city":"Suzhou"}']),
        { type: 'tool-call-start', id: 'call_b2', name: 'cut_off' },
        { type: 'finish', finishReason: 'tool_calls' },
      ]),
      {
        ...base,
        countUsage: () => {
          asked += 1;
          return { promptTokens: 3, completionTokens: 4 };
        },
      },
    );
    expect(result).toEqual(
      completion(
        {
          content: 'Checking.',
          tool_calls: [{ id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Suzhou"}' } }],
        },
        'tool_calls',
        { prompt: 3, completion: 4 },
      ),
    );
    expect(asked).toBe(1);
  });

  it('a text answer has no tool_calls key', async () => {
    const result = await collectChatCompletion(
      streamOf<ChatStreamPart>([
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', text: 'Hi' },
        { type: 'text-end', id: 'text-0' },
        { type: 'finish', finishReason: 'stop', stopSequence: '\n\nUser:' },
      ]),
      base,
    );
    expect(result.choices[0]?.message).toEqual({ role: 'assistant', content: 'Hi', refusal: null });
  });
});
