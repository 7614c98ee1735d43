import { describe, expect, it } from 'vitest';
import { collectMessage } from '@/lib/api/anthropic-messages/collect-message';
import { GatewayError } from '@/lib/errors/gateway-error';
import { streamOf } from '../../support/stream-helpers';

const options = { id: 'msg_1', model: 'claude-opus-4-1', countUsage: () => ({ promptTokens: 9, completionTokens: 2.4 }) };

describe('collectMessage', () => {
  it('collects thinking (signed), text and tool_use blocks in order, with the stop reason and integer usage', async () => {
    const message = await collectMessage(
      streamOf([
        { type: 'reasoning-start', id: 'reasoning-0' },
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'Hm.' },
        { type: 'reasoning-end', id: 'reasoning-0' },
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', text: 'Run ' },
        { type: 'text-delta', id: 'text-0', text: 'it.' },
        { type: 'text-end', id: 'text-0' },
        { type: 'text-start', id: 'text-1' },
        { type: 'text-end', id: 'text-1' },
        { type: 'tool-call-start', id: 'call_x1', name: 'Bash' },
        { type: 'tool-call-delta', id: 'call_x1', argumentsDelta: '{"command":"ls"}' },
        { type: 'tool-call-end', id: 'call_x1' },
        { type: 'finish', finishReason: 'tool_calls' },
      ]),
      options,
    );
    expect(message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4-1',
      content: [
        { type: 'thinking', thinking: 'Hm.', signature: expect.stringMatching(/^[A-Za-z0-9+/=]{20,}$/) },
        { type: 'text', text: 'Run it.' },
        { type: 'tool_use', id: 'toolu_x1', name: 'Bash', input: { command: 'ls' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('sets stop_sequence from the finish part', async () => {
    const message = await collectMessage(streamOf([{ type: 'finish', finishReason: 'stop', stopSequence: '###' }]), options);
    expect([message.stop_reason, message.stop_sequence]).toEqual(['stop_sequence', '###']);
  });

  it('throws the stream’s error, and an error for a stream without finish', async () => {
    const failure = new GatewayError('broke', { status: 502, type: 'upstream_error' });
    await expect(collectMessage(streamOf([{ type: 'error', error: failure }]), options)).rejects.toBe(failure);
    await expect(collectMessage(streamOf([]), options)).rejects.toMatchObject({ status: 502 });
  });
});
