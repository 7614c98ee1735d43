import { describe, expect, it } from 'vitest';
import { createResponsesStreamEncoder } from '@/lib/api/responses/encode-responses-stream';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { readAll, streamOf } from '@/tests/support/stream-helpers';
import { BASE, countingIds, parseTypedEvents } from './response-test-kit';

async function encode(parts: ChatStreamPart[], customToolNames: string[] = []): Promise<any[]> {
  const encoder = createResponsesStreamEncoder({ base: BASE, newId: countingIds(), customToolNames: new Set(customToolNames), countUsage: () => ({ promptTokens: 7, completionTokens: 3 }) });
  return parseTypedEvents(await readAll(streamOf(parts).pipeThrough(encoder)));
}

const usage = { input_tokens: 7, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10 };

describe('createResponsesStreamEncoder', () => {
  it('sends reasoning, text and a function call as items in the order Codex and the AI SDK read, numbered from 0', async () => {
    const events = await encode([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'Think' },
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'ing' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Hel' },
      { type: 'text-delta', id: 'text-0', text: 'lo' },
      { type: 'text-end', id: 'text-0' },
      { type: 'tool-call-start', id: 'call_abc', name: 'shell' },
      { type: 'tool-call-delta', id: 'call_abc', argumentsDelta: '{"command":["ls"]}' },
      { type: 'tool-call-end', id: 'call_abc' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    expect(events[0].response).toMatchObject({ id: 'resp_test', object: 'response', created_at: 1760000000, status: 'in_progress', output: [], usage: null, model: 'gpt-4.1' });
    expect(events[2]).toMatchObject({ output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } });
    expect(events[6]).toMatchObject({ item_id: 'rs_1', summary_index: 0, text: 'Thinking' });
    expect(events[9]).toMatchObject({ output_index: 1, item: { id: 'msg_2', type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    expect(events[10]).toMatchObject({ item_id: 'msg_2', content_index: 0, part: { type: 'output_text', text: '' } });
    expect(events[13]).toMatchObject({ item_id: 'msg_2', text: 'Hello' });
    expect(events[16]).toMatchObject({ output_index: 2, item: { id: 'fc_3', type: 'function_call', call_id: 'call_abc', name: 'shell', arguments: '', status: 'in_progress' } });
    expect(events[18]).toMatchObject({ item_id: 'fc_3', arguments: '{"command":["ls"]}' });
    const completed = events[20].response;
    expect(completed).toMatchObject({ status: 'completed', usage, error: null, incomplete_details: null });
    expect(completed.output).toEqual([
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking' }] },
      { id: 'msg_2', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] },
      { id: 'fc_3', type: 'function_call', status: 'completed', call_id: 'call_abc', name: 'shell', arguments: '{"command":["ls"]}' },
    ]);
  });

  it('answers a custom tool call as a custom_tool_call whose input is the raw text', async () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
    const events = await encode(
      [
        { type: 'tool-call-start', id: 'call_p', name: 'apply_patch' },
        { type: 'tool-call-delta', id: 'call_p', argumentsDelta: JSON.stringify({ input: patch }) },
        { type: 'tool-call-end', id: 'call_p' },
        { type: 'finish', finishReason: 'tool_calls' },
      ],
      ['apply_patch'],
    );
    expect(events.slice(2).map((event) => event.type)).toEqual([
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2].item).toMatchObject({ type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: '' });
    expect(events[3]).toMatchObject({ item_id: 'ctc_1', delta: patch });
    expect(events[5].item).toEqual({ id: 'ctc_1', type: 'custom_tool_call', status: 'completed', call_id: 'call_p', name: 'apply_patch', input: patch });
    expect(events[6].response.output).toEqual([events[5].item]);
  });

  it('sends nothing for an empty text block and prefers the upstream usage', async () => {
    const events = await encode([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: '' },
      { type: 'text-end', id: 'text-0' },
      { type: 'usage', promptTokens: 11, completionTokens: 2 },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(events.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect(events[2].response.usage).toMatchObject({ input_tokens: 11, output_tokens: 2, total_tokens: 13 });
  });

  it('ends a length finish with response.incomplete', async () => {
    const events = await encode([{ type: 'text-start', id: 'text-0' }, { type: 'text-delta', id: 'text-0', text: 'Cut' }, { type: 'text-end', id: 'text-0' }, { type: 'finish', finishReason: 'length' }]);
    const last = events[events.length - 1];
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage });
  });

  it('ends an error with response.failed, ignoring later parts', async () => {
    const error = new GatewayError('Upstream broke.', { status: 502, type: 'server_error', code: 'upstream_error' });
    const events = await encode([{ type: 'text-start', id: 'text-0' }, { type: 'error', error }, { type: 'finish', finishReason: 'stop' }]);
    expect(events.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect(events[2].response).toMatchObject({ status: 'failed', error: { code: 'upstream_error', message: 'Upstream broke.' } });
  });

  it('never ends a stream without finish as a success', async () => {
    const events = await encode([{ type: 'text-start', id: 'text-0' }, { type: 'text-delta', id: 'text-0', text: 'Hi' }]);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'incomplete_stream' } } });
  });
});

describe('createResponsesStreamEncoder: the stored answer before its last event', () => {
  it('sends response.completed only once onEnd (the store write) is done, so a next request can refer to it', async () => {
    let finishWrite: (() => void) | undefined;
    const written = new Promise<void>((resolve) => {
      finishWrite = resolve;
    });
    const seen: string[] = [];
    const encoder = createResponsesStreamEncoder({
      base: BASE,
      newId: countingIds(),
      customToolNames: new Set(),
      countUsage: () => ({ promptTokens: 1, completionTokens: 1 }),
      onEnd: async (response) => {
        seen.push(`write ${response.status}`);
        await written;
        seen.push('written');
      },
    });
    const reading = (async () => {
      const reader = streamOf([{ type: 'text-start', id: 'text-0' }, { type: 'text-delta', id: 'text-0', text: 'Hi' }, { type: 'text-end', id: 'text-0' }, { type: 'finish', finishReason: 'stop' }] satisfies ChatStreamPart[])
        .pipeThrough(encoder)
        .getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.includes('response.completed')) seen.push('completed sent');
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['write completed']);
    finishWrite?.();
    await reading;
    expect(seen).toEqual(['write completed', 'written', 'completed sent']);
  });
});
