import { describe, expect, it } from 'vitest';
import { collectResponse } from '@/lib/api/responses/collect-response';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { streamOf } from '@/tests/support/stream-helpers';
import { BASE, countingIds } from './response-test-kit';

const collect = (parts: ChatStreamPart[], customToolNames: string[] = []) =>
  collectResponse(streamOf(parts), { base: BASE, newId: countingIds(), customToolNames: new Set(customToolNames), countUsage: () => ({ promptTokens: 5, completionTokens: 4 }) });

describe('collectResponse', () => {
  it('builds the response with the same items as the stream, and the estimated usage', async () => {
    const response = await collect(
      [
        { type: 'reasoning-start', id: 'reasoning-0' },
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'Hmm' },
        { type: 'reasoning-end', id: 'reasoning-0' },
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', text: 'Patching.' },
        { type: 'text-end', id: 'text-0' },
        { type: 'tool-call-start', id: 'call_1', name: 'apply_patch' },
        { type: 'tool-call-delta', id: 'call_1', argumentsDelta: '{"input":"*** Begin Patch\\n*** End Patch"}' },
        { type: 'tool-call-end', id: 'call_1' },
        { type: 'tool-call-start', id: 'call_2', name: 'shell' },
        { type: 'tool-call-delta', id: 'call_2', argumentsDelta: '{"command":["ls"]}' },
        { type: 'tool-call-end', id: 'call_2' },
        { type: 'finish', finishReason: 'tool_calls' },
      ],
      ['apply_patch'],
    );
    expect(response).toMatchObject({ id: 'resp_test', object: 'response', created_at: 1760000000, status: 'completed', model: 'gpt-4.1', store: false, error: null });
    expect(response.usage).toEqual({ input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 9 });
    expect(response.output).toEqual([
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Hmm' }] },
      { id: 'msg_2', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Patching.', annotations: [] }] },
      { id: 'ctc_3', type: 'custom_tool_call', status: 'completed', call_id: 'call_1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
      { id: 'fc_4', type: 'function_call', status: 'completed', call_id: 'call_2', name: 'shell', arguments: '{"command":["ls"]}' },
    ]);
  });

  it('reports a length finish as incomplete', async () => {
    const response = await collect([{ type: 'finish', finishReason: 'length' }]);
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('throws the stream error, and an incomplete stream as a server error', async () => {
    const error = new GatewayError('busy', { status: 429, type: 'rate_limit_error', code: 'upstream_rate_limited' });
    await expect(collect([{ type: 'error', error }])).rejects.toBe(error);
    await expect(collect([{ type: 'text-start', id: 'text-0' }])).rejects.toMatchObject({ status: 502, code: 'incomplete_stream' });
  });
});
