import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import {
  CANNED_REFUSALS,
  DEFAULT_CANNED_REFUSAL_NOTICE,
  detectCannedRefusal,
} from '@/lib/xipu/provider/detect-canned-refusal';
import { blockOf, everyChunking, hasEmptyDelta, mergeDeltas, runTransform, textBlockOf } from '@/tests/support/stream-helpers';

const text = (value: string): ChatStreamPart => ({ type: 'text-delta', id: 'text-0', text: value });
/** A whole text block `text-0`. */
const block = (value: string): ChatStreamPart[] => blockOf('text', value);
const stopFinish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };
const refusal: ChatStreamPart[] = [
  ...block(DEFAULT_CANNED_REFUSAL_NOTICE),
  { type: 'finish', finishReason: 'content_filter' },
];

/** Recorded by the ancestor adapter — docs/xipu-protocol §7, seed 000 "Common errors". */
const CANNED =
  "Unfortunately, I don't have any relevant information regarding this matter. However. Please feel free to ask me other questions, and I'll do my best to help.";
const CANNED_CURLY =
  'Unfortunately, I don’t have any relevant information regarding this matter. However. Please feel free to ask me other questions, and I’ll do my best to help.';

describe('detectCannedRefusal', () => {
  it('knows both canned texts of the protocol doc', () => {
    expect(CANNED_REFUSALS).toEqual([CANNED, 'Request Err!']);
  });

  it.each<[name: string, answer: string]>([
    ['the canned text', CANNED],
    ['the canned text with curly apostrophes', CANNED_CURLY],
    ['the canned text after leading whitespace', ` \n${CANNED}`],
    ['the canned text without its final full stop', CANNED.slice(0, -1)],
    ['the canned text with a different ending', `${CANNED.slice(0, -1)}!\n`],
    ['the canned text with a trailing newline', `${CANNED}\n`],
    ['Request Err!', 'Request Err!'],
    ['Request Err without the exclamation mark', 'Request Err'],
  ])('replaces %s with the notice, whether or not a finish arrives', async (_name, answer) => {
    for (const { label, chunks } of everyChunking(answer)) {
      expect(await runTransform(detectCannedRefusal(), [...textBlockOf(chunks), stopFinish]), label).toEqual(refusal);
      expect(await runTransform(detectCannedRefusal(), textBlockOf(chunks)), label).toEqual(refusal);
    }
  });

  it.each<[name: string, answer: string]>([
    ['an answer that starts like the canned text', "Unfortunately, I don't know the answer."],
    ['a curly apostrophe kept as sent', 'Unfortunately, I don’t know.'],
    ['a prefix of the canned text only', 'Unfortunately'],
    ['the canned text followed by more', `${CANNED} But here is more.`],
    ['the canned text with a long punctuation tail', `${CANNED}..........`],
    ['an answer that starts like Request Err!', 'Request Error: the server timed out.'],
    ['an ordinary answer', 'Hello'],
    ['leading whitespace kept as sent', " \n Unfortunately, I don't know."],
    ['a Chinese answer', '你好，世界'],
    ['whitespace only', ' \n '],
  ])('lets %s through intact', async (_name, answer) => {
    for (const { label, chunks } of everyChunking(answer)) {
      const withFinish = await runTransform(detectCannedRefusal(), [...textBlockOf(chunks), stopFinish]);
      expect(mergeDeltas(withFinish), label).toEqual([...block(answer), stopFinish]);
      expect(hasEmptyDelta(withFinish), label).toBe(false);
      const withoutFinish = await runTransform(detectCannedRefusal(), textBlockOf(chunks));
      expect(mergeDeltas(withoutFinish), label).toEqual(block(answer));
    }
  });

  it('passes an empty answer through for the empty-answer guard', async () => {
    expect(await runTransform(detectCannedRefusal(), [stopFinish])).toEqual([stopFinish]);
    expect(await runTransform(detectCannedRefusal(), [])).toEqual([]);
  });

  it('releases everything held, in one part, the moment the text diverges', async () => {
    const transform = detectCannedRefusal();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(text("Unfortunately, I don't"));
    void writer.write(text(' know'));
    expect(await reader.read()).toEqual({ done: false, value: text("Unfortunately, I don't know") });
    void writer.write(text(' more'));
    expect(await reader.read()).toEqual({ done: false, value: text(' more') });
  });

  it('releases an answer at once when its first character rules the canned texts out', async () => {
    const transform = detectCannedRefusal();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(text('H'));
    expect(await reader.read()).toEqual({ done: false, value: text('H') });
  });

  it('uses the notice it is given', async () => {
    expect(await runTransform(detectCannedRefusal({ notice: '[refused]' }), block('Request Err!'))).toEqual([
      ...block('[refused]'),
      { type: 'finish', finishReason: 'content_filter' },
    ]);
  });

  it.each<[name: string, input: ChatStreamPart[], expected: ChatStreamPart[]]>([
    [
      'reasoning and usage pass through while the text is held',
      [
        ...blockOf('reasoning', 'thinking'),
        ...block(CANNED),
        { type: 'usage', promptTokens: 1, completionTokens: 2 },
        stopFinish,
      ],
      [
        ...blockOf('reasoning', 'thinking'),
        { type: 'usage', promptTokens: 1, completionTokens: 2 },
        ...refusal,
      ],
    ],
    ['parts after a refusal are dropped', [...block('Request Err!'), stopFinish, ...block('late')], refusal],
    [
      'usage inside the held block passes through before it',
      [{ type: 'text-start', id: 'text-0' }, text('Request'), { type: 'usage', promptTokens: 1, completionTokens: 2 }, text(' Err!'), { type: 'text-end', id: 'text-0' }, stopFinish],
      [{ type: 'usage', promptTokens: 1, completionTokens: 2 }, ...refusal],
    ],
    [
      'a second text block ends the check',
      [...block('Request Err!'), ...blockOf('text', 'more', 'text-1'), stopFinish],
      [...block('Request Err!'), ...blockOf('text', 'more', 'text-1'), stopFinish],
    ],
    [
      'an error releases the held text first',
      [{ type: 'text-start', id: 'text-0' }, text('Unfortunately'), { type: 'error', error: new GatewayError('broke', { status: 502, type: 'upstream_error' }) }],
      [{ type: 'text-start', id: 'text-0' }, text('Unfortunately'), { type: 'error', error: new GatewayError('broke', { status: 502, type: 'upstream_error' }) }],
    ],
    [
      'parts after an ordinary finish pass through',
      [...block('Hi'), stopFinish, { type: 'usage', promptTokens: 1, completionTokens: 1 }],
      [...block('Hi'), stopFinish, { type: 'usage', promptTokens: 1, completionTokens: 1 }],
    ],
  ])('%s', async (_name, input, expected) => {
    expect(await runTransform(detectCannedRefusal(), input)).toEqual(expected);
  });
});
