import { describe, expect, it } from 'vitest';
import { collectCompletion } from '@/lib/api/completions/collect-completion';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { streamOf } from '@/tests/support/stream-helpers';

const base = { id: 'cmpl-abc', created: 1760000000.9, model: 'gpt-4.1' };
const collect = (parts: ChatStreamPart[], options: { countUsage?: () => { promptTokens: number; completionTokens: number }; systemFingerprint?: string } = {}) =>
  collectCompletion(streamOf(parts), { ...base, ...options });

describe('collectCompletion', () => {
  it("one text_completion with the joined text, the finish reason and the upstream's usage", async () => {
    expect(
      await collect(
        [
          { type: 'text-start', id: 'text-0' },
          { type: 'text-delta', id: 'text-0', text: 'Hel' },
          { type: 'text-delta', id: 'text-0', text: 'lo' },
          { type: 'text-end', id: 'text-0' },
          { type: 'usage', promptTokens: 10, completionTokens: 2 },
          { type: 'finish', finishReason: 'stop' },
        ],
        { countUsage: () => ({ promptTokens: 99, completionTokens: 99 }), systemFingerprint: 'fp_x' },
      ),
    ).toEqual({
      id: 'cmpl-abc',
      object: 'text_completion',
      created: 1760000000,
      model: 'gpt-4.1',
      system_fingerprint: 'fp_x',
      choices: [{ text: 'Hello', index: 0, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
  });

  it('drops reasoning, uses the estimate without a usage part, ignores parts after finish', async () => {
    const completion = await collect(
      [
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'Let me think.' },
        { type: 'text-delta', id: 'text-0', text: '42' },
        { type: 'finish', finishReason: 'length' },
        { type: 'text-delta', id: 'text-0', text: 'late' },
      ],
      { countUsage: () => ({ promptTokens: 5, completionTokens: 4 }) },
    );
    expect(completion.choices).toEqual([{ text: '42', index: 0, logprobs: null, finish_reason: 'length' }]);
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
  });

  it('omits usage when there are no counts at all', async () => {
    expect(await collect([{ type: 'finish', finishReason: 'stop' }])).not.toHaveProperty('usage');
  });

  it("throws the stream's error, and an incomplete-stream error for a stream without finish", async () => {
    const busy = new GatewayError('busy', { status: 429, type: 'rate_limit_error' });
    await expect(collect([{ type: 'text-delta', id: 'text-0', text: 'Hi' }, { type: 'error', error: busy }])).rejects.toBe(busy);
    await expect(collect([{ type: 'text-delta', id: 'text-0', text: 'Hi' }])).rejects.toMatchObject({ status: 502, code: 'incomplete_stream' });
  });
});
