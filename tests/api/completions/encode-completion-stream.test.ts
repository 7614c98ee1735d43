import { describe, expect, it } from 'vitest';
import { createCompletionStreamEncoder, type CompletionStreamEncoderOptions } from '@/lib/api/completions/encode-completion-stream';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { readAll, streamOf } from '@/tests/support/stream-helpers';

const base = { id: 'cmpl-abc', created: 1760000000.7, model: 'gpt-4.1' };
const head = { id: 'cmpl-abc', object: 'text_completion', created: 1760000000, model: 'gpt-4.1' };

async function encode(parts: ChatStreamPart[], options: Partial<CompletionStreamEncoderOptions> = {}): Promise<string[]> {
  return readAll(streamOf(parts).pipeThrough(createCompletionStreamEncoder({ ...base, includeUsage: false, ...options })));
}

const event = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
const text = (piece: string, finishReason: string | null = null): string =>
  event({ ...head, choices: [{ text: piece, index: 0, logprobs: null, finish_reason: finishReason }] });
const usageEvent = (prompt: number, completion: number): string =>
  event({ ...head, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } });
const done = 'data: [DONE]\n\n';
const errorEvent = (message: string, type: string, code: string | null): string => event({ error: { message, type, param: null, code } });
const incomplete = errorEvent('The upstream stream ended without a finish.', 'server_error', 'incomplete_stream');
const busy = new GatewayError('Upstream is busy, retry later.', { status: 429, type: 'rate_limit_error', code: 'upstream_rate_limited' });

describe('createCompletionStreamEncoder', () => {
  it.each<[string, ChatStreamPart[], Partial<CompletionStreamEncoderOptions>, string[]]>([
    [
      'text deltas, then the finish chunk and [DONE]; block boundaries and empty texts send nothing',
      [
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', text: 'Hel' },
        { type: 'text-delta', id: 'text-0', text: '' },
        { type: 'text-delta', id: 'text-0', text: 'lo' },
        { type: 'text-end', id: 'text-0' },
        { type: 'finish', finishReason: 'stop' },
      ],
      {},
      [text(''), text('Hel'), text('lo'), text('', 'stop'), done],
    ],
    [
      'reasoning is dropped',
      [
        { type: 'reasoning-start', id: 'reasoning-0' },
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'Thinking' },
        { type: 'reasoning-end', id: 'reasoning-0' },
        { type: 'text-delta', id: 'text-0', text: '42' },
        { type: 'finish', finishReason: 'length' },
      ],
      {},
      [text(''), text('42'), text('', 'length'), done],
    ],
    [
      "the upstream's usage in its own chunk when asked",
      [
        { type: 'text-delta', id: 'text-0', text: 'Hi' },
        { type: 'usage', promptTokens: 12, completionTokens: 3 },
        { type: 'finish', finishReason: 'stop' },
      ],
      { includeUsage: true, countUsage: () => ({ promptTokens: 99, completionTokens: 99 }) },
      [text(''), text('Hi'), text('', 'stop'), usageEvent(12, 3), done],
    ],
    [
      'the estimate when the stream reported no usage',
      [{ type: 'text-delta', id: 'text-0', text: 'Hi' }, { type: 'finish', finishReason: 'stop' }],
      { includeUsage: true, countUsage: () => ({ promptTokens: 7, completionTokens: 1 }) },
      [text(''), text('Hi'), text('', 'stop'), usageEvent(7, 1), done],
    ],
    [
      'no usage chunk unless asked',
      [{ type: 'usage', promptTokens: 1, completionTokens: 1 }, { type: 'finish', finishReason: 'stop' }],
      { countUsage: () => ({ promptTokens: 7, completionTokens: 1 }) },
      [text(''), text('', 'stop'), done],
    ],
    [
      'an error mid-stream: one error event, no [DONE], later parts ignored',
      [
        { type: 'text-delta', id: 'text-0', text: 'Par' },
        { type: 'error', error: busy },
        { type: 'text-delta', id: 'text-0', text: 'late' },
        { type: 'finish', finishReason: 'stop' },
      ],
      {},
      [text(''), text('Par'), errorEvent('Upstream is busy, retry later.', 'rate_limit_error', 'upstream_rate_limited')],
    ],
    ['input ending without finish', [{ type: 'text-delta', id: 'text-0', text: 'Hi' }], {}, [text(''), text('Hi'), incomplete]],
    ['empty input', [], {}, [text(''), incomplete]],
    [
      'parts after finish ignored',
      [{ type: 'finish', finishReason: 'stop' }, { type: 'text-delta', id: 'text-0', text: 'late' }, { type: 'error', error: busy }],
      {},
      [text(''), text('', 'stop'), done],
    ],
  ])('%s', async (_label, parts, options, expected) => {
    expect(await encode(parts, options)).toEqual(expected);
  });

  it('carries the system fingerprint on every chunk', async () => {
    const events = await encode([{ type: 'finish', finishReason: 'stop' }], { systemFingerprint: 'fp_x' });
    for (const raw of events.slice(0, -1)) expect(JSON.parse(raw.slice('data: '.length))).toMatchObject({ system_fingerprint: 'fp_x' });
  });
});
