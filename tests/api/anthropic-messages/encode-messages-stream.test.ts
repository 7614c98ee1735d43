import { describe, expect, it } from 'vitest';
import { createMessagesStreamEncoder } from '@/lib/api/anthropic-messages/encode-messages-stream';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { readAll, streamOf } from '../../support/stream-helpers';

const options = { id: 'msg_1', model: 'claude-sonnet-4-5', countUsage: () => ({ promptTokens: 12, completionTokens: 7 }) };

/** Each output string must be exactly one `event:`/`data:` pair; returns [name, data] pairs. */
async function encode(parts: ChatStreamPart[]): Promise<Array<[string, any]>> {
  const events = await readAll(streamOf(parts).pipeThrough(createMessagesStreamEncoder(options)));
  return events.map((event) => {
    const match = /^event: ([a-z_]+)\ndata: (.*)\n\n$/.exec(event);
    if (!match) throw new Error(`not one event: ${JSON.stringify(event)}`);
    const data = JSON.parse(match[2]!);
    expect(data.type).toBe(match[1]);
    return [match[1]!, data];
  });
}

const finish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };

describe('createMessagesStreamEncoder', () => {
  it('sends thinking, text and a tool call as blocks 0, 1, 2 in Anthropic’s order', async () => {
    const events = await encode([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'Let me ' },
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'think.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Reading.' },
      { type: 'text-end', id: 'text-0' },
      { type: 'tool-call-start', id: 'call_abc', name: 'Read' },
      { type: 'tool-call-delta', id: 'call_abc', argumentsDelta: '{"path":' },
      { type: 'tool-call-delta', id: 'call_abc', argumentsDelta: '"a"}' },
      { type: 'tool-call-end', id: 'call_abc' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(events.map(([name, data]) => (data.delta?.type ? `${name}:${data.index}:${data.delta.type}` : data.index !== undefined ? `${name}:${data.index}` : name))).toEqual([
      'message_start',
      'ping',
      'content_block_start:0',
      'content_block_delta:0:thinking_delta',
      'content_block_delta:0:thinking_delta',
      'content_block_delta:0:signature_delta',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1:text_delta',
      'content_block_stop:1',
      'content_block_start:2',
      'content_block_delta:2:input_json_delta',
      'content_block_delta:2:input_json_delta',
      'content_block_stop:2',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]![1].message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(events[2]![1].content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(events[5]![1].delta.signature).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(events[10]![1].content_block).toEqual({ type: 'tool_use', id: 'toolu_abc', name: 'Read', input: {} });
    expect(events[11]![1].delta).toEqual({ type: 'input_json_delta', partial_json: '{"path":' });
    expect(events[14]![1]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 12, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('never opens an empty block, and gives each new text block a new index', async () => {
    const events = await encode([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: '' },
      { type: 'text-end', id: 'text-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', text: 'a' },
      { type: 'text-end', id: 'text-1' },
      { type: 'text-start', id: 'text-2' },
      { type: 'text-delta', id: 'text-2', text: 'b' },
      { type: 'text-end', id: 'text-2' },
      finish,
    ]);
    const starts = events.filter(([name]) => name === 'content_block_start').map(([, data]) => data.index);
    expect(starts).toEqual([0, 1]);
  });

  it('reports a stop sequence and the upstream’s usage', async () => {
    const events = await encode([
      { type: 'usage', promptTokens: 3, completionTokens: 4 },
      { type: 'finish', finishReason: 'stop', stopSequence: 'END' },
    ]);
    const delta = events.find(([name]) => name === 'message_delta')![1];
    expect(delta.delta).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    expect(delta.usage.output_tokens).toBe(4);
    expect(delta.usage.input_tokens).toBe(3);
  });

  it.each([
    ['length', 'max_tokens'],
    ['stop', 'end_turn'],
  ] as const)('finish %s → stop_reason %s', async (finishReason, stopReason) => {
    const events = await encode([{ type: 'finish', finishReason }]);
    expect(events.find(([name]) => name === 'message_delta')![1].delta.stop_reason).toBe(stopReason);
  });

  it('a failure after the start is one error event, and nothing follows', async () => {
    const events = await encode([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'a' },
      { type: 'error', error: new GatewayError('The upstream broke off.', { status: 502, type: 'upstream_error' }) },
      finish,
    ]);
    expect(events.at(-1)).toEqual(['error', { type: 'error', error: { type: 'api_error', message: 'The upstream broke off.' } }]);
    expect(events.some(([name]) => name === 'message_stop')).toBe(false);
  });

  it('a stream that just ends is an error, never an empty success', async () => {
    const events = await encode([]);
    expect(events.map(([name]) => name)).toEqual(['message_start', 'ping', 'error']);
  });
});
