import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import { createChatStreamEncoder, type ChatStreamEncoderOptions } from '@/lib/api/chat-completions/encode-chat-stream';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { readAll, streamOf } from '@/tests/support/stream-helpers';

const base = { id: 'chatcmpl-abc', created: 1760000000, model: 'gpt-4.1' };
const head = { id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-4.1' };

async function encode(parts: ChatStreamPart[], options: Partial<ChatStreamEncoderOptions> = {}): Promise<string[]> {
  return readAll(streamOf(parts).pipeThrough(createChatStreamEncoder({ ...base, includeUsage: false, ...options })));
}

const event = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
const choice = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
  event({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
const roleEvent = choice({ role: 'assistant', content: '' });
const usageEvent = (prompt: number, completion: number): string =>
  event({ ...head, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } });
const done = 'data: [DONE]\n\n';
const errorEvent = (message: string, type: string, code: string | null, param: string | null = null): string =>
  event({ error: { message, type, param, code } });
const incomplete = errorEvent('The upstream stream ended without a finish.', 'server_error', 'incomplete_stream');

const rateLimited = new GatewayError('Upstream is busy, retry later.', {
  status: 429,
  type: 'rate_limit_error',
  code: 'upstream_rate_limited',
  retryAfterSeconds: 5,
});

describe('createChatStreamEncoder', () => {
  it.each<[string, ChatStreamPart[], Partial<ChatStreamEncoderOptions>, string[]]>([
    [
      'text answer',
      [
        { type: 'text-delta', id: 'text-0', text: 'Hel' },
        { type: 'text-delta', id: 'text-0', text: 'lo' },
        { type: 'finish', finishReason: 'stop' },
      ],
      {},
      [roleEvent, choice({ content: 'Hel' }), choice({ content: 'lo' }), choice({}, 'stop'), done],
    ],
    [
      'reasoning then answer, never both in one delta; empty texts skipped',
      [
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'Think' },
        { type: 'reasoning-delta', id: 'reasoning-0', text: '' },
        { type: 'text-delta', id: 'text-0', text: '' },
        { type: 'text-delta', id: 'text-0', text: 'Answer' },
        { type: 'finish', finishReason: 'stop' },
      ],
      {},
      [roleEvent, choice({ reasoning_content: 'Think' }), choice({ content: 'Answer' }), choice({}, 'stop'), done],
    ],
    [
      'usage part reported in its own chunk after finish when includeUsage',
      [
        { type: 'text-delta', id: 'text-0', text: 'Hi' },
        { type: 'usage', promptTokens: 12, completionTokens: 3 },
        { type: 'finish', finishReason: 'length' },
      ],
      { includeUsage: true, countUsage: () => ({ promptTokens: 99, completionTokens: 99 }) },
      [roleEvent, choice({ content: 'Hi' }), choice({}, 'length'), usageEvent(12, 3), done],
    ],
    [
      'countUsage used when the stream had no usage part',
      [
        { type: 'text-delta', id: 'text-0', text: 'Hi' },
        { type: 'finish', finishReason: 'stop' },
      ],
      { includeUsage: true, countUsage: () => ({ promptTokens: 7, completionTokens: 1 }) },
      [roleEvent, choice({ content: 'Hi' }), choice({}, 'stop'), usageEvent(7, 1), done],
    ],
    [
      'includeUsage without any counts: no usage chunk rather than a partial one',
      [{ type: 'text-delta', id: 'text-0', text: 'Hi' }, { type: 'finish', finishReason: 'stop' }],
      { includeUsage: true },
      [roleEvent, choice({ content: 'Hi' }), choice({}, 'stop'), done],
    ],
    [
      'usage part ignored when includeUsage is off',
      [
        { type: 'usage', promptTokens: 1, completionTokens: 2 },
        { type: 'text-delta', id: 'text-0', text: 'Hi' },
        { type: 'finish', finishReason: 'content_filter' },
      ],
      { includeUsage: false, countUsage: () => ({ promptTokens: 7, completionTokens: 1 }) },
      [roleEvent, choice({ content: 'Hi' }), choice({}, 'content_filter'), done],
    ],
    [
      'error mid-stream: one error event, no [DONE], later parts ignored',
      [
        { type: 'text-delta', id: 'text-0', text: 'Par' },
        { type: 'error', error: rateLimited },
        { type: 'text-delta', id: 'text-0', text: 'ignored' },
        { type: 'finish', finishReason: 'stop' },
      ],
      { includeUsage: true, countUsage: () => ({ promptTokens: 1, completionTokens: 1 }) },
      [roleEvent, choice({ content: 'Par' }), errorEvent('Upstream is busy, retry later.', 'rate_limit_error', 'upstream_rate_limited')],
    ],
    [
      'error as the first part',
      [{ type: 'error', error: new GatewayError('bad', { status: 400, type: 'invalid_request_error', param: 'model' }) }],
      {},
      [roleEvent, errorEvent('bad', 'invalid_request_error', null, 'model')],
    ],
    ['input ending without finish', [{ type: 'text-delta', id: 'text-0', text: 'Hi' }], {}, [roleEvent, choice({ content: 'Hi' }), incomplete]],
    ['empty input', [], {}, [roleEvent, incomplete]],
    ['usage alone is no finish', [{ type: 'usage', promptTokens: 1, completionTokens: 1 }], { includeUsage: true }, [roleEvent, incomplete]],
    [
      'parts after finish ignored',
      [
        { type: 'finish', finishReason: 'stop' },
        { type: 'text-delta', id: 'text-0', text: 'late' },
        { type: 'error', error: rateLimited },
        { type: 'finish', finishReason: 'length' },
      ],
      {},
      [roleEvent, choice({}, 'stop'), done],
    ],
  ])('%s', async (_name, parts, options, events) => {
    expect(await encode(parts, options)).toEqual(events);
  });

  it('adds system_fingerprint to every chunk and floors created', async () => {
    const events = await encode(
      [{ type: 'text-delta', id: 'text-0', text: 'x' }, { type: 'finish', finishReason: 'stop' }],
      { created: 1760000000.9, systemFingerprint: 'fp_xipu', includeUsage: true, countUsage: () => ({ promptTokens: 1, completionTokens: 1 }) },
    );
    const withFingerprint = { ...head, system_fingerprint: 'fp_xipu' };
    expect(events).toEqual([
      event({ ...withFingerprint, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }),
      event({ ...withFingerprint, choices: [{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: null }] }),
      event({ ...withFingerprint, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }),
      event({ ...withFingerprint, choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      done,
    ]);
  });

  it('keeps every event a single data line even with newlines and unicode in content', async () => {
    const text = 'line 1\nline 2\r\n\n中文 😀 \u2028 "quoted" \\ end';
    const events = await encode([
      { type: 'reasoning-delta', id: 'reasoning-0', text: '想一想\n\n' },
      { type: 'text-delta', id: 'text-0', text },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(events).toHaveLength(5);
    for (const item of events) {
      expect(item).toMatch(/^data: [^\r\n]+\n\n$/);
    }
    const chunks = events.slice(0, -1).map((item) => JSON.parse(item.slice('data: '.length)) as { id: string; choices: Array<{ delta: Record<string, unknown> }> });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: '想一想\n\n' },
      { content: text },
      {},
    ]);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(['chatcmpl-abc']));
  });

  it('emits the role chunk before any input arrives', async () => {
    const encoder = createChatStreamEncoder({ ...base, includeUsage: false });
    const reader = encoder.readable.getReader();
    expect(await reader.read()).toEqual({ done: false, value: roleEvent });
    reader.releaseLock();
  });
});

describe('createChatStreamEncoder: tool calls', () => {
  const call = (id: string, name: string, argumentPieces: string[]): ChatStreamPart[] => [
    { type: 'tool-call-start', id, name },
    ...argumentPieces.map((argumentsDelta): ChatStreamPart => ({ type: 'tool-call-delta', id, argumentsDelta })),
    { type: 'tool-call-end', id },
  ];
  const toolCallChunk = (index: number, id: string, name: string, args: string): string =>
    choice({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: args } }] });

  it('sends each call as ONE chunk with its complete arguments, indexed from 0, then finish tool_calls', async () => {
    const events = await encode([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Checking.' },
      { type: 'text-end', id: 'text-0' },
      ...call('call_a1', 'get_weather', ['{"city":', '"Suzhou"}']),
      ...call('call_b2', 'get_time', ['{}']),
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(events).toEqual([
      roleEvent,
      choice({ content: 'Checking.' }),
      toolCallChunk(0, 'call_a1', 'get_weather', '{"city":"Suzhou"}'),
      toolCallChunk(1, 'call_b2', 'get_time', '{}'),
      choice({}, 'tool_calls'),
      done,
    ]);
  });

  it('sends a call without argument pieces with empty arguments, and none for a call that never ends', async () => {
    const events = await encode([
      ...call('call_a1', 'ping', []),
      { type: 'tool-call-start', id: 'call_b2', name: 'cut_off' },
      { type: 'tool-call-delta', id: 'call_b2', argumentsDelta: '{"x"' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(events).toEqual([roleEvent, toolCallChunk(0, 'call_a1', 'ping', ''), choice({}, 'tool_calls'), done]);
  });

  it('block starts and ends of text and reasoning send nothing', async () => {
    const events = await encode([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-end', id: 'text-0' },
      { type: 'finish', finishReason: 'stop', stopSequence: 'END' },
    ]);
    expect(events).toEqual([roleEvent, choice({}, 'stop'), done]);
  });
});
