import { describe, expect, it } from 'vitest';
import { DEFAULT_EMPTY_ANSWER_NOTICE, guardEmptyAnswer } from '@/lib/chat/guard-empty-answer';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { blockOf, everyChunking, runTransform, textBlockOf } from '@/tests/support/stream-helpers';

/** Whole blocks; a stream's text blocks count up from `text-0`. */
const text = (value: string, id = 'text-0'): ChatStreamPart[] => blockOf('text', value, id);
const reasoning = (value: string): ChatStreamPart[] => blockOf('reasoning', value);
const usage: ChatStreamPart = { type: 'usage', promptTokens: 5, completionTokens: 0 };
const stopFinish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };
const upstreamError: ChatStreamPart = {
  type: 'error',
  error: new GatewayError('upstream broke', { status: 502, type: 'upstream_error' }),
};
/** The notice in the first free text block, then the content_filter finish. */
const emptyAnswer = (id = 'text-0'): ChatStreamPart[] => [
  ...text(DEFAULT_EMPTY_ANSWER_NOTICE, id),
  { type: 'finish', finishReason: 'content_filter' },
];
const toolCall: ChatStreamPart[] = [
  { type: 'tool-call-start', id: 'call_1', name: 'get_weather' },
  { type: 'tool-call-delta', id: 'call_1', argumentsDelta: '{}' },
  { type: 'tool-call-end', id: 'call_1' },
];

describe('guardEmptyAnswer', () => {
  it.each<[name: string, input: ChatStreamPart[], expected: ChatStreamPart[]]>([
    ['a finish with no answer (XIPU banned word)', [stopFinish], emptyAnswer()],
    ['an empty stream without a finish', [], emptyAnswer()],
    ['whitespace-only text', [...text('  \n'), stopFinish], [...text('  \n'), ...emptyAnswer('text-1')]],
    ['reasoning alone', [...reasoning('thinking'), stopFinish], [...reasoning('thinking'), ...emptyAnswer()]],
    ['reasoning alone without a finish', [...reasoning('thinking')], [...reasoning('thinking'), ...emptyAnswer()]],
    [
      'a reasoning block left open is ended before the notice',
      [{ type: 'reasoning-start', id: 'reasoning-0' }],
      [{ type: 'reasoning-start', id: 'reasoning-0' }, { type: 'reasoning-end', id: 'reasoning-0' }, ...emptyAnswer()],
    ],
    ['usage before an empty finish', [usage, stopFinish], [usage, ...emptyAnswer()]],
    ['a content_filter finish with no answer', [{ type: 'finish', finishReason: 'content_filter' }], emptyAnswer()],
    ['an answer', [...text('Hi'), stopFinish], [...text('Hi'), stopFinish]],
    ['an answer without a finish', [...text('Hi')], [...text('Hi')]],
    ['an answer after whitespace', [...text(' '), ...text('Hi', 'text-1'), stopFinish], [...text(' '), ...text('Hi', 'text-1'), stopFinish]],
    ['an error with no answer', [upstreamError], [upstreamError]],
    ['an error after reasoning', [...reasoning('r'), upstreamError], [...reasoning('r'), upstreamError]],
    ['a tool_calls finish', [{ type: 'finish', finishReason: 'tool_calls' }], [{ type: 'finish', finishReason: 'tool_calls' }]],
    ['a tool call is an answer', [...toolCall, stopFinish], [...toolCall, stopFinish]],
    ['usage after a finish passes', [...text('Hi'), stopFinish, usage], [...text('Hi'), stopFinish, usage]],
  ])('%s', async (_name, input, expected) => {
    expect(await runTransform(guardEmptyAnswer(), input)).toEqual(expected);
  });

  it('sees an answer however its text is chunked', async () => {
    for (const { label, chunks } of everyChunking(' \n 好 ')) {
      const parts = [...textBlockOf(chunks), stopFinish];
      expect(await runTransform(guardEmptyAnswer(), parts), label).toEqual(parts);
    }
  });

  it('uses the notice it is given', async () => {
    expect(await runTransform(guardEmptyAnswer({ notice: '[empty]' }), [stopFinish])).toEqual([
      ...text('[empty]'),
      { type: 'finish', finishReason: 'content_filter' },
    ]);
  });
});
