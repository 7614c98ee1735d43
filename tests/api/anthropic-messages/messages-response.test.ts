import { describe, expect, it } from 'vitest';
import { messagesResponse } from '@/lib/api/anthropic-messages/messages-response';
import { runChat } from '@/lib/chat/run-chat';
import { chatRequest, chatRunScope, scriptedProvider } from '../../support/scripted-chat';
import { blockOf } from '../../support/stream-helpers';

describe('messagesResponse', () => {
  it('streams named SSE events with the event-stream headers', async () => {
    const provider = scriptedProvider([...blockOf('text', 'Hi'), { type: 'finish', finishReason: 'stop' }]);
    const run = await runChat(chatRequest({ stream: true }), chatRunScope(provider).scope);
    const response = await messagesResponse(run, { model: 'claude-x', stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const names = [...(await response.text()).matchAll(/^event: ([a-z_]+)$/gm)].map((match) => match[1]);
    expect(names).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  it('answers JSON with the estimate as usage when not streaming', async () => {
    const provider = scriptedProvider([...blockOf('text', 'Hello there'), { type: 'finish', finishReason: 'stop' }]);
    const run = await runChat(chatRequest({ stream: false }), chatRunScope(provider).scope);
    const message = await (await messagesResponse(run, { model: 'claude-x', stream: false })).json();
    expect(message).toMatchObject({ type: 'message', model: 'claude-x', content: [{ type: 'text', text: 'Hello there' }], stop_reason: 'end_turn' });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });
});
