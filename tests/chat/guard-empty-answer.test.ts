import { describe, expect, it } from 'vitest';
import { DEFAULT_EMPTY_ANSWER_NOTICE, guardEmptyAnswer } from '@/lib/chat/guard-empty-answer';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { everyChunking, runTransform, textDeltas } from '@/tests/support/stream-helpers';

const text = (value: string): ChatStreamPart => ({ type: 'text-delta', text: value });
const reasoning = (value: string): ChatStreamPart => ({ type: 'reasoning-delta', text: value });
const usage: ChatStreamPart = { type: 'usage', promptTokens: 5, completionTokens: 0 };
const stopFinish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };
const upstreamError: ChatStreamPart = {
  type: 'error',
  error: new GatewayError('upstream broke', { status: 502, type: 'upstream_error' }),
};
const emptyAnswer: ChatStreamPart[] = [
  text(DEFAULT_EMPTY_ANSWER_NOTICE),
  { type: 'finish', finishReason: 'content_filter' },
];

describe('guardEmptyAnswer', () => {
  it.each<[name: string, input: ChatStreamPart[], expected: ChatStreamPart[]]>([
    ['a finish with no answer (XIPU banned word)', [stopFinish], emptyAnswer],
    ['an empty stream without a finish', [], emptyAnswer],
    ['whitespace-only text', [text('  \n'), stopFinish], [text('  \n'), ...emptyAnswer]],
    ['reasoning alone', [reasoning('thinking'), stopFinish], [reasoning('thinking'), ...emptyAnswer]],
    ['reasoning alone without a finish', [reasoning('thinking')], [reasoning('thinking'), ...emptyAnswer]],
    ['usage before an empty finish', [usage, stopFinish], [usage, ...emptyAnswer]],
    ['a content_filter finish with no answer', [{ type: 'finish', finishReason: 'content_filter' }], emptyAnswer],
    ['an answer', [text('Hi'), stopFinish], [text('Hi'), stopFinish]],
    ['an answer without a finish', [text('Hi')], [text('Hi')]],
    ['an answer after whitespace', [text(' '), text('Hi'), stopFinish], [text(' '), text('Hi'), stopFinish]],
    ['an error with no answer', [upstreamError], [upstreamError]],
    ['an error after reasoning', [reasoning('r'), upstreamError], [reasoning('r'), upstreamError]],
    ['a tool_calls finish', [{ type: 'finish', finishReason: 'tool_calls' }], [{ type: 'finish', finishReason: 'tool_calls' }]],
    ['usage after a finish passes', [text('Hi'), stopFinish, usage], [text('Hi'), stopFinish, usage]],
  ])('%s', async (_name, input, expected) => {
    expect(await runTransform(guardEmptyAnswer(), input)).toEqual(expected);
  });

  it('sees an answer however its text is chunked', async () => {
    for (const { label, chunks } of everyChunking(' \n 好 ')) {
      const parts = [...textDeltas(chunks), stopFinish];
      expect(await runTransform(guardEmptyAnswer(), parts), label).toEqual(parts);
    }
  });

  it('uses the notice it is given', async () => {
    expect(await runTransform(guardEmptyAnswer({ notice: '[empty]' }), [stopFinish])).toEqual([
      text('[empty]'),
      { type: 'finish', finishReason: 'content_filter' },
    ]);
  });
});
